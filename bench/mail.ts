// Delivering N queued messages with the outbox worker to a local SMTP sink, next to nodemailer's own pool
// sending the same messages to the same sink in the same run.
// Run: npm run bench:mail [-- --n 10000 --connections 5 --rounds 3 --in-flight 10 --batch 200]
// Embedded database by default; DATABASE_URL=postgres://… for PostgreSQL.
import { fork } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import nodemailer from "nodemailer";

const { values } = parseArgs({
  options: {
    n: { type: "string", default: "10000" },
    connections: { type: "string", default: "5" },
    rounds: { type: "string", default: "3" },
    // The worker's defaults unless given: 2 per connection in flight, batches of 200.
    "in-flight": { type: "string" },
    batch: { type: "string" },
  },
});
const N = Number(values.n);
const CONNECTIONS = Number(values.connections);
process.env.DATABASE_URL ??= "memory://";
process.env.DATA_DIR ??= fs.mkdtempSync(path.join(os.tmpdir(), "genmig-bench-"));
process.env.MAIL_CONNECTIONS = String(CONNECTIONS);
process.env.MAIL_RATE_PER_SECOND = "0";

// The sink runs in its own process, as a mail server would; it counts what it received and distinct Message-IDs.
const sinkProcess = fork(fileURLToPath(new URL("./sink-process.ts", import.meta.url)), [], { execArgv: process.execArgv });
const sinkPort = await new Promise<number>((resolve) => sinkProcess.once("message", (m: { port: number }) => resolve(m.port)));
const sinkCounts = () =>
  new Promise<{ received: number; distinct: number }>((resolve) => {
    sinkProcess.once("message", resolve);
    sinkProcess.send("count");
  });
const SMTP_URL = `smtp://127.0.0.1:${sinkPort}`;
process.env.SMTP_URL = SMTP_URL;

const { migrate } = await import("../app/utils/migrate.server.ts");
const { prisma, closeDatabase } = await import("../app/utils/db.server.ts");
const { enqueueEmails, messageIdFor } = await import("../emails/outbox.ts");
const { deliverDue } = await import("../emails/worker.ts");
await migrate();

const run = crypto.randomBytes(4).toString("hex");
// A digest-sized message: a few KB of HTML and text, one recipient each.
const paragraph = "Les migrations de main-d'œuvre et la gobernanza migratoria: what the evidence says this month. ".repeat(12);
const message = (round: string, i: number) => ({
  key: `bench:${run}:${round}:${i}`,
  to: `reader${i}@example.org`,
  subject: `Digest ${round} #${i}: Gobernanza migratoria`,
  html: `<h1>Digest</h1><p>${paragraph}</p><p>${paragraph}</p><p><a href="https://hub.example.org/briefs/${i}">Read</a></p>`,
  text: `Digest\n\n${paragraph}\n\n${paragraph}\n\nRead: https://hub.example.org/briefs/${i}`,
});

// CPU time of this process (not the sink's, nor PostgreSQL's) per message: steadier than wall time on a busy machine.
const cpuMsSince = (start: NodeJS.CpuUsage) => {
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1000;
};

async function baseline(round: string, count: number) {
  const transport = nodemailer.createTransport({ url: SMTP_URL, pool: true, maxConnections: CONNECTIONS });
  const before = await sinkCounts();
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  // Fed like the worker feeds it (2 messages per connection in flight), so the difference is the database.
  let next = 0;
  const lane = async () => {
    while (next < count) {
      const m = message(`pool-${round}`, next++);
      await transport.sendMail({ from: "GenMig Hub <hub@genmig.invalid>", to: m.to, subject: m.subject, html: m.html, text: m.text, messageId: messageIdFor(m.key) });
    }
  };
  await Promise.all(Array.from({ length: 2 * CONNECTIONS }, lane));
  const seconds = (performance.now() - t0) / 1000;
  transport.close();
  const after = await sinkCounts();
  if (after.received - before.received !== count) throw new Error(`baseline: sink got ${after.received - before.received} of ${count}`);
  return { rate: count / seconds, cpuMs: cpuMsSince(cpu0) / count };
}

async function hub(round: string, count: number) {
  const emails = Array.from({ length: count }, (_, i) => message(round, i));
  const q0 = performance.now();
  await enqueueEmails(prisma(), emails, { priority: "BULK" });
  const enqueueSeconds = (performance.now() - q0) / 1000;
  const before = await sinkCounts();
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const result = await deliverDue({ workerId: `bench-${run}`, inFlight: values["in-flight"] ? Number(values["in-flight"]) : undefined, batchSize: values.batch ? Number(values.batch) : undefined });
  const seconds = (performance.now() - t0) / 1000;
  const after = await sinkCounts();
  const got = after.received - before.received;
  if (result.sent !== count || got !== count || after.distinct - before.distinct !== count) {
    throw new Error(`worker: sent ${result.sent}, sink got ${got} messages, ${after.distinct - before.distinct} new Message-IDs, of ${count}`);
  }
  return { rate: count / seconds, cpuMs: cpuMsSince(cpu0) / count, enqueueRate: count / enqueueSeconds };
}

await baseline("warm", 500);
await hub("warm", 500);
// Alternating rounds, medians: the machine is shared, so its load drifts during a run.
const ROUNDS = Number(values.rounds);
const pools: { rate: number; cpuMs: number }[] = [];
const workers: { rate: number; cpuMs: number; enqueueRate: number }[] = [];
for (let r = 0; r < ROUNDS; r++) {
  pools.push(await baseline(`r${r}`, N));
  workers.push(await hub(`r${r}`, N));
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const pool = pools.map((p) => p.rate);
const base = median(pool);
const worker = { rate: median(workers.map((w) => w.rate)), enqueueRate: median(workers.map((w) => w.enqueueRate)) };
const ratios = workers.map((w, i) => w.rate / pool[i]);
const db = process.env.DATABASE_URL.startsWith("postgres") ? "PostgreSQL" : "PGlite (embedded, in memory)";
console.log(`messages:                                  ${N} (${CONNECTIONS} SMTP connections each, ${db})`);
console.log(`nodemailer pool alone, per round:          ${pool.map((x) => x.toFixed(0)).join(" / ")} messages/s (median ${base.toFixed(0)})`);
console.log(`hub worker (claim, send, record), per round: ${workers.map((w) => w.rate.toFixed(0)).join(" / ")} messages/s (median ${worker.rate.toFixed(0)}), each Message-ID once at the sink`);
console.log(`ratio worker / nodemailer pool, per round: ${ratios.map((x) => x.toFixed(2)).join(" / ")} (median ${median(ratios).toFixed(2)})`);
console.log(
  `sender CPU per message (pool / worker):   ${median(pools.map((p) => p.cpuMs)).toFixed(3)} / ${median(workers.map((w) => w.cpuMs)).toFixed(3)} ms` +
    (db === "PostgreSQL" ? " (PostgreSQL's own CPU not included)" : " (the embedded database included)"),
);
console.log(`enqueue (enqueueEmails, bulk):             ${worker.enqueueRate.toFixed(0)} messages/s`);
await prisma().outboxMessage.deleteMany({ where: { key: { startsWith: `bench:${run}:` } } });
await closeDatabase();
sinkProcess.disconnect();
