// A worker in its own process, for crash, lease and outage tests: the parent kills it with SIGKILL (or asks it to
// kill itself right after a batch is recorded), stops it with SIGTERM, or runs two of them on one database.
//   tsx tests/helpers/mail-worker-process.ts [--enqueue N --prefix P] [--batch B] [--die-after-records K] [--clock-offset-ms MS]
//     [--lease-ms MS] [--skip-migrate]
//     [--repeat]  deliver, then deliver again every 100 ms (a tick loop), until nothing is pending or being sent
//     [--worker]  the long-running worker (startWorker) until SIGTERM
// DATABASE_URL, DATA_DIR, APP_URL and SMTP_URL come from the environment. Prints one JSON line when done.
import { parseArgs } from "node:util";

const { values } = parseArgs({
  options: {
    enqueue: { type: "string" },
    prefix: { type: "string", default: "crash" },
    batch: { type: "string", default: "100" },
    "die-after-records": { type: "string" },
    "clock-offset-ms": { type: "string", default: "0" },
    "lease-ms": { type: "string", default: "60000" },
    "skip-migrate": { type: "boolean", default: false },
    repeat: { type: "boolean", default: false },
    worker: { type: "boolean", default: false },
  },
});
const { migrate } = await import("../../app/utils/migrate.server.ts");
const { prisma, closeDatabase } = await import("../../app/utils/db.server.ts");
const { enqueueEmails } = await import("../../emails/outbox.ts");
const { deliverDue, startWorker } = await import("../../emails/worker.ts");
const { outboxStats } = await import("../../emails/outbox-status.ts");

if (!values["skip-migrate"]) await migrate();
if (values.enqueue) {
  const n = Number(values.enqueue);
  const emails = Array.from({ length: n }, (_, i) => ({ key: `${values.prefix}:${i}`, to: `reader${i}@example.org`, subject: `Crash ${i}`, html: `<p>${i}</p>`, text: `${i}` }));
  await enqueueEmails(prisma(), emails, { priority: "BULK" });
}
const dieAfter = values["die-after-records"] ? Number(values["die-after-records"]) : Infinity;
let records = 0;
const workerId = `crash-test-${process.pid}`;
const leaseMs = Number(values["lease-ms"]);
const batchSize = values.batch === "auto" ? undefined : Number(values.batch);

if (values.worker) {
  const worker = startWorker({ workerId, intervalMs: 100, leaseMs, batchSize });
  console.error("ready");
  await new Promise<void>((resolve) => process.once("SIGTERM", () => resolve()));
  const t0 = performance.now();
  await worker.stop();
  const stopMs = Math.round(performance.now() - t0);
  console.log(JSON.stringify({ stopMs }));
  await closeDatabase();
  process.exit(0);
}

const deliver = () =>
  deliverDue({
    workerId,
    batchSize,
    leaseMs,
    now: Number(values["clock-offset-ms"]) ? new Date(Date.now() + Number(values["clock-offset-ms"])) : undefined,
    onRecorded: () => {
      if (++records >= dieAfter) process.kill(process.pid, "SIGKILL");
    },
  });

console.error("ready");
if (values.repeat) {
  // The worker's tick loop, scaled down: an error (database away) is logged and the next tick tries again.
  const errors: string[] = [];
  for (;;) {
    try {
      await deliver();
      const stats = await outboxStats();
      if (!stats.PENDING && !stats.SENDING) break;
    } catch (error) {
      if (errors.length < 20) errors.push((error as Error).message.split("\n")[0]);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  console.log(JSON.stringify({ stats: await outboxStats(), errors }));
} else {
  const result = await deliver();
  console.log(JSON.stringify({ result, stats: await outboxStats() }));
}
await closeDatabase();
