import crypto from "node:crypto";
import os from "node:os";
import type Mail from "nodemailer/lib/mailer";
import type { OutboxMessage } from "../app/generated/prisma/client.ts";
import { blocks, streamOfListId } from "../app/services/subscriptions/streams.server.ts";
import { normaliseAddress, suppressionsAmong } from "../app/services/subscriptions/suppression.server.ts";
import { prisma } from "../app/utils/db.server.ts";
import { env } from "../app/utils/env.server.ts";
import { errorSummary, log } from "../app/observability/log.server.ts";
import { observeDeliveries } from "../app/observability/metrics.server.ts";
import { workerHeartbeat } from "../app/observability/readiness.server.ts";
import { claimDue, leaseMsDefault, MAX_BATCH, releaseOwnLeases } from "./claim.ts";
import { Leases } from "./leases.ts";
import { isPermanent, record, release, serverAway, suppressedError, type DeliveryResult, type Done, type Outcome } from "./outcomes.ts";
import { headersFor } from "./automatic-headers.ts";
import { startJobLoop } from "./jobs.ts";
import { BodyCache } from "./mail-bodies.ts";
import { buildRaw, literalBody, sender } from "./mime.ts";
import { purgeExpiredMail } from "./retention.ts";
import { TokenBucket } from "./token-bucket.ts";
import { createTransport, type Transport } from "./transport.ts";

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
      headers: headersFor(message),
    });
  }
  return {
    from: env().MAIL_FROM,
    to: message.toAddress,
    ...bodies.content(message),
    messageId: message.messageId,
    headers: headersFor(message),
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
 * an unsubscribe): one query per batch. Transactional mail is never held back by suppression (ADR 0018). An
 * unsubscribe stops only the publications stream; a dialogue's mail, named by its List-Id, still goes (ADR 0047).
 */
async function suppressedIn(batch: OutboxMessage[]) {
  const bulk = batch.filter((m) => m.priority === "BULK");
  const reasons = bulk.length ? await suppressionsAmong(prisma(), bulk.map((m) => m.toAddress)) : new Map();
  const held = new Set<string>();
  for (const m of bulk) {
    const reason = reasons.get(normaliseAddress(m.toAddress));
    if (reason && blocks(reason, streamOfListId(((m.headers ?? {}) as Record<string, string>)["List-Id"]))) held.add(m.id);
  }
  return held;
}

/** Outcomes a worker could not record because the database was away: recorded first when it is back. */
const unrecorded = new Map<string, Done[]>();

/** How long a batch should take on the wire: what a sign-in link queued meanwhile may wait for. */
const BATCH_TARGET_MS = 1000;
/** A stopping worker waits this long for messages on the wire, then leaves them to their (unrenewed) lease. */
export const STOP_GRACE_MS = 7000;

/**
 * Sends a batch with at most `inFlight` messages on the wire, each waiting for a token of the shared rate.
 * Outcomes are recorded as they come (every quarter second), so a crash or an outage resends at most what was
 * on the wire. A message is not started once the worker is stopping, the server or the database is away, or its
 * lease is not surely this worker's. Returns what was never started, for the caller to hand back.
 */
