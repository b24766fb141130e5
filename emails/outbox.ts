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
}

/** Many messages in few statements (e.g. an update to every registrant of a webinar, a digest). */
export async function enqueueEmails(db: Client, emails: OutgoingEmail[], opts: EnqueueOptions = {}): Promise<void> {
  const chunk = opts.chunk ?? 500;
  for (const email of emails) if (/[\r\n]/.test(email.to) || /[\r\n]/.test(email.subject)) throw new Error("Refusing a mail address or subject with a line break");
  for (let i = 0; i < emails.length; i += chunk) {
    await db.outboxMessage.createMany({
      data: emails.slice(i, i + chunk).map((email) => ({
        key: email.key,
        messageId: messageIdFor(email.key),
        toAddress: email.to,
        subject: email.subject,
        html: email.html,
        text: email.text,
        icalMethod: email.ical?.method ?? null,
        icalContent: email.ical?.content ?? null,
        headers: checkHeaders(email.headers) ?? undefined,
        priority: opts.priority ?? "TRANSACTIONAL",
      })),
      skipDuplicates: true,
    });
  }
}
