// Reminders for one large webinar, and sign-in links while they are queued (issue 17, ADR 0029).
// Run: npm run bench:reminders [-- <registrants>]   (PGlite in memory, or DATABASE_URL of a scratch PostgreSQL database)
// 1. the reminder job alone: time to queue a 24-hour reminder for every confirmed registrant;
// 2. the real worker (delivery loop + job loop, file mailbox): the reminders are queued again from scratch while a
//    sign-in link is requested every 250 ms; prints each link's time from queued to sent.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";

const COUNT = Number(process.argv[2] ?? 5000);
process.env.DATABASE_URL ??= "memory://";
process.env.DATA_DIR ??= fs.mkdtempSync(path.join(os.tmpdir(), "genmig-bench-"));
process.env.APP_URL ??= "http://hub.test";

const { migrate } = await import("../app/utils/migrate.server.ts");
const { prisma, closeDatabase } = await import("../app/utils/db.server.ts");
const { scheduleWebinar } = await import("../app/services/webinars.server.ts");
const { createUser, loadActor } = await import("../app/services/users.server.ts");
const { queueWebinarReminders } = await import("../app/services/webinar-followup.server.ts");
const { requestSignInLink } = await import("../app/services/auth.server.ts");
const { registerMailJobs } = await import("../app/services/mail-jobs.server.ts");
const { startWorker } = await import("../emails/worker.ts");

await migrate();
const staff = (await loadActor((await createUser({ email: "bench@example.org", name: "Bench", role: "STAFF" })).id))!;
const start = new Date(Date.now() + 12 * 3600_000);
const webinar = await scheduleWebinar(staff, {
  translations: [
    { language: "en", title: "Benchmark webinar", description: "Reminders for everyone" },
    { language: "fr", title: "Webinaire de mesure", description: "Des rappels pour tout le monde" },
  ],
  startsAt: start,
  endsAt: new Date(start.getTime() + 3600_000),
  timeZone: "Africa/Dakar",
  meetingUrl: "https://meet.example.org/bench",
});
const zones = ["Africa/Dakar", "America/Bogota", "Europe/Paris", "Asia/Manila"];
await prisma().webinarRegistration.createMany({
  data: Array.from({ length: COUNT }, (_, i) => ({
    webinarId: webinar.id,
    email: `person${i}@example.org`,
    name: `Person ${i}`,
    status: "CONFIRMED" as const,
    language: (["EN", "FR", "ES"] as const)[i % 3],
    timeZone: zones[i % zones.length],
  })),
});
const reminders = () => prisma().outboxMessage.count({ where: { key: { startsWith: "webinar:reminder_24h:" } } });
const db = process.env.DATABASE_URL.startsWith("postgres") ? "PostgreSQL" : "PGlite (in memory)";

// 1. The job alone.
const t0 = performance.now();
const queued = await queueWebinarReminders(new Date());
const aloneMs = performance.now() - t0;
const t1 = performance.now();
const again = await queueWebinarReminders(new Date());
const rerunMs = performance.now() - t1;

// 2. The worker, from scratch, with sign-in links requested meanwhile.
await prisma().outboxMessage.deleteMany({});
await prisma().user.createMany({ data: Array.from({ length: 400 }, (_, i) => ({ email: `signin${i}@example.org`, name: `S ${i}` })) });
registerMailJobs();
const t2 = performance.now();
const worker = startWorker({ workerId: "bench" });
let n = 0;
const asked: string[] = [];
const requestMs: number[] = [];
let jobDoneMs = 0;
while (!jobDoneMs) {
  const email = `signin${n++}@example.org`;
  const r0 = performance.now();
  await requestSignInLink({ email, ip: `198.51.100.${n % 250}` });
  requestMs.push(performance.now() - r0);
  asked.push(email);
  await new Promise((r) => setTimeout(r, 250));
  if ((await reminders()) >= COUNT) jobDoneMs = performance.now() - t2;
}
const links = async () => prisma().outboxMessage.findMany({ where: { key: { startsWith: "sign-in:" } }, select: { createdAt: true, sentAt: true, status: true } });
while ((await links()).some((l) => l.status !== "SENT")) await new Promise((r) => setTimeout(r, 100));
const latencies = (await links()).map((l) => l.sentAt!.getTime() - l.createdAt.getTime()).sort((a, b) => a - b);
await worker.stop();
const pct = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))];

console.log(`database:                                  ${db}`);
console.log(`confirmed registrants:                     ${COUNT}`);
console.log(`reminder job alone:                        ${(aloneMs / 1000).toFixed(2)} s for ${queued} queued`);
console.log(`run again (all queued already):            ${(rerunMs / 1000).toFixed(2)} s, ${again} queued`);
console.log(`worker (delivery + job loop), all queued:  ${(jobDoneMs / 1000).toFixed(2)} s after start`);
console.log(`sign-in links during that time:            ${latencies.length}, queued→sent p50 ${pct(50)} ms, p95 ${pct(95)} ms, max ${latencies.at(-1)} ms`);
console.log(`sign-in requests (the web side) took:      max ${Math.round(Math.max(...requestMs))} ms`);
await closeDatabase();
