import { simpleParser } from "mailparser";
import { listMailbox, readMailboxMessage } from "../../emails/transport.ts";
import { listFailedMessages, outboxStats, retryMessage } from "../../emails/worker.ts";
import { recordAudit } from "./audit.server.ts";
import { notFound } from "./errors.ts";
import { authorize, type Actor } from "./policy.server.ts";
import { prisma } from "../utils/db.server.ts";

/** Admins read what the hub sent: the file mailbox (no SMTP) and permanent delivery failures. */
export async function mailOverview(actor: Actor) {
  authorize(actor, { do: "mail.view" });
  return { stats: await outboxStats(), failed: await listFailedMessages(), mailbox: listMailbox() };
}

export async function readMail(actor: Actor, file: string) {
  authorize(actor, { do: "mail.view" });
  const raw = readMailboxMessage(file);
  if (raw === null) throw notFound();
  const mail = await simpleParser(raw);
  // The text part is enough to read a message (and copy a sign-in link) without rendering its HTML.
  return { to: mail.to ? [mail.to].flat().map((a) => a.text).join(", ") : "", subject: mail.subject ?? "", date: mail.date?.toISOString() ?? "", text: mail.text ?? "" };
}

export async function retryFailedMail(actor: Actor, id: string) {
  authorize(actor, { do: "mail.view" });
  if (!(await retryMessage(id))) throw notFound();
  await recordAudit(prisma(), actor, "mail.retried", { type: "OutboxMessage", id });
}
