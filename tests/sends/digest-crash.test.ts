import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startScript } from "../helpers/script-process.ts";
import { startSmtpSink } from "../helpers/smtp-sink.ts";

// A 2,000-reader weekly digest with real processes: the worker is killed while composing or while delivering,
// another one starts on the same database (PostgreSQL, or a PGlite directory only one process opens at a time),
// resumes the run and delivers the rest. The sink records, per reader, every digest Message-ID it received.
const N = 2000;
const BATCH = 100;

describe("a worker killed during a 2,000-reader digest", () => {
  let sink: Awaited<ReturnType<typeof startSmtpSink>>;
  beforeAll(async () => {
    sink = await startSmtpSink({ parse: false });
  });
  const scratch: string[] = [];
  afterAll(async () => {
    await sink.stop();
    if (!scratch.length) return;
    const pg = (await import("pg")).default;
    const admin = new pg.Client({ connectionString: process.env.DATABASE_URL });
    await admin.connect();
    for (const name of scratch) await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.end();
  });

  let run = 0;
  const database = async () => {
    const url = process.env.DATABASE_URL!;
    if (!url.startsWith("postgres")) return path.join(process.env.DATA_DIR!, `digest-crash-${++run}`);
    // A fresh database per case, so each starts with 2,000 readers and no digest history.
    const pg = (await import("pg")).default;
    const name = `${new URL(url).pathname.slice(1)}_c${++run}`;
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`);
    await admin.end();
    scratch.push(name);
    const next = new URL(url);
    next.pathname = `/${name}`;
    return next.toString();
  };

  const worker = (databaseUrl: string, args: string[]) => startScript("tests/helpers/digest-worker-process.ts", databaseUrl, args);

  async function restart(databaseUrl: string) {
    // The dead worker's leases run 60 s; the successor's clock is past them.
    const next = worker(databaseUrl, ["--batch", String(BATCH), "--clock-offset-ms", "120000"]);
    const { code } = await next.exited;
    expect(code, next.output().stderr).toBe(0);
    return JSON.parse(next.output().stdout.trim().split("\n").at(-1)!) as {
      stats: Record<string, number>;
      sends: { status: string; enqueued: number; sent: number; total: number }[];
    };
  }

  /** Per reader: how many digests arrived, and how many distinct Message-IDs among them. */
  function perReader(received: { to: string; messageId?: string }[]) {
    const byReader = new Map<string, { copies: number; ids: Set<string> }>();
    for (const m of received) {
      const r = byReader.get(m.to) ?? { copies: 0, ids: new Set<string>() };
      r.copies += 1;
      if (m.messageId) r.ids.add(m.messageId);
      byReader.set(m.to, r);
    }
    return Array.from({ length: N }, (_, i) => byReader.get(`reader${i}@example.org`) ?? { copies: 0, ids: new Set<string>() });
  }

  it("killed while composing (after a committed chunk): after a restart every reader got the digest exactly once", async () => {
    sink.received.length = 0;
    const db = await database();
    const first = worker(db, ["--seed", String(N), "--start", "--chunk", "500", "--die-after-chunks", "2"]);
    expect((await first.exited).signal).toBe("SIGKILL");
    expect(sink.received.length).toBe(0);

    const { stats, sends } = await restart(db);
    expect(Object.keys(stats)).toEqual(["SENT"]);
    expect(sends).toHaveLength(1);
    expect(sends[0]).toMatchObject({ status: "DONE", total: N, enqueued: N, sent: N });
    const readers = perReader(sink.received);
    expect(readers.every((r) => r.copies === 1 && r.ids.size === 1)).toBe(true);
  }, 600_000);

  it("killed right after recording a batch: after a restart every reader got the digest exactly once", async () => {
    sink.received.length = 0;
    const db = await database();
    const first = worker(db, ["--seed", String(N), "--start", "--batch", String(BATCH), "--die-after-records", "7"]);
    expect((await first.exited).signal).toBe("SIGKILL");
    expect(sink.received.length).toBe(7 * BATCH);

    const { stats, sends } = await restart(db);
    expect(Object.keys(stats)).toEqual(["SENT"]);
    expect(sends[0]).toMatchObject({ status: "DONE", enqueued: N, sent: N });
    expect(perReader(sink.received).every((r) => r.copies === 1 && r.ids.size === 1)).toBe(true);
  }, 600_000);

  it("killed at an arbitrary moment of delivery: every reader has exactly one digest (a resend carries the same Message-ID)", async () => {
    sink.received.length = 0;
    const db = await database();
    const first = worker(db, ["--seed", String(N), "--start", "--batch", String(BATCH)]);
    while (sink.received.length < N / 2) await sink.waitFor(sink.received.length + 1, 120_000);
    first.kill();
    expect((await first.exited).signal).toBe("SIGKILL");
    expect(sink.received.length).toBeLessThan(N);

    const { stats } = await restart(db);
    expect(Object.keys(stats)).toEqual(["SENT"]);
    const readers = perReader(sink.received);
    // Exactly one digest per reader: never two different ones, never none.
    expect(readers.filter((r) => r.ids.size !== 1)).toEqual([]);
    // SMTP cannot be exactly-once inside the batch on the wire: at most that batch arrives twice, same Message-ID.
    expect(readers.filter((r) => r.copies > 1).length).toBeLessThanOrEqual(BATCH);
  }, 600_000);
});
