// A worker in its own process, for crash tests: the parent kills it with SIGKILL (or asks it to kill itself
// right after a batch is recorded), then starts another one on the same database.
//   tsx tests/helpers/mail-worker-process.ts [--enqueue N --prefix P] [--batch B] [--die-after-records K] [--clock-offset-ms MS]
// DATABASE_URL, DATA_DIR, APP_URL and SMTP_URL come from the environment. Prints one JSON line when done.
import { parseArgs } from "node:util";

const { values } = parseArgs({
  options: {
    enqueue: { type: "string" },
    prefix: { type: "string", default: "crash" },
    batch: { type: "string", default: "100" },
    "die-after-records": { type: "string" },
    "clock-offset-ms": { type: "string", default: "0" },
  },
});
const { migrate } = await import("../../app/utils/migrate.server.ts");
const { prisma, closeDatabase } = await import("../../app/utils/db.server.ts");
const { enqueueEmails } = await import("../../emails/outbox.ts");
const { deliverDue, outboxStats } = await import("../../emails/worker.ts");

await migrate();
if (values.enqueue) {
  const n = Number(values.enqueue);
  const emails = Array.from({ length: n }, (_, i) => ({ key: `${values.prefix}:${i}`, to: `reader${i}@example.org`, subject: `Crash ${i}`, html: `<p>${i}</p>`, text: `${i}` }));
  await enqueueEmails(prisma(), emails, { priority: "BULK" });
}
const dieAfter = values["die-after-records"] ? Number(values["die-after-records"]) : Infinity;
let records = 0;
console.error("ready");
const result = await deliverDue({
  workerId: `crash-test-${process.pid}`,
  batchSize: Number(values.batch),
  leaseMs: 60_000,
  now: Number(values["clock-offset-ms"]) ? new Date(Date.now() + Number(values["clock-offset-ms"])) : undefined,
  onRecorded: () => {
    if (++records >= dieAfter) process.kill(process.pid, "SIGKILL");
  },
});
console.log(JSON.stringify({ result, stats: await outboxStats() }));
await closeDatabase();
