// A worker in its own process that composes and delivers a weekly digest, for crash tests: the parent kills it
// with SIGKILL (or asks it to kill itself after a composed chunk or a recorded batch), then starts another one on
// the same database, which resumes the interrupted run and delivers the rest.
//   tsx tests/helpers/digest-worker-process.ts [--seed N] [--start] [--chunk C] [--batch B]
//       [--die-after-chunks K] [--die-after-records K] [--clock-offset-ms MS]
// DATABASE_URL, DATA_DIR, APP_URL and SMTP_URL come from the environment. Prints one JSON line when done.
import { parseArgs } from "node:util";

const { values } = parseArgs({
  options: {
    seed: { type: "string" },
    start: { type: "boolean" },
    chunk: { type: "string", default: "500" },
    batch: { type: "string", default: "100" },
    "die-after-chunks": { type: "string" },
    "die-after-records": { type: "string" },
    "clock-offset-ms": { type: "string", default: "0" },
  },
});
const { migrate } = await import("../../app/utils/migrate.server.ts");
const { prisma, closeDatabase } = await import("../../app/utils/db.server.ts");
const { composeDigest, resumeDigests, startDigest } = await import("../../app/services/sends/digests.server.ts");
const { sendsProgress } = await import("../../app/services/sends/sends.server.ts");
const { deliverDue } = await import("../../emails/worker.ts");
const { outboxStats } = await import("../../emails/outbox-status.ts");
const { makePublication } = await import("../sends/publication-fixtures.ts");

await migrate();
const chunk = Number(values.chunk);
if (values.seed) {
  const n = Number(values.seed);
  const confirmedAt = new Date(Date.now() - 86_400_000);
  const langs = ["EN", "FR", "ES"] as const;
  await prisma().subscriber.createMany({
    data: Array.from({ length: n }, (_, i) => ({
      email: `reader${i}@example.org`,
      language: langs[i % 3],
      topics: ["CARE_WORK" as const],
      frequency: "WEEKLY" as const,
      status: "CONFIRMED" as const,
      confirmedAt,
      consentSource: "test",
      consentWordingVersion: "test",
    })),
  });
  await makePublication({ titles: { EN: "Care work across borders", FR: "Le travail de soin", ES: "El trabajo de cuidados" } });
}
const dieAfterChunks = values["die-after-chunks"] ? Number(values["die-after-chunks"]) : Infinity;
let chunks = 0;
const onProgress = () => {
  if (++chunks >= dieAfterChunks) process.kill(process.pid, "SIGKILL");
};
if (values.start) {
  const { send } = await startDigest("WEEKLY");
  await composeDigest(send.id, { chunk, onProgress });
} else {
  await resumeDigests({ chunk, onProgress });
}
const dieAfter = values["die-after-records"] ? Number(values["die-after-records"]) : Infinity;
let records = 0;
console.error("ready");
const result = await deliverDue({
  workerId: `digest-crash-${process.pid}`,
  batchSize: Number(values.batch),
  leaseMs: 60_000,
  now: Number(values["clock-offset-ms"]) ? new Date(Date.now() + Number(values["clock-offset-ms"])) : undefined,
  onRecorded: () => {
    if (++records >= dieAfter) process.kill(process.pid, "SIGKILL");
  },
});
console.log(JSON.stringify({ result, stats: await outboxStats(), sends: await sendsProgress(prisma()) }));
await closeDatabase();
