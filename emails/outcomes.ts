import { Prisma, type OutboxMessage } from "../app/generated/prisma/client.ts";
import { prisma } from "../app/utils/db.server.ts";

// What became of each message a worker tried: retried with backoff, failed for good, or sent, recorded on the
// outbox row (and its send's counts) only while the worker still holds the row.

export const MAX_ATTEMPTS = 8;

export function backoffMs(attempts: number) {
  return Math.min(30_000 * 2 ** Math.max(0, attempts - 1), 3600_000);
}

/** A bulk message whose address was suppressed after it was queued: not sent, FAILED with this as lastError. */
export const SUPPRESSED = "suppressed";
export const suppressedError = new Error(SUPPRESSED);

export function isPermanent(error: unknown) {
  if (error === suppressedError) return true;
  const code = (error as { responseCode?: number }).responseCode;
  return typeof code === "number" && code >= 500 && code < 600;
}

const AWAY_CODES = new Set(["ECONNECTION", "ESOCKET", "ETIMEDOUT", "ECONNREFUSED", "ECONNRESET", "EPIPE", "EDNS"]);

/**
 * The server is away (refused or cut the connection, or answered 421 "service not available"): not this
 * message's fault. It goes back to the queue as it was, without an attempt or a backoff, and the worker stops
 * sending until its next tick, so delivery resumes within a tick of the server's return.
 */
export function serverAway(error: unknown) {
  const e = error as { code?: string; responseCode?: number } | undefined;
  if (e?.responseCode === 421) return true;
  return e?.responseCode === undefined && typeof e?.code === "string" && AWAY_CODES.has(e.code);
}

export type Outcome = { ok: true } | { ok: false; error: unknown };

export interface DeliveryResult {
  sent: number;
  retried: number;
  /** Refused for good, or (bulk) not sent because the address is now suppressed. */
  failed: number;
}

export type Done = { message: OutboxMessage; outcome: Outcome };

/**
 * Records outcomes: what was sent in one UPDATE, failures in one UPDATE per distinct outcome. Failures change
 * only rows this worker still leases (a worker whose lease ran out cannot overwrite a row another worker owns);
 * SENT also lands on a row that was handed back and not yet claimed again — it did go out.
 */
export async function record(done: Done[], workerId: string, now: Date, result: DeliveryResult) {
  const sent = done.filter((d) => d.outcome.ok).map((d) => d.message.id);
  const ofSends = done.some((d) => d.message.sendId);
  if (sent.length && ofSends) {
    await recordSendOutcome(sent, workerId, { status: "SENT", sentAt: new Date() });
  } else if (sent.length) {
    await prisma().outboxMessage.updateMany({
      where: { id: { in: sent }, OR: [{ lockedBy: workerId }, { lockedBy: null, status: "PENDING" }] },
      data: { status: "SENT", sentAt: new Date(), attempts: { increment: 1 }, lockedBy: null, lockedUntil: null, lastError: null },
    });
  }
  const groups = new Map<string, { ids: string[]; attempts: number; failed: boolean; away: boolean; lastError: string }>();
  let retried = 0;
  let failedCount = 0;
  for (const { message, outcome } of done) {
    if (outcome.ok) continue;
    const away = serverAway(outcome.error);
    const attempts = message.attempts + (outcome.error === suppressedError || away ? 0 : 1);
    const failed = !away && (isPermanent(outcome.error) || attempts >= MAX_ATTEMPTS);
    const lastError = String((outcome.error as Error)?.message ?? outcome.error).slice(0, 1000);
    const key = JSON.stringify([attempts, failed, away, lastError]);
    const group = groups.get(key) ?? { ids: [], attempts, failed, away, lastError };
    group.ids.push(message.id);
    groups.set(key, group);
    if (failed) failedCount++;
    else retried++;
  }
  for (const g of groups.values()) {
    if (g.failed && ofSends) {
      await recordSendOutcome(g.ids, workerId, { status: "FAILED", attempts: g.attempts, lastError: g.lastError });
      continue;
    }
    await prisma().outboxMessage.updateMany({
      where: { id: { in: g.ids }, lockedBy: workerId },
      data: {
        status: g.failed ? "FAILED" : "PENDING",
        attempts: g.attempts,
        lastError: g.lastError,
        // A server that was away is tried again at the next tick, in the message's place in the queue.
        ...(g.away ? {} : { nextAttemptAt: new Date(now.getTime() + backoffMs(g.attempts)) }),
        lockedBy: null,
        lockedUntil: null,
      },
    });
  }
  // Counted once recorded: a recording that fails is retried with the same outcomes.
  result.sent += sent.length;
  result.retried += retried;
  result.failed += failedCount;
}

/**
 * Final outcomes of messages that belong to sends: the rows and their sends' aggregate counts change in one
 * statement, so a crash can never count a message twice or not at all. A send is finished when everything it
 * queued has an outcome.
 */
async function recordSendOutcome(
  ids: string[],
  workerId: string,
  outcome: { status: "SENT"; sentAt: Date } | { status: "FAILED"; attempts: number; lastError: string },
) {
  const now = new Date();
  const set =
    outcome.status === "SENT"
      ? Prisma.sql`status = 'SENT'::"OutboxStatus", "sentAt" = ${outcome.sentAt}, attempts = attempts + 1, "lastError" = NULL`
      : Prisma.sql`status = 'FAILED'::"OutboxStatus", attempts = ${outcome.attempts}, "lastError" = ${outcome.lastError}`;
  const ours =
    outcome.status === "SENT"
      ? Prisma.sql`("lockedBy" = ${workerId} OR ("lockedBy" IS NULL AND status = 'PENDING'::"OutboxStatus"))`
      : Prisma.sql`"lockedBy" = ${workerId}`;
  const counter = outcome.status === "SENT" ? Prisma.sql`sent` : Prisma.sql`failed`;
  const sentTimes =
    outcome.status === "SENT" ? Prisma.sql`, "firstSentAt" = coalesce(s."firstSentAt", ${now}), "lastSentAt" = ${now}` : Prisma.empty;
  await prisma().$executeRaw`
    WITH done AS (
      UPDATE "OutboxMessage" SET ${set}, "lockedBy" = NULL, "lockedUntil" = NULL
      WHERE id = ANY(${ids}::text[]) AND ${ours}
      RETURNING "sendId"
    ), per AS (
      SELECT "sendId", count(*)::int AS n FROM done WHERE "sendId" IS NOT NULL GROUP BY "sendId"
    )
    UPDATE "BulkSend" s SET ${counter} = s.${counter} + per.n ${sentTimes},
      "finishedAt" = CASE WHEN s.status = 'QUEUED'::"BulkSendStatus" AND s.sent + s.failed + per.n >= s.enqueued THEN coalesce(s."finishedAt", ${now}) ELSE s."finishedAt" END
    FROM per WHERE s.id = per."sendId"`;
}

/** Hands back claimed messages that will not be sent now (stopping, the server away, a lost lease elsewhere). */
export async function release(messages: OutboxMessage[], workerId: string) {
  if (!messages.length) return;
  await prisma().outboxMessage.updateMany({
    where: { id: { in: messages.map((m) => m.id) }, lockedBy: workerId, status: "SENDING" },
    data: { status: "PENDING", lockedBy: null, lockedUntil: null },
  });
}

