// A weekly digest to N confirmed subscribers: time to compose and queue it, then delivery through the hub's mail
// engine to a local SMTP sink, next to nodemailer's own pool sending pre-rendered digests to the same sink in the
// same run; a sign-in link is requested halfway through delivery and its arrival time is reported.
// Run: npm run bench:digest [-- --n 100000 --baseline 20000 --connections 5]
// `--compose-only`: stop after composing and queueing (no baseline, no delivery) — for working on composition.
// Embedded database by default; DATABASE_URL=postgres://… for PostgreSQL (a scratch database, dropped after).
import { fork } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import nodemailer from "nodemailer";
import pg from "pg";

const { values } = parseArgs({
  options: {
    n: { type: "string", default: "100000" },
    baseline: { type: "string", default: "20000" },
    connections: { type: "string", default: "5" },
    "compose-only": { type: "boolean", default: false },
  },
});
const N = Number(values.n);
const BASE_N = Math.min(N, Number(values.baseline));
const CONNECTIONS = Number(values.connections);

// PostgreSQL: a scratch database so the figures start from empty tables.
let scratch: { admin: string; name: string } | undefined;
if (process.env.DATABASE_URL?.startsWith("postgres")) {
  const name = `genmig_bench_${crypto.randomBytes(4).toString("hex")}`;
  const admin = new pg.Client({ connectionString: process.env.DATABASE_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  scratch = { admin: process.env.DATABASE_URL, name };
  const url = new URL(process.env.DATABASE_URL);
  url.pathname = `/${name}`;
  process.env.DATABASE_URL = url.toString();
}
process.env.DATABASE_URL ??= "memory://";
process.env.DATA_DIR ??= fs.mkdtempSync(path.join(os.tmpdir(), "genmig-bench-"));
process.env.APP_URL ??= "https://hub.example.org";
process.env.MAIL_CONNECTIONS = String(CONNECTIONS);
process.env.MAIL_RATE_PER_SECOND = "0";
process.env.MAIL_DAILY_CAP = "0";

const sinkProcess = fork(fileURLToPath(new URL("./sink-process.ts", import.meta.url)), [], { execArgv: process.execArgv });
const sinkPort = await new Promise<number>((resolve) => sinkProcess.once("message", (m: { port: number }) => resolve(m.port)));
const sinkCounts = () =>
  new Promise<{ received: number; distinct: number }>((resolve) => {
    const on = (m: { received?: number; distinct: number }) => {
      if (m.received === undefined) return;
      sinkProcess.off("message", on);
      resolve(m as { received: number; distinct: number });
    };
    sinkProcess.on("message", on);
    sinkProcess.send("count");
  });
const SMTP_URL = `smtp://127.0.0.1:${sinkPort}`;
process.env.SMTP_URL = SMTP_URL;

const { migrate } = await import("../app/utils/migrate.server.ts");
const { prisma, closeDatabase } = await import("../app/utils/db.server.ts");
const { sendDigestNow } = await import("../app/services/sends/digests.server.ts");
const { requestSignInLink } = await import("../app/services/auth.server.ts");
const { createUser } = await import("../app/services/users.server.ts");
const { contentOf } = await import("../emails/mail-bodies.ts");
const { deliverDue } = await import("../emails/worker.ts");
await migrate();

// ── Readers and content ─────────────────────────────────────────────────────────────────────────────────────
const db = prisma();
await db.$executeRawUnsafe(`
  INSERT INTO "Subscriber" (id, email, language, topics, frequency, status, "confirmedAt", "consentSource", "consentWordingVersion", "updatedAt")
  SELECT 'bench' || g, 'reader' || g || '@example.org',
         (CASE g % 3 WHEN 0 THEN 'EN' WHEN 1 THEN 'FR' ELSE 'ES' END)::"Language",
         (CASE g % 4 WHEN 0 THEN ARRAY['CARE_WORK'] WHEN 1 THEN ARRAY['DISPLACEMENT','REMITTANCES']
               WHEN 2 THEN ARRAY['LABOUR_MIGRATION','CARE_WORK'] ELSE ARRAY['POLICY_AND_GOVERNANCE'] END),
         'WEEKLY'::"DigestFrequency", 'CONFIRMED'::"SubscriberStatus", now() - interval '8 days', 'bench', 'bench', now()
  FROM generate_series(1, ${N}) AS g`);
const topicsSets = [["CARE_WORK"], ["DISPLACEMENT"], ["REMITTANCES", "LABOUR_MIGRATION"], ["POLICY_AND_GOVERNANCE"], ["CARE_WORK", "DISPLACEMENT"], ["DATA_AND_STATISTICS"]] as const;
const summary = "Les migrations de main-d'œuvre et la gobernanza migratoria: what the evidence says this month. ".repeat(3);
for (const [i, topics] of topicsSets.entries()) {
  await db.publication.create({
    data: {
      type: "BRIEF",
      topics: [...topics],
      regions: ["AFRICA"],
      authors: "GenMig research team",
      status: "PUBLISHED",
      publishedAt: new Date(Date.now() - (i + 1) * 3600_000),
      audience: i === 5 ? "PARTNERS" : "PUBLIC",
      translations: {
        create: (["EN", "FR", "ES"] as const).map((language) => ({ language, title: `${language} brief ${i}: gender and migration`, summary, body: summary, html: `<p>${summary}</p>` })),
      },
    },
  });
}
await createUser({ email: "staff@example.org", name: "Staff", role: "STAFF" });
// Statistics, as autovacuum keeps them on a table that has lived for a while (not a minute-old bulk insert).
await db.$executeRawUnsafe(`ANALYZE "Subscriber"`);

// ── Compose and queue ──────────────────────────────────────────────────────────────────────────────────────
const c0 = performance.now();
const send = await sendDigestNow("WEEKLY");
const composeSeconds = (performance.now() - c0) / 1000;
if (send.enqueued !== N) throw new Error(`expected ${N} digests queued, got ${send.enqueued}`);
const bodies = await db.mailBody.count();
const kind = process.env.DATABASE_URL.startsWith("postgres") ? "PostgreSQL" : "PGlite (embedded, in memory)";
const composeLine = `compose + queue:                 ${composeSeconds.toFixed(1)} s (target ≤ 20 s), ${(N / composeSeconds).toFixed(0)} readers/s, ${bodies} distinct bodies`;
if (values["compose-only"]) {
  console.log(`readers:                         ${N} confirmed weekly subscribers, ${kind}`);
  console.log(composeLine);
  await finish();
  process.exit(0);
}

// ── Baseline: nodemailer's pool sending pre-rendered digests (the same content) to the same sink ──────────────
const sample = await db.outboxMessage.findMany({ where: { sendId: send.id }, take: BASE_N });
const rendered = await Promise.all(sample.map(async (m) => ({ to: m.toAddress, messageId: `<base-${m.messageId.slice(1)}`, headers: m.headers as Record<string, string>, ...(await contentOf(db, m)) })));
async function baseline() {
  const transport = nodemailer.createTransport({ url: SMTP_URL, pool: true, maxConnections: CONNECTIONS });
  const before = await sinkCounts();
  const t0 = performance.now();
  let next = 0;
  const lane = async () => {
    while (next < rendered.length) {
      const m = rendered[next++];
      await transport.sendMail({ from: "GenMig Hub <hub@genmig.invalid>", to: m.to, subject: m.subject, html: m.html, text: m.text, messageId: m.messageId, headers: m.headers });
    }
  };
  await Promise.all(Array.from({ length: 2 * CONNECTIONS }, lane));
  const seconds = (performance.now() - t0) / 1000;
  transport.close();
  const after = await sinkCounts();
  if (after.received - before.received !== rendered.length) throw new Error("baseline: the sink did not get every message");
  return rendered.length / seconds;
}
const baseRate = await baseline();

// ── The hub's mail engine, with a sign-in link requested halfway ─────────────────────────────────────────────
let signIn: { requestedAt: number; arrivedAt?: number } | undefined;
const arrived = new Promise<number>((resolve) => {
  sinkProcess.on("message", (m: { arrived?: string; at?: number }) => {
    if (m.arrived === "staff@example.org") resolve(m.at!);
  });
});
sinkProcess.send({ watch: "staff@example.org" });
let sentSoFar = 0;
const before = await sinkCounts();
const t0 = performance.now();
const result = await deliverDue({
  workerId: "bench-digest",
  onRecorded: (batch) => {
    sentSoFar += batch.length;
    if (!signIn && sentSoFar >= N / 2) {
      signIn = { requestedAt: Date.now() };
      void requestSignInLink({ email: "staff@example.org" });
    }
  },
});
const deliverSeconds = (performance.now() - t0) / 1000;
const after = await sinkCounts();
const signInMs = signIn ? (await arrived) - signIn.requestedAt : NaN;
if (result.sent !== N + 1 || after.distinct - before.distinct !== N + 1) {
  throw new Error(`worker: sent ${result.sent}, sink got ${after.distinct - before.distinct} new Message-IDs, expected ${N + 1}`);
}
const progress = await db.bulkSend.findUniqueOrThrow({ where: { id: send.id } });

console.log(`readers:                         ${N} confirmed weekly subscribers, ${kind}, ${CONNECTIONS} SMTP connections`);
console.log(composeLine);
console.log(`nodemailer pool, pre-rendered:   ${baseRate.toFixed(0)} messages/s (${BASE_N} digests)`);
console.log(`hub mail engine:                 ${(N / deliverSeconds).toFixed(0)} messages/s (${N} digests, target ≥ 1,000), ratio ${(N / deliverSeconds / baseRate).toFixed(2)}; each Message-ID once`);
console.log(`sign-in link requested halfway:  arrived after ${signInMs.toFixed(0)} ms (target ≤ 5,000 ms)`);
console.log(`send counts:                     enqueued ${progress.enqueued}, sent ${progress.sent}, failed ${progress.failed}, finished ${progress.finishedAt ? "yes" : "no"}`);
await finish();

async function finish() {
  await closeDatabase();
  sinkProcess.disconnect();
  if (scratch) {
    const admin = new pg.Client({ connectionString: scratch.admin });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS ${scratch.name} WITH (FORCE)`);
    await admin.end();
  }
}
