import crypto from "node:crypto";
import os from "node:os";
import type { MailJob } from "../app/generated/prisma/client.ts";
import { prisma } from "../app/utils/db.server.ts";
import { errorSummary, log } from "../app/observability/log.server.ts";
import { observeJob } from "../app/observability/metrics.server.ts";

// Periodic work that produces mail (webinar reminders, digests, dialogue digests, purges) runs here, in its own
// loop beside the delivery loop (ADR 0029): a slow or failing job never delays a sign-in link. Each job is one
// MailJob row: one worker at a time holds its lease, and its last run, last error and next attempt are kept there.

export interface JobContext {
  /** Aborted when the worker stops: a job checks it between chunks and returns early (it resumes next run). */
  signal: AbortSignal;
}

export type Job = (now: Date, ctx: JobContext) => Promise<unknown>;

interface JobSpec {
  run: Job;
  everyMs: number;
}

const registry = new Map<string, JobSpec>();

/** How often a job runs when it succeeds. */
export const DEFAULT_EVERY_MS = 60_000;
/** A job's lease; the running worker extends it every quarter, so a crashed worker's job is taken over soon. */
export const JOB_LEASE_MS = 120_000;

/**
 * Registers periodic work. Jobs must be idempotent and work in bounded chunks (keyset pages, short
 * transactions): a run interrupted by a crash or a stop is simply run again.
 */
export function registerJob(name: string, run: Job, opts: { everyMs?: number } = {}) {
  registry.set(name, { run, everyMs: opts.everyMs ?? DEFAULT_EVERY_MS });
}

export const registeredJobs = () => [...registry.keys()];

/** Forgets a job in this process (tests that register their own). */
export function unregisterJob(name: string) {
  registry.delete(name);
}

/** Failures since the last success → wait before the next attempt: 15 s, 30 s, 1 min … at most 1 h. */
export function jobBackoffMs(attempts: number) {
  return Math.min(15_000 * 2 ** Math.max(0, attempts - 1), 3600_000);
}

const defaultWorkerId = () => `${os.hostname()}:${process.pid}:${crypto.randomBytes(3).toString("hex")}`;

/** Errors are shown to admins: the message only (never a stack or a driver's internals), one line, bounded. */
function describeError(error: unknown) {
  const message = error instanceof Error ? error.message : String(error);
  return message.replace(/\s+/g, " ").trim().slice(0, 500) || "error";
}

async function ensureRows(names: string[]) {
  if (names.length) await prisma().mailJob.createMany({ data: names.map((name) => ({ name })), skipDuplicates: true });
}

/** Leases a job if it is due and nobody holds it; true when this worker may run it now. */
async function claim(name: string, workerId: string, now: Date, leaseMs: number, force: boolean) {
  const due = force ? {} : { nextRunAt: { lte: now } };
  const r = await prisma().mailJob.updateMany({
    where: { name, ...due, OR: [{ lockedUntil: null }, { lockedUntil: { lt: now } }] },
    data: { lockedBy: workerId, lockedUntil: new Date(now.getTime() + leaseMs), lastStartedAt: now },
  });
  return r.count === 1;
}

export interface JobRunResult {
  name: string;
  /** False when the job was not due or another worker held it. */
  ran: boolean;
  error?: string;
  result?: unknown;
}

export interface RunJobOptions {
  workerId?: string;
  /** The job's clock (tests); otherwise the time of the claim. */
  now?: Date;
  signal?: AbortSignal;
  /** Run even if not due yet (an operator's `worker --once`, tests); still never beside another worker's run. */
  force?: boolean;
  leaseMs?: number;
}

/**
 * One run of one job: lease it, run it with its lease kept alive, then record the outcome — the next run after
 * `everyMs` on success, after an exponential backoff on failure. Never throws for the job's own failure.
 */
export async function runJob(name: string, opts: RunJobOptions = {}): Promise<JobRunResult> {
  const spec = registry.get(name);
  if (!spec) throw new Error(`No mail job named ${name}`);
  const workerId = opts.workerId ?? defaultWorkerId();
  const leaseMs = opts.leaseMs ?? JOB_LEASE_MS;
  const now = opts.now ?? new Date();
  await ensureRows([name]);
  if (!(await claim(name, workerId, now, leaseMs, opts.force ?? false))) return { name, ran: false };
  const heartbeat = setInterval(() => {
    prisma()
      .mailJob.updateMany({ where: { name, lockedBy: workerId }, data: { lockedUntil: new Date(Date.now() + leaseMs) } })
      .catch(() => {});
  }, leaseMs / 4);
  heartbeat.unref();
  const t0 = performance.now();
  let outcome: { ok: true; result: unknown } | { ok: false; error: string };
  try {
    outcome = { ok: true, result: await spec.run(now, { signal: opts.signal ?? new AbortController().signal }) };
  } catch (error) {
    outcome = { ok: false, error: describeError(error) };
  } finally {
    clearInterval(heartbeat);
  }
  const finished = new Date();
  const durationMs = Math.round(performance.now() - t0);
  // The clock the job ran on decides the next run (a test's fixed clock stays consistent); never in the past.
  const after = (ms: number) => new Date(Math.max(now.getTime(), finished.getTime() - durationMs) + ms);
  if (outcome.ok && opts.signal?.aborted) {
    // Stopped between chunks: due again at once, for whichever worker is still running.
    await prisma().mailJob.updateMany({ where: { name, lockedBy: workerId }, data: { lockedBy: null, lockedUntil: null, lastDurationMs: durationMs } });
    return { name, ran: true, result: outcome.result };
  }
  const row = await prisma().mailJob.findUnique({ where: { name }, select: { attempts: true } });
  const attempts = outcome.ok ? 0 : (row?.attempts ?? 0) + 1;
  await prisma().mailJob.updateMany({
    where: { name, lockedBy: workerId },
    data: outcome.ok
      ? { lockedBy: null, lockedUntil: null, lastFinishedAt: finished, lastSuccessAt: finished, lastDurationMs: durationMs, attempts: 0, nextRunAt: after(spec.everyMs) }
      : {
          lockedBy: null,
          lockedUntil: null,
          lastFinishedAt: finished,
          lastDurationMs: durationMs,
          lastError: outcome.error,
          lastErrorAt: finished,
          attempts,
          nextRunAt: after(jobBackoffMs(attempts)),
        },
  });
  observeJob(name, outcome.ok);
  if (outcome.ok) log().info({ job: name, workerId, durationMs, ...jobCounts(outcome.result) }, "job done");
  else log().warn({ job: name, workerId, durationMs, attempts, err: errorSummary(outcome.error) }, "job failed");
  return outcome.ok ? { name, ran: true, result: outcome.result } : { name, ran: true, error: outcome.error };
}