async function sendBatch(
  batch: OutboxMessage[],
  ctx: {
    transport: Transport;
    bucket: TokenBucket;
    inFlight: number;
    bodies: BodyCache;
    leases: Leases;
    workerId: string;
    now: Date;
    result: DeliveryResult;
    signal?: AbortSignal;
    stopGraceMs: number;
    /** Called once every message has been started (or skipped): the moment to claim the next batch. */
    onDrained: () => void;
  },
) {
  const [suppressed] = await Promise.all([suppressedIn(batch), ctx.bodies.load(prisma(), batch)]);
  const from = sender(env().MAIL_FROM);
  const state = { halted: null as null | "smtp" | "database", abandoned: false };
  const pending: Done[] = [];
  const notStarted: OutboxMessage[] = [];
  const onWire = new Set<OutboxMessage>();
  let flushing: Promise<void> | null = null;
  const flush = (): Promise<void> => {
    if (flushing) return flushing.then(() => (pending.length ? flush() : undefined));
    if (!pending.length) return Promise.resolve();
    const part = pending.splice(0);
    flushing = record(part, ctx.workerId, ctx.now, ctx.result)
      .then(() => ctx.leases.drop(part.map((d) => d.message)))
      .catch(() => {
        pending.unshift(...part);
        state.halted = "database";
      })
      .finally(() => (flushing = null));
    return flushing;
  };
  const flusher = setInterval(() => void flush(), 250);
  let next = 0;
  let attempted = 0;
  let deferred = 0;
  let drained = false;
  const drain = () => {
    if (!drained && next >= batch.length) {
      drained = true;
      ctx.onDrained();
    }
  };
  const lane = async () => {
    while (next < batch.length) {
      const message = batch[next++];
      drain();
      if (ctx.signal?.aborted || state.halted || state.abandoned || !ctx.leases.usable(message.id)) {
        notStarted.push(message);
        continue;
      }
      if (suppressed.has(message.id)) {
        pending.push({ message, outcome: { ok: false, error: suppressedError } });
        continue;
      }
      await ctx.bucket.take();
      if (ctx.signal?.aborted || state.halted || state.abandoned) {
        notStarted.push(message);
        continue;
      }
      onWire.add(message);
      const outcome = await attempt(message, ctx.transport, ctx.bodies, from);
      onWire.delete(message);
      if (state.abandoned) continue;
      pending.push({ message, outcome });
      attempted++;
      if (!outcome.ok && !isPermanent(outcome.error)) deferred++;
      if (!outcome.ok && serverAway(outcome.error)) state.halted ??= "smtp";
    }
    drain();
  };
  const lanes = Promise.all(Array.from({ length: Math.min(ctx.inFlight, batch.length) }, lane));
  if (!batch.length) drain();
  // A stopping worker does not wait for a slow server beyond its grace: what is still on the wire then keeps its
  // lease (not renewed) and is taken over once that runs out, as after a crash; it may or may not have arrived.
  let graceTimer: NodeJS.Timeout | undefined;
  const grace = new Promise<void>((resolve) => {
    const start = () => {
      graceTimer = setTimeout(() => {
        state.abandoned = true;
        resolve();
      }, ctx.stopGraceMs);
    };
    if (ctx.signal?.aborted) start();
    else ctx.signal?.addEventListener("abort", start, { once: true });
  });
  try {
    await Promise.race([lanes, grace]);
  } finally {
    clearTimeout(graceTimer);
    clearInterval(flusher);
  }
  await flush();
  if (pending.length) {
    // The database is away: keep the outcomes for the next run, which records them before it claims anything.
    unrecorded.set(ctx.workerId, [...(unrecorded.get(ctx.workerId) ?? []), ...pending.splice(0)]);
  }
  if (state.abandoned) ctx.leases.drop([...onWire]);
  return { notStarted, halted: state.halted, abandoned: state.abandoned, allDeferred: attempted > 0 && deferred === attempted };
}

/** Records what an earlier run sent while the database was away; throws while it still is. */
async function recordUnrecorded(workerId: string, now: Date, result: DeliveryResult) {
  const done = unrecorded.get(workerId);
  if (!done?.length) return;
  await record(done, workerId, now, result);
  unrecorded.delete(workerId);
}

export interface DeliveryOptions {
  workerId?: string;
  /** Fixed clock for due times and leases (tests); otherwise the time of each claim. */
  now?: Date;
  transport?: Transport;
  bucket?: TokenBucket;
  /** A fixed batch size; by default batches are sized to take about a second on the wire (BATCH_TARGET_MS). */
  batchSize?: number;
  inFlight?: number;
  /** Lease of a claim (default MAIL_LEASE_SECONDS); renewed every third of it while the message is held. */
  leaseMs?: number;
  /** Shared bodies of bulk mail, kept for the life of a worker. */
  bodies?: BodyCache;
  /** Bulk messages per rolling 24 hours (default MAIL_DAILY_CAP; 0: none). */
  dailyCap?: number;
  /**
   * Stop: nothing more is started, messages on the wire finish (for up to `stopGraceMs`) and are recorded,
   * everything else claimed is handed back at once.
   */
  signal?: AbortSignal;
  stopGraceMs?: number;
  /** Observers for tests and the benchmark; `startedAt` is performance.now() when the claim query was sent. */
  onClaim?: (batch: OutboxMessage[], startedAt: number) => void;
  onRecorded?: (batch: OutboxMessage[]) => void;
}

/**
 * Delivers everything due: claim a batch, send it over the pool, claim the next one while the last messages of
 * this one are on the wire. A message is marked SENT only after the server accepted it, recorded within a
 * quarter second, so a crash resends at most what was on the wire — with the same Message-ID (ADR 0007). Leases
 * are renewed while held (ADR 0034), so a slow server never lets another worker send the same message.
 */
