import { performance } from "node:perf_hooks";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { OutboxMessage } from "../app/generated/prisma/client.ts";
import { prisma } from "../app/utils/db.server.ts";
import { resetEnv } from "../app/utils/env.server.ts";
import { enqueueEmails, messageIdFor, type OutgoingEmail } from "../emails/outbox.ts";
import { TokenBucket } from "../emails/token-bucket.ts";
import { batchSizeFor, deliverDue } from "../emails/worker.ts";
import { makeUser } from "./factories.ts";
import { Client } from "./helpers/app.ts";
import { startSmtpSink } from "./helpers/smtp-sink.ts";

const emails = (prefix: string, n: number, to = (i: number) => `${prefix}${i}@example.org`): OutgoingEmail[] =>
  Array.from({ length: n }, (_, i) => ({ key: `${prefix}:${i}`, to: to(i), subject: `${prefix} ${i}`, html: `<p>${i}</p>`, text: `${i}` }));

describe("mail engine over a real SMTP server", () => {
  let sink: Awaited<ReturnType<typeof startSmtpSink>>;
  beforeAll(async () => {
    process.env.MAIL_CONNECTIONS = "3";
    sink = await startSmtpSink({ parse: false });
  });
  afterAll(async () => {
    delete process.env.MAIL_CONNECTIONS;
    await sink.stop();
  });
  afterEach(() => {
    sink.control.rejectFor = null;
  });
  const timesSeen = (key: string) => sink.messageIds.get(messageIdFor(key)) ?? 0;

  it("sends over a pool of MAIL_CONNECTIONS reused connections, several messages at once, each Message-ID once", async () => {
    await enqueueEmails(prisma(), emails("pool", 60));
    const before = sink.connections.total;
    expect(await deliverDue()).toEqual({ sent: 60, retried: 0, failed: 0 });
    const opened = sink.connections.total - before;
    expect(opened).toBeGreaterThan(1);
    expect(opened).toBeLessThanOrEqual(3);
    expect(sink.connections.maxOpen).toBeLessThanOrEqual(3);
    for (let i = 0; i < 60; i++) expect(timesSeen(`pool:${i}`)).toBe(1);
    expect(await prisma().outboxMessage.count({ where: { key: { startsWith: "pool:" }, status: "SENT", attempts: 1 } })).toBe(60);
  });

  it("claims in batches and records each batch's outcome at once", async () => {
    await enqueueEmails(prisma(), emails("batch", 250));
    const claims: number[] = [];
    const records: number[] = [];
    const result = await deliverDue({ batchSize: 100, onClaim: (b) => claims.push(b.length), onRecorded: (b) => records.push(b.length) });
    expect(result.sent).toBe(250);
    expect(claims).toEqual([100, 100, 50]);
    expect(records).toEqual([100, 100, 50]);
    const rows = await prisma().outboxMessage.findMany({ where: { key: { startsWith: "batch:" } }, select: { status: true, lockedBy: true, sentAt: true } });
    expect(rows.every((r) => r.status === "SENT" && r.lockedBy === null && r.sentAt)).toBe(true);
  });

  it("retries 4xx rejections with backoff and fails 5xx ones, in the same pooled batch, without disturbing the rest", async () => {
    const mixed = emails("mixed", 30, (i) => (i % 3 === 0 ? `soft${i}@example.org` : i % 3 === 1 ? `hard${i}@example.org` : `ok${i}@example.org`));
    await enqueueEmails(prisma(), mixed);
    sink.control.rejectFor = (address) =>
      address.startsWith("soft") ? { code: 451, message: "Greylisted, try later" } : address.startsWith("hard") ? { code: 550, message: "No such user" } : null;
    const t0 = new Date(Date.now() + 1000);
    expect(await deliverDue({ now: t0 })).toEqual({ sent: 10, retried: 10, failed: 10 });
    const rows = await prisma().outboxMessage.findMany({ where: { key: { startsWith: "mixed:" } } });
    for (const row of rows) {
      if (row.toAddress.startsWith("soft")) {
        expect(row).toMatchObject({ status: "PENDING", attempts: 1, lockedBy: null });
        expect(row.lastError).toContain("Greylisted");
        expect(row.nextAttemptAt.getTime()).toBeGreaterThan(t0.getTime());
      } else if (row.toAddress.startsWith("hard")) {
        expect(row).toMatchObject({ status: "FAILED", attempts: 1 });
        expect(row.lastError).toContain("No such user");
      } else {
        expect(row.status).toBe("SENT");
        expect(timesSeen(row.key)).toBe(1);
      }
    }
    sink.control.rejectFor = null;
    const later = new Date(t0.getTime() + 3600_000);
    expect(await deliverDue({ now: later })).toEqual({ sent: 10, retried: 0, failed: 0 });
    for (const row of rows) expect(timesSeen(row.key)).toBe(row.toAddress.startsWith("hard") ? 0 : 1);
  });

  it("paces every send through the worker's shared token bucket", async () => {
    await enqueueEmails(prisma(), emails("paced", 30));
    let t = 0;
    const slept: number[] = [];
    const bucket = new TokenBucket(10, 10, { now: () => t, sleep: async (ms) => void (slept.push(ms), (t += ms)) });
    expect((await deliverDue({ bucket })).sent).toBe(30);
    // 10 go at once, 20 more at 10/s: two seconds of (simulated) waiting, whatever the number in flight.
    expect(t).toBeGreaterThanOrEqual(2000);
    expect(t).toBeLessThan(2100);
    expect(slept.length).toBeGreaterThanOrEqual(20);
  });

  it("sizes batches to about a second of sending under MAIL_RATE_PER_SECOND", async () => {
    expect(batchSizeFor(0, 10)).toBe(200);
    expect(batchSizeFor(5000, 10)).toBe(200);
    expect(batchSizeFor(14, 10)).toBe(14);
    expect(batchSizeFor(2, 10)).toBe(10);
    process.env.MAIL_RATE_PER_SECOND = "14";
    resetEnv();
    try {
      await enqueueEmails(prisma(), emails("provider", 30));
      const claims: number[] = [];
      expect((await deliverDue({ onClaim: (b) => claims.push(b.length) })).sent).toBe(30);
      expect(claims).toEqual([14, 14, 2]);
    } finally {
      delete process.env.MAIL_RATE_PER_SECOND;
      resetEnv();
    }
  });

  it("claims a sign-in link in the first batch after it is queued, with 20,000 bulk messages waiting on a slow server", async () => {
    const slow = await startSmtpSink({ parse: false, delayMs: 20 });
    try {
      const bulk = emails("digest", 20_000, (i) => `subscriber${i}@example.org`);
      for (let i = 0; i < bulk.length; i += 5000) await enqueueEmails(prisma(), bulk.slice(i, i + 5000), { priority: "BULK" });
      // The claim reads the (status, priority, nextAttemptAt) index in order: no sort of the queue, however long.
      await prisma().$executeRawUnsafe(`ANALYZE "OutboxMessage"`);
      const plan = JSON.stringify(
        await prisma().$queryRawUnsafe(
          `EXPLAIN (FORMAT JSON) SELECT id FROM "OutboxMessage" WHERE status = 'PENDING' AND "nextAttemptAt" <= now()
           ORDER BY priority, "nextAttemptAt" LIMIT 20 FOR UPDATE SKIP LOCKED`,
        ),
      );
      expect(plan).toContain("OutboxMessage_status_priority_nextAttemptAt_idx");
      expect(plan).toMatch(/Node Type\W+Limit/);
      expect(plan).not.toMatch(/Node Type\W+Sort/);
      const user = await makeUser({ role: "STAFF" });
      const claims: { batch: OutboxMessage[]; startedAt: number }[] = [];
      const stop = new AbortController();
      const worker = deliverDue({ batchSize: 20, signal: stop.signal, onClaim: (batch, startedAt) => claims.push({ batch, startedAt }) });
      await slow.waitFor(30);

      const requestedAt = performance.now();
      const answer = await new Client("198.51.100.80").graphql(`mutation($email: String!) { requestSignInLink(email: $email) { __typename } }`, { email: user.email });
      expect(answer.errors).toBeUndefined();
      const queuedAt = performance.now();
      const receivedBefore = slow.received.length;
      const link = await prisma().outboxMessage.findFirstOrThrow({ where: { toAddress: user.email } });
      expect(link.priority).toBe("TRANSACTIONAL");
      while (!slow.messageIds.has(link.messageId)) await slow.waitFor(slow.received.length + 1);
      stop.abort();
      await worker;

      // Its claim is the first one that started after it was committed (somewhere between requestedAt and
      // queuedAt), and it heads that batch.
      const own = claims.find((c) => c.batch.some((m) => m.id === link.id))!;
      expect(own.batch[0].id).toBe(link.id);
      expect(own.startedAt).toBeGreaterThan(requestedAt);
      expect(claims.filter((c) => c.startedAt > queuedAt && c.startedAt < own.startedAt)).toEqual([]);
      // Only what was already leased went ahead of it — the batch on the wire and the prefetched one, and its
      // own batch's other lanes (3 connections, 6 in flight) — not the 20,000 queued before it.
      const position = slow.received.findIndex((m) => m.messageId === link.messageId);
      expect(position).toBeLessThan(receivedBefore + 2 * 20 + 6);
    } finally {
      await slow.stop();
      process.env.SMTP_URL = `smtp://127.0.0.1:${sink.port}`;
      resetEnv();
    }
    // Queuing 20,000 rows on the embedded database is slow on a loaded machine; the test asserts order, not time.
  }, 180_000);
});