/** The numbers a job reports (queued, sent, deleted…), for its log line; nothing else of its result is logged. */
function jobCounts(result: unknown): Record<string, number> {
  if (!result || typeof result !== "object") return {};
  return Object.fromEntries(Object.entries(result).filter(([, v]) => typeof v === "number")) as Record<string, number>;
}

/** Every registered job that is due, one after another (`worker --once`, tests). */
export async function runDueJobs(opts: RunJobOptions = {}) {
  const results: JobRunResult[] = [];
  for (const name of registry.keys()) results.push(await runJob(name, opts));
  return results;
}

export interface JobLoopOptions {
  workerId?: string;
  /** How often the loop looks for due jobs. */
  tickMs?: number;
  /** How long stop() waits for a running job to reach a chunk boundary before it hands the job back. */
  graceMs?: number;
  leaseMs?: number;
  /** Observer for tests: a job of this process started or finished. */
  onRun?: (event: { name: string; phase: "start" } | ({ phase: "end" } & JobRunResult)) => void;
}

/**
 * The job loop of a worker process: every tick it starts each due job that is not already running here, each
 * on its own (a 100,000-reader digest never holds back reminders), and never waits for them — delivery runs in
 * another loop. stop() returns within `graceMs` even if a job is mid-chunk; such a job's lease is handed back.
 */
export function startJobLoop(opts: JobLoopOptions = {}) {
  const workerId = opts.workerId ?? defaultWorkerId();
  const tickMs = opts.tickMs ?? 1000;
  const stopping = new AbortController();
  const running = new Map<string, Promise<unknown>>();
  let timer: NodeJS.Timeout | undefined;
  let ticking: Promise<void> = Promise.resolve();

  const start = (name: string) => {
    opts.onRun?.({ name, phase: "start" });
    const run = runJob(name, { workerId, signal: stopping.signal, leaseMs: opts.leaseMs })
      .then((r) => opts.onRun?.({ phase: "end", ...r }))
      .catch((error) => log().warn({ job: name, workerId, err: errorSummary(describeError(error)) }, "job could not be recorded"))
      .finally(() => running.delete(name));
    running.set(name, run);
  };

  const tick = async () => {
    try {
      const names = [...registry.keys()].filter((n) => !running.has(n));
      if (!names.length) return;
      await ensureRows(names);
      const now = new Date();
      const due = await prisma().mailJob.findMany({
        where: { name: { in: names }, nextRunAt: { lte: now }, OR: [{ lockedUntil: null }, { lockedUntil: { lt: now } }] },
        select: { name: true },
      });
      for (const { name } of due) if (!stopping.signal.aborted) start(name);
    } catch (error) {
      // The database is away: try again next tick; delivery is not affected.
      log().warn({ workerId, err: errorSummary(describeError(error)) }, "job loop could not reach the database");
    }
  };
  const loop = () => {
    ticking = tick().finally(() => {
      if (!stopping.signal.aborted) timer = setTimeout(loop, tickMs);
    });
  };
  loop();

  return {
    workerId,
    running: () => [...running.keys()],
    async stop(graceMs = opts.graceMs ?? 3000) {
      stopping.abort();
      clearTimeout(timer);
      await ticking;
      const names = [...running.keys()];
      let grace: NodeJS.Timeout | undefined;
      await Promise.race([Promise.all(running.values()), new Promise((r) => (grace = setTimeout(r, graceMs)))]);
      clearTimeout(grace);
      const unfinished = names.filter((n) => running.has(n));
      // A job still mid-chunk is abandoned with the process; another worker may take it at once.
      if (unfinished.length) {
        await prisma()
          .mailJob.updateMany({ where: { name: { in: unfinished }, lockedBy: workerId }, data: { lockedBy: null, lockedUntil: null } })
          .catch(() => {});
      }
    },
  };
}

export type MailJobRow = Pick<MailJob, "name" | "nextRunAt" | "lockedUntil" | "lastStartedAt" | "lastSuccessAt" | "lastError" | "lastErrorAt" | "attempts" | "lastDurationMs">;

/** Every job any worker has run, for /admin/mail: failing ones first. */
export async function listMailJobs(): Promise<(MailJobRow & { running: boolean; failing: boolean })[]> {
  const now = new Date();
  const rows = await prisma().mailJob.findMany({
    orderBy: [{ attempts: "desc" }, { name: "asc" }],
    select: { name: true, nextRunAt: true, lockedUntil: true, lastStartedAt: true, lastSuccessAt: true, lastError: true, lastErrorAt: true, attempts: true, lastDurationMs: true },
  });
  return rows.map((r) => ({ ...r, running: !!r.lockedUntil && r.lockedUntil > now, failing: r.attempts > 0 }));
}
