import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { database, prisma } from "../app/utils/db.server.ts";
import { shareDatabase, type SharedDatabase } from "../app/utils/pglite-share.server.ts";
import { enqueueEmails, messageIdFor } from "../emails/outbox.ts";
import { startScript, type ScriptProcess } from "./helpers/script-process.ts";
import { startSmtpSink } from "./helpers/smtp-sink.ts";
import { startTcpProxy } from "./helpers/tcp-proxy.ts";

// Delivery under slow and failing parts, with real worker processes (tests/helpers/mail-worker-process.ts), a real
// SMTP server that is slow or goes away, and a database reached through a proxy that the test cuts. Scaled down:
// leases of a second, messages of a quarter second. On the embedded database the workers reach it through the
// test process's socket, as the CLI does; on PostgreSQL they connect to the test's database.
const embedded = !process.env.TEST_DATABASE_URL;
let shared: SharedDatabase | undefined;
let socketDir = "";

/** Where a worker process finds the database: directly, or through a proxy in front of it. */
function directUrl() {
  if (!embedded) return process.env.DATABASE_URL!;
  const { host, port } = shared!.endpoint;
  return host.startsWith("/") ? `postgresql://postgres@localhost:${port}/template1?host=${encodeURIComponent(host)}` : `postgresql://postgres@${host}:${port}/template1`;
}
function proxyTarget(): { host: string; port: number } | { path: string } {
  if (!embedded) {
    const u = new URL(process.env.DATABASE_URL!);
    return { host: u.hostname, port: Number(u.port || 5432) };
  }
  const { host, port } = shared!.endpoint;
  return host.startsWith("/") ? { path: `${host}/.s.PGSQL.${port}` } : { host, port };
}
function throughProxy(port: number) {
  if (!embedded) {
    const u = new URL(process.env.DATABASE_URL!);
    u.host = `127.0.0.1:${port}`;
    return u.toString();
  }
  return `postgresql://postgres@127.0.0.1:${port}/template1`;
}

beforeAll(async () => {
  if (embedded) {
    socketDir = fs.mkdtempSync(path.join(os.tmpdir(), "gmh-lease-"));
    shared = await shareDatabase(database().pglite!, socketDir, 5432);
  }
});
// Each test starts from an empty outbox: a worker must not pick up what an earlier test left.
beforeEach(async () => {
  await prisma().outboxMessage.deleteMany();
});
afterAll(async () => {
  await shared?.stop();
  if (socketDir) fs.rmSync(socketDir, { recursive: true, force: true });
});

const worker = (databaseUrl: string, args: string[], extraEnv: Record<string, string> = {}) =>
  startScript("tests/helpers/mail-worker-process.ts", databaseUrl, ["--skip-migrate", ...args], extraEnv);
type Worker = ScriptProcess;

async function bulk(prefix: string, n: number) {
  await enqueueEmails(
    prisma(),
    Array.from({ length: n }, (_, i) => ({ key: `${prefix}:${i}`, to: `reader${i}@example.org`, subject: `Bulk ${i}`, html: `<p>${i}</p>`, text: `${i}` })),
    { priority: "BULK" },
  );
}

async function statuses(prefix: string) {
  const rows = await prisma().outboxMessage.groupBy({ by: ["status"], where: { key: { startsWith: `${prefix}:` } }, _count: { _all: true } });
  return Object.fromEntries(rows.map((r) => [r.status, r._count._all])) as Record<string, number>;
}

async function finished(w: Worker) {
  const { code } = await w.exited;
  expect(code, w.output().stderr).toBe(0);
  return w.json();
}

