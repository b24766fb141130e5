import crypto from "node:crypto";
import type { MailPriority } from "../app/generated/prisma/client.ts";
import type { Client } from "../app/utils/db.server.ts";
import { env } from "../app/utils/env.server.ts";

export interface OutgoingEmail {
  /** Unique per logical message (e.g. `partner-approved:<id>`): enqueueing the same key twice is a no-op. */
  key: string;
  to: string;
  subject: string;
  html: string;
  text: string;
  ical?: { method: "REQUEST" | "CANCEL" | "PUBLISH"; content: string };
  /** Extra headers such as List-Unsubscribe (bulk mail); the worker adds them verbatim. */
  headers?: Record<string, string>;
  /**
   * One person and one event (e.g. `webinar:<id>:<registration>`): messages with the same key leave in the order
   * they were written, each only once the one before it is sent or has failed for good (ADR 0048).
   */
  orderKey?: string;
}

// A header line is built from these: a name outside the token alphabet or a value with CR/LF could start a
// header (or the body) of the attacker's choosing, so such a message is refused before it is queued.
const HEADER_NAME = /^[A-Za-z0-9][A-Za-z0-9-]{0,63}$/;
// eslint-disable-next-line no-control-regex
const UNSAFE_VALUE = /[\r\n\u0000]/;

export function checkHeaders(headers: Record<string, string> | undefined): Record<string, string> | null {
  if (!headers || Object.keys(headers).length === 0) return null;
  for (const [name, value] of Object.entries(headers)) {
    if (!HEADER_NAME.test(name) || typeof value !== "string" || UNSAFE_VALUE.test(value) || value.length > 2000) {
      throw new Error(`Refusing to queue a mail header that is not a single safe line: ${JSON.stringify(name)}`);
    }
  }
  return headers;
}

/** The Message-ID is derived from the key, so a resend after a crash carries the same id and receivers dedupe it. */
export function messageIdFor(key: string) {
  const host = new URL(env().APP_URL).hostname || "genmig.invalid";
  return `<${crypto.createHash("sha256").update(key).digest("hex").slice(0, 32)}@${host}>`;
}

/** Must be called with the use case's transaction so the mail exists if and only if the change does. */
export async function enqueueEmail(db: Client, email: OutgoingEmail): Promise<void> {
  await enqueueEmails(db, [email]);
}

export interface EnqueueOptions {
  /**
   * TRANSACTIONAL (the default: sign-in links, confirmations, invites) is always claimed before BULK (digests,
   * distributions), so a large mailing never delays a sign-in link.
   */
  priority?: MailPriority;
  chunk?: number;
  /** Not claimed before this time (default: at once). */
  notBefore?: Date;
}

/**
 * Many messages in few statements (e.g. an update to every registrant of a webinar, a digest): one INSERT per
 * chunk, its columns passed as arrays. Measured on both databases, Prisma's createMany spent 2–4 ms per row
 * building the statement (5,000 reminders: ~15 s); this takes a few ms per chunk (ADR 0029). Keys already
 * queued are skipped.
 */
export async function enqueueEmails(db: Client, emails: OutgoingEmail[], opts: EnqueueOptions = {}): Promise<void> {
  const chunk = opts.chunk ?? 500;
  for (const email of emails) if (/[\r\n]/.test(email.to) || /[\r\n]/.test(email.subject)) throw new Error("Refusing a mail address or subject with a line break");
  const priority = opts.priority ?? "TRANSACTIONAL";
  for (let i = 0; i < emails.length; i += chunk) {
    const part = emails.slice(i, i + chunk);
    const headers = part.map((e) => {
      const checked = checkHeaders(e.headers);
      return checked ? JSON.stringify(checked) : null;
    });
    // writeOrder (a sequence) is drawn as rows are inserted, so ORDER BY keeps the order the caller gave.
    await db.$executeRaw`
      INSERT INTO "OutboxMessage" (id, key, "messageId", "toAddress", subject, html, text, "icalMethod", "icalContent", headers, "orderKey", priority, "nextAttemptAt")
      SELECT m.id, m.key, m.mid, m.addr, m.subject, m.html, m.text, m.im, m.ic, m.h::jsonb, m.ok, ${priority}::"MailPriority",
        coalesce(${opts.notBefore ?? null}::timestamp(3), CURRENT_TIMESTAMP)
      FROM unnest(
        ${part.map(() => newId())}::text[], ${part.map((e) => e.key)}::text[], ${part.map((e) => messageIdFor(e.key))}::text[],
        ${part.map((e) => e.to)}::text[], ${part.map((e) => e.subject)}::text[], ${part.map((e) => e.html)}::text[],
        ${part.map((e) => e.text)}::text[], ${part.map((e) => e.ical?.method ?? null)}::text[], ${part.map((e) => e.ical?.content ?? null)}::text[],
        ${headers}::text[], ${part.map((e) => e.orderKey ?? null)}::text[]
      ) WITH ORDINALITY AS m(id, key, mid, addr, subject, html, text, im, ic, h, ok, n)
      ORDER BY m.n
      ON CONFLICT DO NOTHING`;
  }
}

/** Row ids: time-ordered like the cuids Prisma gives, unique across processes. */
function newId() {
  return `o${Date.now().toString(36)}${crypto.randomBytes(10).toString("hex")}`;
}
