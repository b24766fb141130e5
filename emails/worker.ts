import crypto from "node:crypto";
import os from "node:os";
import type { OutboxMessage } from "../app/generated/prisma/client.ts";
import { prisma } from "../app/utils/db.server.ts";
import { env } from "../app/utils/env.server.ts";
import { purgeExpiredMail } from "./retention.ts";
import { TokenBucket } from "./token-bucket.ts";
import { createTransport, type Transport } from "./transport.ts";

export const MAX_ATTEMPTS = 8;
const LEASE_MS = 5 * 60 * 1000;
const MAX_BATCH = 200;

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
 * Atomically leases due messages to one worker, transactional before bulk, then oldest due first (the order of
 * the (status, priority, nextAttemptAt) index). SKIP LOCKED lets several workers claim disjoint batches.
 */
export async function claimDue(workerId: string, opts: { now?: Date; batchSize?: number; leaseMs?: number } = {}) {
  const now = opts.now ?? new Date();
  const until = new Date(now.getTime() + (opts.leaseMs ?? LEASE_MS));
  await releaseExpiredLeases(now);
  const rows = await prisma().$queryRaw<OutboxMessage[]>`
    UPDATE "OutboxMessage" SET status = 'SENDING'::"OutboxStatus", "lockedBy" = ${workerId}, "lockedUntil" = ${until}
    WHERE id IN (
      SELECT id FROM "OutboxMessage"
      WHERE status = 'PENDING'::"OutboxStatus" AND "nextAttemptAt" <= ${now}
      ORDER BY priority, "nextAttemptAt"
      LIMIT ${opts.batchSize ?? MAX_BATCH}
      FOR UPDATE SKIP LOCKED
    )
    RETURNING *`;
  // RETURNING has no order; send in claim order.
  return rows.sort(
    (a, b) => Number(a.priority === "BULK") - Number(b.priority === "BULK") || a.nextAttemptAt.getTime() - b.nextAttemptAt.getTime(),
  );
}

function isPermanent(error: unknown) {
  const code = (error as { responseCode?: number }).responseCode;
  return typeof code === "number" && code >= 500 && code < 600;
}

type Outcome = { ok: true } | { ok: false; error: unknown };

async function attempt(message: OutboxMessage, transport: Transport): Promise<Outcome> {
  try {
    await transport.send({
      from: env().MAIL_FROM,
      to: message.toAddress,
      subject: message.subject,
      html: message.html,
      text: message.text,
      messageId: message.messageId,
      ...(message.headers ? { headers: message.headers as Record<string, string> } : {}),
      ...(message.icalContent ? { icalEvent: { method: message.icalMethod ?? "REQUEST", content: message.icalContent } } : {}),
    });
    return { ok: true };
  } catch (error) {
    return { ok: false, error };
  }
}

/** Sends a batch with at most `inFlight` messages on the wire, each waiting for a token of the shared rate. */
async function sendBatch(batch: OutboxMessage[], transport: Transport, bucket: TokenBucket, inFlight: number) {
  const outcomes: Outcome[] = new Array(batch.length);
  let next = 0;
  const lane = async () => {
    while (next < batch.length) {
      const i = next++;
      await bucket.take();
      outcomes[i] = await attempt(batch[i], transport);
    }
  };
  await Promise.all(Array.from({ length: Math.min(inFlight, batch.length) }, lane));
  return outcomes;
}

export interface DeliveryResult {
  sent: number;
  retried: number;
  failed: number;
}

/**
 * Records a sent batch in one UPDATE, and failures in one UPDATE per distinct outcome. Only rows this worker
 * still leases change: a worker whose lease expired cannot overwrite the row another worker now owns.
 */
async function record(batch: OutboxMessage[], outcomes: Outcome[], workerId: string, now: Date, result: DeliveryResult) {
  const sent = batch.filter((_, i) => outcomes[i].ok).map((m) => m.id);
  if (sent.length) {
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
    const attempts = message.attempts + 1;
    const failed = isPermanent(outcome.error) || attempts >= MAX_ATTEMPTS;
    const lastError = String((outcome.error as Error)?.message ?? outcome.error).slice(0, 1000);
    const key = JSON.stringify([attempts, failed, lastError]);
    const group = groups.get(key) ?? { ids: [], attempts, failed, lastError };
    group.ids.push(message.id);
    groups.set(key, group);
    result[failed ? "failed" : "retried"] += 1;
  });
  for (const g of groups.values()) {
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
  const result: DeliveryResult = { sent: 0, retried: 0, failed: 0 };
  const claim = async () => {
    const startedAt = performance.now();
    const batch = await claimDue(workerId, { now: opts.now, batchSize, leaseMs: opts.leaseMs });
    if (batch.length) opts.onClaim?.(batch, startedAt);
    return batch;
  };
  try {
    let batch = await claim();
    while (batch.length) {
      const now = opts.now ?? new Date();
      const sending = sendBatch(batch, transport, bucket, inFlight);
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

type Job = (now: Date) => Promise<unknown>;
const jobs = new Map<string, Job>();

/** Periodic work that produces mail (e.g. reminders); jobs must be idempotent, as every worker runs them. */
export function registerJob(name: string, job: Job) {
  jobs.set(name, job);
}

const defaultWorkerId = () => `${os.hostname()}:${process.pid}:${crypto.randomBytes(3).toString("hex")}`;

let lastRetention = 0;
const RETENTION_EVERY_MS = 3600_000;

export async function runWorkerOnce(opts: Omit<DeliveryOptions, "now"> = {}) {
  const now = new Date();
  for (const job of jobs.values()) await job(now);
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
  const stopping = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<unknown> = Promise.resolve();
  const tick = () => {
    running = runWorkerOnce({ workerId, transport, bucket, signal: stopping.signal })
      .catch((error) => console.error(`[worker] ${(error as Error).message}`))
      .finally(() => {
        if (!stopping.signal.aborted) timer = setTimeout(tick, opts.intervalMs ?? 2000);
      });
  };
  tick();
  return {
    async stop() {
      stopping.abort();
      clearTimeout(timer);
      await running;
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
