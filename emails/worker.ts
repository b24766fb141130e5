import crypto from "node:crypto";
import os from "node:os";
import type Mail from "nodemailer/lib/mailer";
import { Prisma, type OutboxMessage } from "../app/generated/prisma/client.ts";
import { normaliseAddress, suppressedAmong } from "../app/services/subscriptions/suppression.server.ts";
import { prisma, type Client } from "../app/utils/db.server.ts";
import { env } from "../app/utils/env.server.ts";
import { claimDue, MAX_BATCH } from "./claim.ts";
import { startJobLoop } from "./jobs.ts";
import { BodyCache } from "./mail-bodies.ts";
import { buildRaw, literalBody, sender } from "./mime.ts";
import { purgeExpiredMail } from "./retention.ts";
import { TokenBucket } from "./token-bucket.ts";
import { createTransport, type Transport } from "./transport.ts";

export const MAX_ATTEMPTS = 8;

export function backoffMs(attempts: number) {
  return Math.min(30_000 * 2 ** Math.max(0, attempts - 1), 3600_000);
}

/** Messages on the wire at once: two per pooled connection, so no connection idles between messages. */
export const inFlightFor = (connections: number) => connections * 2;

/**
 * A claimed batch is what a worker will send before it looks at the queue again, so under a rate limit it is
 * about one second of sending: a transactional message enqueued now waits at most for that and the prefetched
 * batch.
 */
export function batchSizeFor(ratePerSecond: number, inFlight: number) {
  return ratePerSecond > 0 ? Math.min(MAX_BATCH, Math.max(inFlight, Math.ceil(ratePerSecond))) : MAX_BATCH;
}

/** A bulk message whose address was suppressed after it was queued: not sent, FAILED with this as lastError. */
export const SUPPRESSED = "suppressed";
const suppressedError = new Error(SUPPRESSED);

function isPermanent(error: unknown) {
  if (error === suppressedError) return true;
  const code = (error as { responseCode?: number }).responseCode;
  return typeof code === "number" && code >= 500 && code < 600;
}

type Outcome = { ok: true } | { ok: false; error: unknown };

type Sender = ReturnType<typeof sender>;

/**
 * What goes on the wire. Bulk mail is built as raw MIME (mime.ts), from a shared body encoded once per worker;
 * transactional mail (sign-in links, invites with their calendar part) goes through nodemailer's composer.
 */
function outgoing(message: OutboxMessage, bodies: BodyCache, from: Sender): Mail.Options {
  if ((message.bodyId || message.priority === "BULK") && !message.icalContent) {
    const body = message.bodyId ? bodies.compiled(message.bodyId) : literalBody(message);
    return buildRaw(body, from, {
      toAddress: message.toAddress,
      messageId: message.messageId,
      mergeData: (message.mergeData ?? {}) as Record<string, string>,
      headers: message.headers as Record<string, string> | null,
    });
  }
  return {
    from: env().MAIL_FROM,
    to: message.toAddress,
    ...bodies.content(message),
    messageId: message.messageId,
    ...(message.headers ? { headers: message.headers as Record<string, string> } : {}),
    ...(message.icalContent ? { icalEvent: { method: message.icalMethod ?? "REQUEST", content: message.icalContent } } : {}),
  };
}

async function attempt(message: OutboxMessage, transport: Transport, bodies: BodyCache, from: Sender): Promise<Outcome> {
  try {
    await transport.send(outgoing(message, bodies, from));
    return { ok: true };
  } catch (error) {
    return { ok: false, error };
  }
}

/**
 * Bulk messages whose address joined the suppression list after they were queued (a hard bounce, a complaint,
 * an unsubscribe): one query per batch. Transactional mail is never held back by suppression (ADR 0018).
 */
async function suppressedIn(batch: OutboxMessage[]) {
  const bulk = batch.filter((m) => m.priority === "BULK").map((m) => m.toAddress);
  return bulk.length ? suppressedAmong(prisma(), bulk) : new Set<string>();
}

/** Sends a batch with at most `inFlight` messages on the wire, each waiting for a token of the shared rate. */
async function sendBatch(batch: OutboxMessage[], transport: Transport, bucket: TokenBucket, inFlight: number, bodies: BodyCache) {
  const outcomes: Outcome[] = new Array(batch.length);
  const [suppressed] = await Promise.all([suppressedIn(batch), bodies.load(prisma(), batch)]);
  const from = sender(env().MAIL_FROM);
  let next = 0;
  const lane = async () => {
    while (next < batch.length) {
      const i = next++;
      const message = batch[i];
      if (message.priority === "BULK" && suppressed.size && suppressed.has(normaliseAddress(message.toAddress))) {
        outcomes[i] = { ok: false, error: suppressedError };
        continue;
      }
      await bucket.take();
      outcomes[i] = await attempt(message, transport, bodies, from);
    }
  };
  await Promise.all(Array.from({ length: Math.min(inFlight, batch.length) }, lane));
  return outcomes;
}

