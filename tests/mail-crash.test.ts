import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { messageIdFor } from "../emails/outbox.ts";
import { startScript } from "./helpers/script-process.ts";
import { startSmtpSink } from "./helpers/smtp-sink.ts";

// Crash safety with real processes: a worker is killed with SIGKILL during a large delivery and another one
// finishes it on the same database (PostgreSQL, or an embedded PGlite directory that only one process opens at
// a time). The sink counts Message-IDs.
const N = 1500;
const BATCH = 100;

describe("a worker killed during a large delivery", () => {
  let sink: Awaited<ReturnType<typeof startSmtpSink>>;
  beforeAll(async () => {
    sink = await startSmtpSink({ parse: false });
  });
  afterAll(() => sink.stop());

  let run = 0;
  const database = () =>
    process.env.DATABASE_URL!.startsWith("postgres") ? process.env.DATABASE_URL! : path.join(process.env.DATA_DIR!, `crash-pglite-${++run}`);

  const worker = (databaseUrl: string, args: string[]) => startScript("tests/helpers/mail-worker-process.ts", databaseUrl, args);

  async function finish(databaseUrl: string) {
    // Leases of the dead worker run 60 s; the successor's clock is past them.
    const next = worker(databaseUrl, ["--batch", String(BATCH), "--clock-offset-ms", "120000"]);
    const { code } = await next.exited;
    expect(code, next.output().stderr).toBe(0);
    return JSON.parse(next.output().stdout.trim().split("\n").at(-1)!) as { stats: Record<string, number> };
  }

  const seen = (prefix: string, i: number) => sink.messageIds.get(messageIdFor(`${prefix}:${i}`)) ?? 0;
  const reset = () => sink.messageIds.clear();

  it("killed mid-batch: after a restart every message has reached the server, resends only from the batch on the wire", async () => {
    reset();
    const db = database();
    const first = worker(db, ["--enqueue", String(N), "--prefix", "mid", "--batch", String(BATCH)]);
    // Kill it at an arbitrary point well inside the run, while messages are on the wire.
    while (sink.messageIds.size < N / 2) await sink.waitFor(sink.received.length + 1, 120_000);
    first.kill();
    expect((await first.exited).signal).toBe("SIGKILL");
    const beforeRestart = sink.messageIds.size;
    expect(beforeRestart).toBeLessThan(N);

    const { stats } = await finish(db);
    expect(Object.keys(stats)).toEqual(["SENT"]);
    const counts = Array.from({ length: N }, (_, i) => seen("mid", i));
    expect(counts.filter((c) => c === 0)).toEqual([]);
    const resent = counts.filter((c) => c > 1).length;
    expect(resent).toBeLessThanOrEqual(BATCH);
    expect(counts.every((c) => c <= 2)).toBe(true);
    // Two worker processes start and run here; on a loaded machine that alone can take longer than the default.
  }, 180_000);

  it("killed right after recording a batch: after a restart each message reached the server exactly once", async () => {
    reset();
    const db = database();
    const first = worker(db, ["--enqueue", String(N), "--prefix", "between", "--batch", String(BATCH), "--die-after-records", "4"]);
    expect((await first.exited).signal).toBe("SIGKILL");
    expect(sink.messageIds.size).toBe(4 * BATCH);

    const { stats } = await finish(db);
    expect(Object.keys(stats)).toEqual(["SENT"]);
    expect(Array.from({ length: N }, (_, i) => seen("between", i)).every((c) => c === 1)).toBe(true);
  }, 180_000);
});
