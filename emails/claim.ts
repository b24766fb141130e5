import { Prisma, type OutboxMessage } from "../app/generated/prisma/client.ts";
import { prisma, type Client } from "../app/utils/db.server.ts";
import { env } from "../app/utils/env.server.ts";

// How a worker takes its next batch from the outbox: leases, priorities, and the daily cap on bulk mail.
/** A claim lasts this long unless renewed (MAIL_LEASE_SECONDS); a live worker renews it (renewLeases). */
export const leaseMsDefault = () => env().MAIL_LEASE_SECONDS * 1000;
export const MAX_BATCH = 200;

/**
 * Makes messages whose worker died (lease expired) claimable again, in their original priority and order.
 * SKIP LOCKED: two workers doing this at once never wait on (or deadlock over) each other's rows.
 */
export async function releaseExpiredLeases(now: Date) {
  return prisma().$executeRaw`
    UPDATE "OutboxMessage" SET status = 'PENDING'::"OutboxStatus", "lockedBy" = NULL, "lockedUntil" = NULL
    WHERE id IN (
      SELECT id FROM "OutboxMessage"
      WHERE status = 'SENDING'::"OutboxStatus" AND "lockedUntil" < ${now}
      FOR UPDATE SKIP LOCKED
    )`;
}

/**
 * The heartbeat: extends this worker's leases on messages it still holds (waiting in its batch or on the wire).
 * Returns the ids it still holds; any other id was taken over (its lease ran out and another worker claimed it)
 * or already has an outcome, and must not be sent by this worker.
 */
export async function renewLeases(workerId: string, ids: string[], until: Date) {
  if (!ids.length) return new Set<string>();
  const rows = await prisma().$queryRaw<{ id: string }[]>`
    UPDATE "OutboxMessage" SET "lockedUntil" = ${until}
    WHERE id = ANY(${ids}::text[]) AND "lockedBy" = ${workerId} AND status = 'SENDING'::"OutboxStatus"
    RETURNING id`;
  return new Set(rows.map((r) => r.id));
}

/**
 * Hands back every message this worker still holds. Between two runs a worker holds nothing, so whatever it
 * holds then was left by a run that a database outage cut short: claimable again at once, not after its lease.
 */
export async function releaseOwnLeases(workerId: string) {
  return prisma().$executeRaw`
    UPDATE "OutboxMessage" SET status = 'PENDING'::"OutboxStatus", "lockedBy" = NULL, "lockedUntil" = NULL
    WHERE status = 'SENDING'::"OutboxStatus" AND "lockedBy" = ${workerId}`;
}

/** Bulk messages claimed in the rolling window that the daily cap covers (buckets are whole minutes). */
export const DAY_MS = 24 * 3600_000;
export async function bulkUsedSince(db: Client, now: Date) {
  const rows = await db.$queryRaw<{ used: number }[]>`
    SELECT coalesce(sum(count), 0)::int AS used FROM "BulkMailUsage" WHERE minute > ${new Date(now.getTime() - DAY_MS - 60_000)}`;
  return rows[0]?.used ?? 0;
}

/**
 * Atomically leases due messages to one worker, transactional before bulk, then oldest due first (the order of
 * the (status, priority, nextAttemptAt) index). SKIP LOCKED lets several workers claim disjoint batches. A message
 * with an order key waits while an earlier-written one with that key is pending (due or not, locked by another
 * claim or not) or on the wire, so one person's mail about one event leaves in order and never two at once. The same
 * statement adds the bulk messages it claimed to this minute's usage (the daily cap's window, the shown rate).
 */
async function claimRows(db: Client, workerId: string, now: Date, until: Date, limit: number, only?: "TRANSACTIONAL" | "BULK") {
  const onlyTransactional = only ? Prisma.sql`AND priority = ${only}::"MailPriority"` : Prisma.empty;
  return db.$queryRaw<OutboxMessage[]>`
    WITH claimed AS (
      UPDATE "OutboxMessage" SET status = 'SENDING'::"OutboxStatus", "lockedBy" = ${workerId}, "lockedUntil" = ${until}
      WHERE id IN (
        SELECT id FROM "OutboxMessage" o
        WHERE status = 'PENDING'::"OutboxStatus" AND "nextAttemptAt" <= ${now} ${onlyTransactional}
          AND (o."orderKey" IS NULL OR NOT EXISTS (
            SELECT 1 FROM "OutboxMessage" e
            WHERE e."orderKey" = o."orderKey" AND e."writeOrder" < o."writeOrder" AND e.status IN ('PENDING'::"OutboxStatus", 'SENDING'::"OutboxStatus")
          ))
        ORDER BY priority, "nextAttemptAt"
        LIMIT ${limit}
        FOR UPDATE SKIP LOCKED
      )
      RETURNING *
    ), usage AS (
      INSERT INTO "BulkMailUsage" (minute, count)
      SELECT date_trunc('minute', ${now}::timestamp(3)), count(*)::int FROM claimed WHERE priority = 'BULK'::"MailPriority" HAVING count(*) > 0
      ON CONFLICT (minute) DO UPDATE SET count = "BulkMailUsage".count + EXCLUDED.count
    )
    SELECT * FROM claimed`;
}

const CAP_LOCK = 190_019;

export async function claimDue(workerId: string, opts: { now?: Date; batchSize?: number; leaseMs?: number; dailyCap?: number } = {}) {
  const now = opts.now ?? new Date();
  const until = new Date(now.getTime() + (opts.leaseMs ?? leaseMsDefault()));
  const batchSize = opts.batchSize ?? MAX_BATCH;
  const cap = opts.dailyCap ?? env().MAIL_DAILY_CAP;
  await releaseExpiredLeases(now);
  const rows =
    cap > 0
      ? // Workers take turns under one lock so together they never claim more bulk mail than the window allows.
        await prisma().$transaction(async (tx) => {
          await tx.$executeRaw`SELECT pg_advisory_xact_lock(${CAP_LOCK})`;
          const allowance = cap - (await bulkUsedSince(tx, now));
          const transactional = await claimRows(tx, workerId, now, until, batchSize, "TRANSACTIONAL");
          const room = Math.min(batchSize - transactional.length, allowance);
          return room > 0 ? [...transactional, ...(await claimRows(tx, workerId, now, until, room, "BULK"))] : transactional;
        })
      : await claimRows(prisma(), workerId, now, until, batchSize);
  // RETURNING has no order; send in claim order.
  return rows.sort(
    (a, b) => Number(a.priority === "BULK") - Number(b.priority === "BULK") || a.nextAttemptAt.getTime() - b.nextAttemptAt.getTime(),
  );
}