export async function deliverDue(opts: DeliveryOptions = {}): Promise<DeliveryResult> {
  const config = env();
  const workerId = opts.workerId ?? defaultWorkerId();
  const transport = opts.transport ?? createTransport();
  const bucket = opts.bucket ?? new TokenBucket(config.MAIL_RATE_PER_SECOND);
  const inFlight = opts.inFlight ?? inFlightFor(config.MAIL_CONNECTIONS);
  const leaseMs = opts.leaseMs ?? leaseMsDefault();
  const offset = opts.now ? opts.now.getTime() - Date.now() : 0;
  const clock = () => Date.now() + offset;
  // Sized by time unless fixed: start small (a slow server is not yet known), double while a batch takes less
  // than the target, shrink to what the target allows when it takes longer.
  const maxBatch = opts.batchSize ?? batchSizeFor(bucket.ratePerSecond, inFlight);
  let size = opts.batchSize ?? (bucket.ratePerSecond > 0 ? maxBatch : Math.min(maxBatch, inFlight * 2));
  const bodies = opts.bodies ?? new BodyCache();
  const result: DeliveryResult = { sent: 0, retried: 0, failed: 0 };
  await recordUnrecorded(workerId, new Date(clock()), result);
  await releaseOwnLeases(workerId);
  const leases = new Leases(workerId, leaseMs, clock);
  const claim = async (limit: number) => {
    workerHeartbeat();
    const startedAt = performance.now();
    const claimedAt = Date.now();
    const batch = await claimDue(workerId, { now: opts.now ? new Date(clock()) : undefined, batchSize: limit, leaseMs, dailyCap: opts.dailyCap });
    leases.add(batch, claimedAt);
    if (batch.length) opts.onClaim?.(batch, startedAt);
    return batch;
  };
  const prefetch: { next: Promise<{ b: OutboxMessage[] } | { error: unknown }> | null } = { next: null };
  try {
    let requested = size;
    let batch = await claim(size);
    while (batch.length) {
      const now = opts.now ? new Date(clock()) : new Date();
      const more = batch.length === requested && !opts.signal?.aborted;
      const t0 = performance.now();
      const before = { ...result };
      prefetch.next = null;
      const sent = await sendBatch(batch, {
        transport,
        bucket,
        inFlight,
        bodies,
        leases,
        workerId,
        now,
        result,
        signal: opts.signal,
        stopGraceMs: opts.stopGraceMs ?? STOP_GRACE_MS,
        // The next batch is leased while this one's last messages are on the wire; a failure there surfaces below.
        onDrained: () => {
          if (!more || opts.signal?.aborted) return;
          requested = size;
          prefetch.next = claim(requested).then((b) => ({ b }), (error: unknown) => ({ error }));
        },
      });
      const elapsed = performance.now() - t0;
      const delta = { sent: result.sent - before.sent, retried: result.retried - before.retried, failed: result.failed - before.failed };
      observeDeliveries(delta, batch.length);
      log().info(
        { workerId, claimed: batch.length, ...delta, notStarted: sent.notStarted.length, durationMs: Math.round(elapsed), ...(sent.halted ? { halted: sent.halted } : {}) },
        "mail batch",
      );
      if (opts.batchSize === undefined) {
        size =
          elapsed <= BATCH_TARGET_MS * 1.5
            ? Math.min(maxBatch, size * 2)
            : Math.max(inFlight, Math.min(maxBatch, Math.ceil((batch.length * BATCH_TARGET_MS) / elapsed)));
      }
      await release(sent.notStarted, workerId);
      leases.drop(sent.notStarted);
      if (sent.halted !== "database") opts.onRecorded?.(batch);
      const claimed = prefetch.next ? await prefetch.next : { b: [] as OutboxMessage[] };
      prefetch.next = null;
      if ("error" in claimed) throw claimed.error;
      // Stopping, a server (SMTP or database) away, or one refusing everything (throttling us): hand back what
      // is claimed and try again at the next tick, not across the whole queue.
      if (opts.signal?.aborted || sent.halted || sent.abandoned || sent.allDeferred) {
        await release(claimed.b, workerId);
        if (sent.halted === "database") throw new Error("The database is unreachable; delivery resumes when it is back.");
        break;
      }
      // A message held back behind one of this batch for the same person and event (ADR 0048) is claimable now that
      // this batch is recorded: take it in this pass rather than at the next tick.
      if (!claimed.b.length && !sent.notStarted.length && batch.some((m) => m.orderKey)) {
        requested = size;
        batch = await claim(requested);
        continue;
      }
      batch = claimed.b;
    }
  } finally {
    if (prefetch.next) {
      const pendingClaim = await prefetch.next;
      if ("b" in pendingClaim) await release(pendingClaim.b, workerId).catch(() => {});
    }
    await leases.stop();
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
export function startWorker(opts: { workerId?: string; intervalMs?: number } & Pick<DeliveryOptions, "leaseMs" | "batchSize" | "stopGraceMs"> = {}) {
  const workerId = opts.workerId ?? defaultWorkerId();
  const transport = createTransport();
  const bucket = new TokenBucket(env().MAIL_RATE_PER_SECOND);
  const bodies = new BodyCache();
  const stopping = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<unknown> = Promise.resolve();
  const tick = () => {
    workerHeartbeat();
    const { leaseMs, batchSize, stopGraceMs } = opts;
    running = runWorkerOnce({ workerId, transport, bucket, bodies, leaseMs, batchSize, stopGraceMs, signal: stopping.signal })
      .catch((error) => log().warn({ workerId, err: errorSummary(error) }, "delivery pass failed; trying again at the next tick"))
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