export interface DeliveryResult {
  sent: number;
  retried: number;
  /** Refused for good, or (bulk) not sent because the address is now suppressed. */
  failed: number;
}

/**
 * Records a sent batch in one UPDATE, and failures in one UPDATE per distinct outcome. Only rows this worker
 * still leases change: a worker whose lease expired cannot overwrite the row another worker now owns.
 */
async function record(batch: OutboxMessage[], outcomes: Outcome[], workerId: string, now: Date, result: DeliveryResult) {
  const sent = batch.filter((_, i) => outcomes[i].ok).map((m) => m.id);
  const ofSends = batch.some((m) => m.sendId);
  if (sent.length && ofSends) {
    await recordSendOutcome(sent, workerId, { status: "SENT", sentAt: new Date() });
    result.sent += sent.length;
  } else if (sent.length) {
    await prisma().outboxMessage.updateMany({
      where: { id: { in: sent }, lockedBy: workerId },
      data: { status: "SENT", sentAt: new Date(), attempts: { increment: 1 }, lockedBy: null, lockedUntil: null, lastError: null },
    });
    result.sent += sent.length;
  }
  const groups = new Map<string, { ids: string[]; attempts: number; failed: boolean; lastError: string }>();
  batch.forEach((message, i) => {
    const outcome = outcomes[i];
    if (outcome.ok) return;
    const attempts = message.attempts + (outcome.error === suppressedError ? 0 : 1);
    const failed = isPermanent(outcome.error) || attempts >= MAX_ATTEMPTS;
    const lastError = String((outcome.error as Error)?.message ?? outcome.error).slice(0, 1000);
    const key = JSON.stringify([attempts, failed, lastError]);
    const group = groups.get(key) ?? { ids: [], attempts, failed, lastError };
    group.ids.push(message.id);
    groups.set(key, group);
    result[failed ? "failed" : "retried"] += 1;
  });
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
        nextAttemptAt: new Date(now.getTime() + backoffMs(g.attempts)),
        lockedBy: null,
        lockedUntil: null,
      },
    });
  }
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
  const counter = outcome.status === "SENT" ? Prisma.sql`sent` : Prisma.sql`failed`;
  const sentTimes =
    outcome.status === "SENT" ? Prisma.sql`, "firstSentAt" = coalesce(s."firstSentAt", ${now}), "lastSentAt" = ${now}` : Prisma.empty;
  await prisma().$executeRaw`
    WITH done AS (
      UPDATE "OutboxMessage" SET ${set}, "lockedBy" = NULL, "lockedUntil" = NULL
      WHERE id = ANY(${ids}::text[]) AND "lockedBy" = ${workerId}
      RETURNING "sendId"
    ), per AS (
      SELECT "sendId", count(*)::int AS n FROM done WHERE "sendId" IS NOT NULL GROUP BY "sendId"
    )
    UPDATE "BulkSend" s SET ${counter} = s.${counter} + per.n ${sentTimes},
      "finishedAt" = CASE WHEN s.status = 'QUEUED'::"BulkSendStatus" AND s.sent + s.failed + per.n >= s.enqueued THEN coalesce(s."finishedAt", ${now}) ELSE s."finishedAt" END
    FROM per WHERE s.id = per."sendId"`;
}

/** Hands back a claimed batch that will not be sent now (the worker is stopping or the server is refusing). */
async function release(batch: OutboxMessage[], workerId: string) {
  if (!batch.length) return;
  await prisma().outboxMessage.updateMany({
    where: { id: { in: batch.map((m) => m.id) }, lockedBy: workerId, status: "SENDING" },
    data: { status: "PENDING", lockedBy: null, lockedUntil: null },
  });
}

export interface DeliveryOptions {
  workerId?: string;
  /** Fixed clock for due times and leases (tests); otherwise the time of each claim. */
  now?: Date;
  transport?: Transport;
  bucket?: TokenBucket;
  batchSize?: number;
  inFlight?: number;
  leaseMs?: number;
  /** Shared bodies of bulk mail, kept for the life of a worker. */
  bodies?: BodyCache;
  /** Bulk messages per rolling 24 hours (default MAIL_DAILY_CAP; 0: none). */
  dailyCap?: number;
  /** Stop claiming: the batch on the wire finishes and is recorded, a prefetched one is handed back. */
  signal?: AbortSignal;
  /** Observers for tests and the benchmark; `startedAt` is performance.now() when the claim query was sent. */
  onClaim?: (batch: OutboxMessage[], startedAt: number) => void;
  onRecorded?: (batch: OutboxMessage[]) => void;
}

