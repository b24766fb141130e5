// Generating and enqueueing personalised invites for 10,000 registrants, against a baseline of ical-generator
// alone producing 10,000 calendars in the same process. Run: npm run bench [-- <count>]
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import ical from "ical-generator";

const COUNT = Number(process.argv[2] ?? 10_000);
process.env.DATABASE_URL ??= "memory://";
process.env.DATA_DIR ??= fs.mkdtempSync(path.join(os.tmpdir(), "genmig-bench-"));

const { migrate } = await import("../app/utils/migrate.server.ts");
const { prisma, closeDatabase } = await import("../app/utils/db.server.ts");
const { scheduleWebinar } = await import("../app/services/webinars.server.ts");
const { notifyRegistrants } = await import("../app/services/webinar-notices.server.ts");
const { createUser, loadActor } = await import("../app/services/users.server.ts");

await migrate();
const staff = (await loadActor((await createUser({ email: "bench@example.org", name: "Bench", role: "STAFF" })).id))!;
const start = new Date(Date.now() + 7 * 24 * 3600_000);
const webinar = await scheduleWebinar(staff, {
  translations: [
    { language: "en", title: "Benchmark webinar", description: "Invites for everyone" },
    { language: "fr", title: "Webinaire de mesure", description: "Des invitations pour tout le monde" },
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

function baseline() {
  for (let i = 0; i < COUNT; i++) {
    const cal = ical({ method: "REQUEST" as never });
    cal.createEvent({
      id: webinar.uid,
      sequence: 1,
      start: webinar.startsAt,
      end: webinar.endsAt,
      summary: "Benchmark webinar",
      organizer: { name: "GenMig Hub", email: "hub@example.org" },
      attendees: [{ email: `person${i}@example.org`, name: `Person ${i}` }],
    });
    cal.toString();
  }
}

const t0 = performance.now();
baseline();
const baselineMs = performance.now() - t0;

const fresh = await prisma().webinar.update({ where: { id: webinar.id }, data: { sequence: { increment: 1 } }, include: { translations: true } });
const t1 = performance.now();
await prisma().$transaction((tx) => notifyRegistrants(tx, fresh, "updated"), { timeout: 600_000 });
const hubMs = performance.now() - t1;

const queued = await prisma().outboxMessage.count({ where: { key: { startsWith: "webinar:updated" } } });
console.log(`registrants:                          ${COUNT}`);
console.log(`baseline ical-generator only:         ${(baselineMs / 1000).toFixed(2)} s`);
console.log(`hub invites (ICS + HTML/text email, outbox insert): ${(hubMs / 1000).toFixed(2)} s for ${queued} queued`);
console.log(`ratio hub / baseline:                 ${(hubMs / baselineMs).toFixed(1)}x`);
console.log(`database:                             ${process.env.DATABASE_URL.startsWith("postgres") ? "PostgreSQL" : "PGlite (in memory)"}`);
await closeDatabase();
