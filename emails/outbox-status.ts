import type { OutboxMessage } from "../app/generated/prisma/client.ts";
import { prisma } from "../app/utils/db.server.ts";

// The outbox as admins see it (/admin/mail, the CLI): counts, failed messages, and retrying them.

export async function outboxStats() {
  const rows = await prisma().outboxMessage.groupBy({ by: ["status"], _count: { _all: true } });
  return Object.fromEntries(rows.map((r) => [r.status, r._count._all])) as Partial<Record<OutboxMessage["status"], number>>;
}

/**
 * The admin overview's counts: exact for what waits, is being sent or failed (few rows, read through the status
 * index). Sent rows are nearly all of a large outbox, and counting a million of them on every look is what made the
 * page slow: above 100,000 rows their number is the table's planner estimate less the others, marked approximate.
 */
export async function outboxOverviewCounts(): Promise<{ pending: number; sending: number; sent: number; failed: number; sentApproximate: boolean }> {
  const db = prisma();
  const exact = (status: OutboxMessage["status"]) => db.outboxMessage.count({ where: { status } });
  const [pending, sending, failed, estimate] = await Promise.all([
    exact("PENDING"),
    exact("SENDING"),
    exact("FAILED"),
    db.$queryRaw<{ n: number }[]>`SELECT reltuples::float8 AS n FROM pg_class WHERE oid = to_regclass('"OutboxMessage"')`,
  ]);
  const rows = Number(estimate[0]?.n ?? -1);
  if (rows > 100_000) return { pending, sending, failed, sent: Math.max(0, Math.round(rows) - pending - sending - failed), sentApproximate: true };
  return { pending, sending, failed, sent: await exact("SENT"), sentApproximate: false };
}

export function listFailedMessages(take = 100) {
  return prisma().outboxMessage.findMany({
    where: { status: "FAILED" },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take,
    select: { id: true, toAddress: true, subject: true, attempts: true, lastError: true, createdAt: true },
  });
}

export async function retryMessage(id: string) {
  const r = await prisma().outboxMessage.updateMany({
    where: { id, status: "FAILED" },
    data: { status: "PENDING", nextAttemptAt: new Date(), attempts: 0 },
  });
  return r.count === 1;
}

/** Queues every permanently failed message again; returns how many. */
export async function retryAllFailed() {
  const r = await prisma().outboxMessage.updateMany({
    where: { status: "FAILED" },
    data: { status: "PENDING", nextAttemptAt: new Date(), attempts: 0 },
  });
  return r.count;
}