/**
 * Delivers everything due: claim a batch, send it over the pool while the next batch is claimed, then record
 * the outcomes. A message is marked SENT only after the server accepted it and only once its whole batch is
 * done, so a crash resends at most the batch that was on the wire — with the same Message-ID (ADR 0007).
 */
export async function deliverDue(opts: DeliveryOptions = {}): Promise<DeliveryResult> {
  const config = env();
  const workerId = opts.workerId ?? defaultWorkerId();
  const transport = opts.transport ?? createTransport();
  const bucket = opts.bucket ?? new TokenBucket(config.MAIL_RATE_PER_SECOND);
  const inFlight = opts.inFlight ?? inFlightFor(config.MAIL_CONNECTIONS);
  const batchSize = opts.batchSize ?? batchSizeFor(bucket.ratePerSecond, inFlight);
  const bodies = opts.bodies ?? new BodyCache();
  const result: DeliveryResult = { sent: 0, retried: 0, failed: 0 };
  const claim = async () => {
    const startedAt = performance.now();
    const batch = await claimDue(workerId, { now: opts.now, batchSize, leaseMs: opts.leaseMs, dailyCap: opts.dailyCap });
    if (batch.length) opts.onClaim?.(batch, startedAt);
    return batch;
  };
  try {
    let batch = await claim();
    while (batch.length) {
      const now = opts.now ?? new Date();
      const sending = sendBatch(batch, transport, bucket, inFlight, bodies);
      const more = batch.length === batchSize && !opts.signal?.aborted;
      // The next batch is leased while this one is on the wire; a failure there surfaces after recording.
      const prefetch = more ? claim().then((b) => ({ b }), (error: unknown) => ({ error })) : Promise.resolve({ b: [] as OutboxMessage[] });
      const outcomes = await sending;
      await record(batch, outcomes, workerId, now, result);
      opts.onRecorded?.(batch);
      const next = await prefetch;
      if ("error" in next) throw next.error;
      // A server refusing everything (down, throttling us) is retried on the next tick, not across the whole queue.
      const allDeferred = outcomes.every((o) => !o.ok && !isPermanent(o.error));
      if (opts.signal?.aborted || allDeferred) {
        await release(next.b, workerId);
        break;
      }
      batch = next.b;
    }
  } finally {
    if (!opts.transport) transport.close();
  }
  return result;
}

const defaultWorkerId = () => `${os.hostname()}:${process.pid}:${crypto.randomBytes(3).toString("hex")}`;

let lastRetention = 0;
const RETENTION_EVERY_MS = 3600_000;

/** One delivery pass (and the hourly retention purge). Mail jobs run in their own loop (jobs.ts), never here. */
export async function runWorkerOnce(opts: Omit<DeliveryOptions, "now"> = {}) {
  const now = new Date();
  if (now.getTime() - lastRetention >= RETENTION_EVERY_MS) {
    lastRetention = now.getTime();
    await purgeExpiredMail(now);
  }
  return deliverDue(opts);
}

/**
 * The long-running worker: one SMTP pool and one rate bucket for the life of the process, so connections are
 * reused across ticks and the rate holds across them.
 */
export function startWorker(opts: { workerId?: string; intervalMs?: number } = {}) {
  const workerId = opts.workerId ?? defaultWorkerId();
  const transport = createTransport();
  const bucket = new TokenBucket(env().MAIL_RATE_PER_SECOND);
  const bodies = new BodyCache();
  const stopping = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<unknown> = Promise.resolve();
  const tick = () => {
    running = runWorkerOnce({ workerId, transport, bucket, bodies, signal: stopping.signal })
      .catch((error) => console.error(`[worker] ${(error as Error).message}`))
      .finally(() => {
        if (!stopping.signal.aborted) timer = setTimeout(tick, opts.intervalMs ?? 2000);
      });
  };
  tick();
  // Reminders, digests and purges run beside delivery, never before it (ADR 0029).
  const jobLoop = startJobLoop({ workerId });
  return {
    async stop() {
      stopping.abort();
      clearTimeout(timer);
      await Promise.all([running, jobLoop.stop()]);
      transport.close();
    },
  };
}

export async function outboxStats() {
  const rows = await prisma().outboxMessage.groupBy({ by: ["status"], _count: { _all: true } });
  return Object.fromEntries(rows.map((r) => [r.status, r._count._all])) as Partial<Record<OutboxMessage["status"], number>>;
}

export function listFailedMessages(take = 100) {
  return prisma().outboxMessage.findMany({
    where: { status: "FAILED" },
    orderBy: { createdAt: "desc" },
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
