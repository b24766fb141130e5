import { simpleParser } from "mailparser";
import { listMailbox, readMailboxMessage } from "../../emails/transport.ts";
import { listMailJobs } from "../../emails/jobs.ts";
import { listFailedMessages, outboxOverviewCounts, retryAllFailed, retryMessage } from "../../emails/outbox-status.ts";
import { recordAudit } from "./audit.server.ts";
import { notFound } from "./errors.ts";
import { redactSecrets } from "./mail-redaction.ts";
import { authorize, type Actor } from "./policy.server.ts";
import { prisma } from "../utils/db.server.ts";

/**
 * Admins see what the hub sent — the outbox by status, the mail jobs (a failing one with its error), permanent
 * failures and the file mailbox (no SMTP) —
 * never the secrets in its links, and every look at mail is in the audit log.
 */
export async function mailOverview(actor: Actor) {
  authorize(actor, { do: "mail.view" });
  const stats = await outboxOverviewCounts();
  const failed = (await listFailedMessages()).map((f) => ({ ...f, subject: redactSecrets(f.subject), lastError: f.lastError && redactSecrets(f.lastError) }));
  const mailbox = (await listMailbox()).map((m) => ({ ...m, subject: redactSecrets(m.subject) }));
  // A failing job's error is shown, as briefly as it was recorded, with any one-time link in it hidden.
  const jobs = (await listMailJobs()).map((j) => ({ ...j, lastError: j.failing && j.lastError ? redactSecrets(j.lastError) : null }));
  await recordAudit(prisma(), actor, "mail.listed", { type: "Mailbox", id: "mailbox" }, { messages: mailbox.length, failed: failed.length });
  return {
    stats,
    failed,
    jobs,
    mailbox,
  };
}

export async function readMail(actor: Actor, file: string) {
  authorize(actor, { do: "mail.view" });
  const raw = readMailboxMessage(file);
  if (raw === null) throw notFound();
  const mail = await simpleParser(raw, { skipHtmlToText: true, skipTextToHtml: true, skipImageLinks: true, skipTextLinks: true });
  await recordAudit(prisma(), actor, "mail.read", { type: "MailboxMessage", id: file }, { messageId: mail.messageId ?? null });
  // The text part is enough to read a message without rendering its HTML; its one-time links are redacted.
  return {
    to: mail.to ? [mail.to].flat().map((a) => a.text).join(", ") : "",
    subject: redactSecrets(mail.subject ?? ""),
    date: mail.date?.toISOString() ?? "",
    text: redactSecrets(mail.text ?? ""),
  };
}

export async function retryFailedMail(actor: Actor, id: string) {
  authorize(actor, { do: "mail.view" });
  if (!(await retryMessage(id))) throw notFound();
  await recordAudit(prisma(), actor, "mail.retried", { type: "OutboxMessage", id });
}

/** Queues every permanently failed message again (e.g. after fixing SMTP credentials); returns how many. */
export async function retryAllFailedMail(actor: Actor) {
  authorize(actor, { do: "mail.view" });
  const count = await retryAllFailed();
  await recordAudit(prisma(), actor, "mail.retriedAll", { type: "OutboxMessage", id: "*" }, { count });
  return count;
}
