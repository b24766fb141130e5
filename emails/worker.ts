import crypto from "node:crypto";
import os from "node:os";
import type { OutboxMessage } from "../app/generated/prisma/client.ts";
import { prisma } from "../app/utils/db.server.ts";
import { env } from "../app/utils/env.server.ts";
import { createTransport, type Transport } from "./transport.ts";

export const MAX_ATTEMPTS = 8;
const LEASE_MS = 5 * 60 * 1000;

export function backoffMs(attempts: number) {
  return Math.min(30_000 * 2 ** Math.max(0, attempts - 1), 3600_000);
}

/**
 * Atomically leases due messages to one worker. SKIP LOCKED lets several workers claim disjoint batches;
 * a lease that expires (the worker died) makes the message claimable again.
 */
export async function claimDue(workerId: string, opts: { now?: Date; batchSize?: number; leaseMs?: number } = {}) {
  const now = opts.now ?? new Date();
  const until = new Date(now.getTime() + (opts.leaseMs ?? LEASE_MS));
  return prisma().$queryRaw<OutboxMessage[]>`
    UPDATE "OutboxMessage" SET status = 'SENDING'::"OutboxStatus", "lockedBy" = ${workerId}, "lockedUntil" = ${until}
    WHERE id IN (
      SELECT id FROM "OutboxMessage"
      WHERE (status = 'PENDING'::"OutboxStatus" AND "nextAttemptAt" <= ${now})
         OR (status = 'SENDING'::"OutboxStatus" AND "lockedUntil" < ${now})
      ORDER BY "createdAt"
      LIMIT ${opts.batchSize ?? 20}
      FOR UPDATE SKIP LOCKED
    )
    RETURNING *`;
}

function isPermanent(error: unknown) {
  const code = (error as { responseCode?: number }).responseCode;
  return typeof code === "number" && code >= 500 && code < 600;
}

async function deliverOne(message: OutboxMessage, workerId: string, transport: Transport, now: Date) {
  try {
    await transport.send({
      from: env().MAIL_FROM,
      to: message.toAddress,
      subject: message.subject,
      html: message.html,
      text: message.text,
      messageId: message.messageId,
      ...(message.icalContent ? { icalEvent: { method: message.icalMethod ?? "REQUEST", content: message.icalContent } } : {}),
    });
  } catch (error) {
    const attempts = message.attempts + 1;
    const failed = isPermanent(error) || attempts >= MAX_ATTEMPTS;
    await prisma().outboxMessage.updateMany({
      where: { id: message.id, lockedBy: workerId },
      data: {
        status: failed ? "FAILED" : "PENDING",
        attempts,
        lastError: String((error as Error).message ?? error).slice(0, 1000),
        nextAttemptAt: new Date(now.getTime() + backoffMs(attempts)),
        lockedBy: null,
        lockedUntil: null,
      },
    });
    return failed ? "failed" : "retried";
  }
  await prisma().outboxMessage.updateMany({
    where: { id: message.id, lockedBy: workerId },
    data: { status: "SENT", sentAt: new Date(), attempts: message.attempts + 1, lockedBy: null, lockedUntil: null, lastError: null },
  });
  return "sent";
}

export interface DeliveryResult {
  sent: number;
  retried: number;
  failed: number;
}

export async function deliverDue(opts: { workerId?: string; now?: Date; transport?: Transport; batchSize?: number; leaseMs?: number } = {}) {
  const workerId = opts.workerId ?? defaultWorkerId();
  const now = opts.now ?? new Date();
  const transport = opts.transport ?? createTransport();
  const result: DeliveryResult = { sent: 0, retried: 0, failed: 0 };
  try {
    for (;;) {
      const batch = await claimDue(workerId, { now, batchSize: opts.batchSize, leaseMs: opts.leaseMs });
      if (!batch.length) break;
      for (const message of batch) result[await deliverOne(message, workerId, transport, now)] += 1;
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

export async function runWorkerOnce(opts: { workerId?: string; transport?: Transport } = {}) {
  const now = new Date();
  for (const job of jobs.values()) await job(now);
  return deliverDue({ ...opts, now });
}

export function startWorker(opts: { workerId?: string; intervalMs?: number } = {}) {
  const workerId = opts.workerId ?? defaultWorkerId();
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<unknown> = Promise.resolve();
  const tick = () => {
    running = runWorkerOnce({ workerId })
      .catch((error) => console.error(`[worker] ${(error as Error).message}`))
      .finally(() => {
        if (!stopped) timer = setTimeout(tick, opts.intervalMs ?? 2000);
      });
  };
  tick();
  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
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