/** Polls a condition (a database the test reads, a sink) until it holds; fails after `timeoutMs`. */
async function until(condition: () => Promise<boolean> | boolean, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Waits until the sink has received nothing for `ms`. */
async function quiet(sink: { received: unknown[] }, ms: number) {
  let seen = -1;
  let since = Date.now();
  while (Date.now() - since < ms) {
    if (sink.received.length !== seen) [seen, since] = [sink.received.length, Date.now()];
    await new Promise((r) => setTimeout(r, 50));
  }
}

const figure = (name: string, value: unknown) => console.log(`FIGURE ${embedded ? "pglite" : "postgres"} ${name}: ${JSON.stringify(value)}`);

describe("delivery with slow SMTP and two workers", () => {
  it("never sends a message twice although a batch takes longer than a lease, and a sign-in link overtakes the bulk", async () => {
    const sink = await startSmtpSink({ parse: false, delayMs: 250 });
    const workers: Worker[] = [];
    try {
      const N = 60;
      await bulk("slow", N);
      // Leases of one second; every message takes a quarter second; two messages in flight per worker.
      const args = ["--repeat", "--lease-ms", "1000", "--batch", "auto"];
      workers.push(worker(directUrl(), args, { MAIL_CONNECTIONS: "1" }), worker(directUrl(), args, { MAIL_CONNECTIONS: "1" }));
      await sink.waitFor(6, 60_000);
      const signIn = messageIdFor("signin:slow");
      const enqueuedAt = performance.now();
      const bulkBefore = sink.received.length;
      await enqueueEmails(prisma(), [{ key: "signin:slow", to: "someone@example.org", subject: "Your sign-in link", html: "<p>link</p>", text: "link" }]);
      while (!sink.messageIds.has(signIn)) await sink.waitFor(sink.received.length + 1, 60_000);
      const signInMs = Math.round(performance.now() - enqueuedAt);
      const bulkAhead = sink.received.findIndex((m) => m.messageId === signIn) - bulkBefore;
      for (const w of workers) await finished(w);

      const counts = Array.from({ length: N }, (_, i) => sink.messageIds.get(messageIdFor(`slow:${i}`)) ?? 0);
      const twice = counts.filter((c) => c > 1).length;
      figure("slow-smtp duplicates", { of: N, twice, most: Math.max(...counts), signInMs, bulkAheadOfSignIn: bulkAhead });
      expect(counts.filter((c) => c === 0)).toEqual([]);
      expect(twice).toBe(0);
      expect(await statuses("slow")).toEqual({ SENT: N });
      // While it waited for the next claim, each of the two workers sent at most its batch, sized to about a second
      // (8 messages: 2 in flight at 4 per second each), and what was on the wire; not the whole queue.
      expect(bulkAhead).toBeLessThanOrEqual(20);
    } finally {
      workers.forEach((w) => w.kill());
      await sink.stop();
    }
  }, 120_000);
});

describe("delivery through outages", () => {
  it("resumes as soon as the database is back, resending at most what was on the wire", async () => {
    const sink = await startSmtpSink({ parse: false, delayMs: 100 });
    const proxy = await startTcpProxy(proxyTarget());
    let w: Worker | undefined;
    try {
      const N = 80;
      await bulk("dbdown", N);
      // Leases of a minute: a worker that waited for them to run out would not finish here.
      w = worker(throughProxy(proxy.port), ["--repeat", "--lease-ms", "60000", "--batch", "auto"], { MAIL_CONNECTIONS: "2" });
      await sink.waitFor(8, 60_000);
      await proxy.cut();
      // The outage lasts until the worker has sent all it would without the database (a second without a mail).
      await quiet(sink, 1000);
      const atUp = sink.received.length;
      const upAt = performance.now();
      await proxy.restore();
      // Delivery resumes: the next mail arrives, or (if all went out during the outage) their outcomes land.
      await until(async () => sink.received.length > atUp || (await statuses("dbdown")).SENT === N, 30_000);
      const resumeMs = Math.round(performance.now() - upAt);
      while (new Set(sink.received.map((m) => m.messageId)).size < N) await sink.waitFor(sink.received.length + 1, 30_000);
      await finished(w);
      const counts = Array.from({ length: N }, (_, i) => sink.messageIds.get(messageIdFor(`dbdown:${i}`)) ?? 0);
      const twice = counts.filter((c) => c > 1).length;
      figure("database outage", { of: N, twice, resumeMs, sentDuringOutage: atUp - 8 });
      expect(twice).toBeLessThanOrEqual(4);
      expect(await statuses("dbdown")).toEqual({ SENT: N });
    } finally {
      w?.kill();
      await proxy.close();
      await sink.stop();
    }
  }, 120_000);

  it("resumes as soon as the SMTP server is back, without backing off every message it could not send", async () => {
    const sink = await startSmtpSink({ parse: false, delayMs: 50 });
    let w: Worker | undefined;
    try {
      const N = 40;
      await bulk("smtpdown", N);
      w = worker(directUrl(), ["--repeat", "--lease-ms", "60000", "--batch", "auto"], { MAIL_CONNECTIONS: "2" });
      await sink.waitFor(8, 60_000);
      sink.outage(true);
      await new Promise((r) => setTimeout(r, 1500));
      const before = sink.received.length;
      const upAt = performance.now();
      sink.outage(false);
      await sink.waitFor(before + 1, 20_000);
      const resumeMs = Math.round(performance.now() - upAt);
      while (new Set(sink.received.map((m) => m.messageId)).size < N) await sink.waitFor(sink.received.length + 1, 20_000);
      await finished(w);
      const counts = Array.from({ length: N }, (_, i) => sink.messageIds.get(messageIdFor(`smtpdown:${i}`)) ?? 0);
      const twice = counts.filter((c) => c > 1).length;
      figure("smtp outage", { of: N, twice, resumeMs });
      expect(twice).toBeLessThanOrEqual(4);
      const rows = await prisma().outboxMessage.findMany({ where: { key: { startsWith: "smtpdown:" } }, select: { status: true, attempts: true } });
      expect(rows.every((r) => r.status === "SENT")).toBe(true);
    } finally {
      w?.kill();
      await sink.stop();
    }
  }, 120_000);
});

describe("stopping a worker", () => {
  it("on SIGTERM stops after what is on the wire and hands back the rest at once", async () => {
    const sink = await startSmtpSink({ parse: false, delayMs: 1500 });
    let w: Worker | undefined;
    let next: Worker | undefined;
    try {
      const N = 20;
      await bulk("stop", N);
      w = worker(directUrl(), ["--worker", "--lease-ms", "60000", "--batch", "auto"], { MAIL_CONNECTIONS: "1" });
      await sink.waitFor(2, 60_000);
      const atSignal = sink.received.length;
      const t0 = performance.now();
      w.signal("SIGTERM");
      const { stopMs } = (await finished(w)) as { stopMs: number };
      const exitMs = Math.round(performance.now() - t0);
      const afterSignal = sink.received.length - atSignal;
      const left = await statuses("stop");
      figure("worker stop", { stopMs, exitMs, sentAfterSignal: afterSignal, left });
      // Only what was on the wire (two messages) went out after the signal; nothing is left leased.
      expect(afterSignal).toBeLessThanOrEqual(2);
      expect(left.SENDING ?? 0).toBe(0);
      expect(left.PENDING).toBeGreaterThan(0);
      // Another worker takes the rest at once (its leases are a minute: it could not wait for them).
      next = worker(directUrl(), ["--repeat", "--lease-ms", "60000", "--batch", "auto"], { MAIL_CONNECTIONS: "5" });
      await finished(next);
      const counts = Array.from({ length: N }, (_, i) => sink.messageIds.get(messageIdFor(`stop:${i}`)) ?? 0);
      expect(counts.every((c) => c === 1)).toBe(true);
    } finally {
      w?.kill();
      next?.kill();
      await sink.stop();
    }
  }, 120_000);
});
