import { prisma } from "../app/utils/db.server.ts";
import { env } from "../app/utils/env.server.ts";
import { purgeMailbox } from "./transport.ts";

/**
 * Mail holds personal data and one-time links: mailbox files and SENT outbox rows are kept MAIL_RETENTION_DAYS.
 * Pending and failed rows stay until they are delivered or an admin acts on them.
 */
export async function purgeExpiredMail(now = new Date(), days = env().MAIL_RETENTION_DAYS) {
  if (days <= 0) return { files: 0, rows: 0 };
  const before = new Date(now.getTime() - days * 86_400_000);
  const rows = await prisma().outboxMessage.deleteMany({ where: { status: "SENT", sentAt: { lt: before } } });
  return { files: purgeMailbox(before), rows: rows.count };
}
