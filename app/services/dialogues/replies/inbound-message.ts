import type { ParsedMail } from "mailparser";

/** What the receiver knows besides the message: the SMTP envelope, when it came over SMTP. */
export interface Envelope {
  /** MAIL FROM; "" for the null sender (bounces). */
  from?: string;
  to?: string[];
}

/**
 * Why a message is not a person's reply at all, or null when it may be one (RFC 3834 and common practice): a null
 * sender (bounces), `Auto-Submitted` other than "no" (our own refusals say `auto-replied`, so an answer to one is
 * never answered), `Precedence: bulk|junk|list`, vacation-responder headers, and delivery reports.
 */
export function automaticKind(mail: ParsedMail, envelope: Envelope): string | null {
  const h = mail.headers;
  const text = (name: string) => {
    const v = h.get(name);
    return typeof v === "string" ? v.trim().toLowerCase() : v ? String((v as { value?: string }).value ?? v).trim().toLowerCase() : "";
  };
  if (envelope.from !== undefined && envelope.from.trim().replace(/[<>]/g, "") === "") return "null_sender";
  const returnPath = text("return-path");
  if (h.has("return-path") && returnPath.replace(/[<>\s]/g, "") === "") return "null_sender";
  const auto = text("auto-submitted");
  if (auto && auto !== "no") return "auto_submitted";
  if (/^(bulk|junk|list)$/.test(text("precedence"))) return "precedence";
  if (h.has("x-autoreply") || h.has("x-autorespond")) return "auto_reply";
  const type = h.get("content-type") as { value?: string } | undefined;
  if (type?.value === "multipart/report") return "report";
  return null;
}

/** Every address the message was delivered to, envelope first: where to look for a reply token. */
export function recipientsOf(mail: ParsedMail, envelope: Envelope): string[] {
  const out = [...(envelope.to ?? [])];
  for (const field of [mail.to, mail.cc]) {
    for (const group of field ? (Array.isArray(field) ? field : [field]) : []) for (const a of group.value) if (a.address) out.push(a.address);
  }
  for (const name of ["delivered-to", "x-original-to"]) {
    const v = mail.headers.get(name);
    if (typeof v === "string") out.push(v.replace(/[<>]/g, "").trim());
  }
  return out;
}

/** The From address, lower-case, or null when there is none or several. */
export function senderOf(mail: ParsedMail): string | null {
  const list = mail.from?.value ?? [];
  return list.length === 1 && list[0].address ? list[0].address.trim().toLowerCase() : null;
}

/** Files the person attached (not the images an HTML body shows inline). */
export function attachmentsOf(mail: ParsedMail) {
  return mail.attachments
    .filter((a) => a.contentDisposition !== "inline" || !a.related)
    .map((a) => ({ name: a.filename ?? "attachment", contentType: a.contentType, content: a.content }));
}
