import { afterEach, describe, expect, it } from "vitest";
import { requestSignInLink } from "../app/services/auth.server.ts";
import { registerMailJobs } from "../app/services/mail-jobs.server.ts";
import { queueWebinarReminders } from "../app/services/webinar-followup.server.ts";
import { scheduleWebinar } from "../app/services/webinars.server.ts";
import { prisma } from "../app/utils/db.server.ts";
import { jobBackoffMs, registerJob, registeredJobs, runJob, startJobLoop, unregisterJob } from "../emails/jobs.ts";
import { startWorker } from "../emails/worker.ts";
import { makeUser } from "./factories.ts";
import { Client } from "./helpers/app.ts";
import { signInAs } from "./helpers/sign-in.ts";

// Issue 17: one webinar with ~2,000 confirmed registrants inside the 24-hour window stopped all mail — the
// reminder job overran its transaction on every tick, and workers ran jobs before delivering (ADR 0029).

const HOUR = 3600_000;

/** Waits for a condition by polling the database; the test's own timeout is the only limit. */
async function until<T>(probe: () => Promise<T | null | undefined | false>, everyMs = 50): Promise<T> {
  for (;;) {
    const value = await probe();
    if (value) return value;
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

function gate() {
  let open!: () => void;
  const opened = new Promise<void>((r) => (open = r));
  return { open, opened };
}

async function bigWebinar(registrants: number, startsIn = 12 * HOUR) {
  const staff = await makeUser({ role: "STAFF" });
  const start = new Date(Date.now() + startsIn);
  const webinar = await scheduleWebinar(staff, {
    translations: [
      { language: "en", title: "Remittances at scale", description: "A large panel" },
      { language: "fr", title: "Les transferts à grande échelle", description: "Un grand panel" },
    ],
    startsAt: start,
    endsAt: new Date(start.getTime() + HOUR),
    timeZone: "Africa/Dakar",
    meetingUrl: "https://meet.example.org/scale",
  });
  const zones = ["Africa/Dakar", "America/Bogota", "Europe/Paris", "Asia/Manila"];
  await prisma().webinarRegistration.createMany({
    data: Array.from({ length: registrants }, (_, i) => ({
      webinarId: webinar.id,
      email: `reg${i}-${webinar.id}@example.org`,
      name: `Registrant ${i}`,
      status: "CONFIRMED" as const,
      confirmedAt: new Date(),
      language: (["EN", "FR", "ES"] as const)[i % 3],
      timeZone: zones[i % zones.length],
    })),
  });
  // Some who must not be reminded.
  await prisma().webinarRegistration.createMany({
    data: Array.from({ length: 20 }, (_, i) => ({ webinarId: webinar.id, email: `wait${i}-${webinar.id}@example.org`, name: `W ${i}`, status: "WAITLISTED" as const })),
  });
  return webinar;
}

async function signInMail(email: string) {
  await requestSignInLink({ email });
  return prisma().outboxMessage.findFirstOrThrow({ where: { toAddress: email, key: { startsWith: "sign-in:" } } });
}

const reminderRows = (webinarId: string) =>
  prisma().outboxMessage.findMany({ where: { key: { startsWith: "webinar:reminder_24h:" }, toAddress: { endsWith: `-${webinarId}@example.org` } }, select: { toAddress: true, key: true } });

afterEach(async () => {
  for (const name of registeredJobs()) unregisterJob(name);
  // Each test starts with every job due.
  await prisma().mailJob.deleteMany({});
});

describe("mail jobs run apart from delivery", () => {
  it("a hanging job and a failing job hold nothing back; the failure is recorded, retried with backoff and shown to admins", async () => {
    const admin = await makeUser({ role: "ADMIN" });
    const person = await makeUser();
    const hang = gate();
    let failures = 0;
    registerJob("hanging", () => hang.opened);
    registerJob("webinar-reminders", async () => {
      failures++;
      throw new Error("Can't set option timeZoneName when dateStyle is used");
    });
    const worker = startWorker({ workerId: "jobs-fault", intervalMs: 100 });
    try {
      await until(async () => (await prisma().mailJob.findUnique({ where: { name: "hanging" } }))?.lockedBy);
      const failed = await until(async () => {
        const row = await prisma().mailJob.findUnique({ where: { name: "webinar-reminders" } });
        return row && row.attempts >= 1 && row;
      });
      // Delivery goes on while one job hangs and another fails.
      const link = await signInMail(person.email);
      await until(async () => (await prisma().outboxMessage.findUniqueOrThrow({ where: { id: link.id } })).status === "SENT");

      expect(failed.lastError).toBe("Can't set option timeZoneName when dateStyle is used");
      expect(failed.lockedBy).toBeNull();
      // Not retried on every tick: the next attempt waits the backoff.
      expect(failed.nextRunAt.getTime() - failed.lastErrorAt!.getTime()).toBeGreaterThanOrEqual(jobBackoffMs(1) - 1000);
      expect(failures).toBe(1);

      const browser = await signInAs(new Client(), admin.email);
      const page = await (await browser.get("/admin/mail")).text();
      expect(page).toContain("Mail jobs");
      expect(page).toMatch(/Webinar reminders<\/td><td[^>]*>Failing \(1 in a row\)/);
      expect(page).toContain("Can&#x27;t set option timeZoneName when dateStyle is used");
      const fr = await (await browser.fetch("/admin/mail", { headers: { "accept-language": "fr" } })).text();
      expect(fr).toMatch(/Rappels de webinaires/);
    } finally {
      const t0 = performance.now();
      await worker.stop();
      console.log(`[figures] worker stop with a hanging job: ${Math.round(performance.now() - t0)} ms`);
      hang.open();
    }
    // The hanging job's lease is handed back on stop, so another worker can take it at once.
    expect((await prisma().mailJob.findUniqueOrThrow({ where: { name: "hanging" } })).lockedBy).toBeNull();

    // Each further failure doubles the wait; a success clears the count and the error.
    const t = new Date(Date.now() + 3600_000);
    const second = await runJob("webinar-reminders", { now: t, force: true });
    expect(second.error).toMatch(/timeZoneName/);
    const row2 = await prisma().mailJob.findUniqueOrThrow({ where: { name: "webinar-reminders" } });
    expect(row2.attempts).toBe(2);
    expect(row2.nextRunAt.getTime()).toBeGreaterThanOrEqual(t.getTime() + jobBackoffMs(2));
    expect(jobBackoffMs(2)).toBe(2 * jobBackoffMs(1));
    expect(jobBackoffMs(30)).toBe(3600_000);
    expect((await runJob("webinar-reminders", { now: t })).ran).toBe(false);
    registerJob("webinar-reminders", async () => 0);
    await runJob("webinar-reminders", { now: new Date(t.getTime() + jobBackoffMs(2)) });
    const healed = await prisma().mailJob.findUniqueOrThrow({ where: { name: "webinar-reminders" } });
    expect(healed.attempts).toBe(0);
    const browser = await signInAs(new Client(), admin.email);
    const page = await (await browser.get("/admin/mail")).text();
    expect(page).not.toContain("timeZoneName");
  }, 120_000);

  it("a sign-in link goes out while reminders for 2,000 registrants are queued; each reminder is queued exactly once", async () => {
    const webinar = await bigWebinar(2000);
    const person = await makeUser();
    registerMailJobs();
    // The real reminder job, held open after it has queued everything until the sign-in link is out: under the
    // old worker (jobs before delivery) the link would wait for the job, and this test would never finish.
    const held = gate();
    const started = gate();
    let remindersDoneAt = 0;
    registerJob("webinar-reminders", async (now, ctx) => {
      started.open();
      const n = await queueWebinarReminders(now, ctx);
      remindersDoneAt = Date.now();
      await held.opened;
      return n;
    });
    const worker = startWorker({ workerId: "jobs-test", intervalMs: 100 });
    try {
      await started.opened;
      const jobStartedAt = Date.now();
      const link = await signInMail(person.email);
      const sent = await until(async () => {
        const row = await prisma().outboxMessage.findUniqueOrThrow({ where: { id: link.id } });
        return row.status === "SENT" && row;
      });
      // Not queued behind the reminders: none of them went out before the link.
      const earlierReminders = await prisma().outboxMessage.count({ where: { key: { startsWith: "webinar:reminder" }, status: "SENT", sentAt: { lt: sent.sentAt! } } });
      expect(earlierReminders).toBe(0);
      held.open();
      await until(async () => (await prisma().mailJob.findUnique({ where: { name: "webinar-reminders" } }))?.lastSuccessAt);
      console.log(
        `[figures] 2,000 reminders queued in ${remindersDoneAt - jobStartedAt} ms; sign-in link queued→sent ${sent.sentAt!.getTime() - link.createdAt.getTime()} ms ` +
          `(${sent.sentAt!.getTime() < remindersDoneAt ? "before" : "after"} the reminder job finished queueing)`,
      );
    } finally {
      held.open();
      await worker.stop();
    }
    const rows = await reminderRows(webinar.id);
    expect(rows).toHaveLength(2000);
    expect(new Set(rows.map((r) => r.toAddress)).size).toBe(2000);
    expect(rows.some((r) => r.toAddress.startsWith("wait"))).toBe(false);
    const job = await prisma().mailJob.findUniqueOrThrow({ where: { name: "webinar-reminders" } });
    expect(job).toMatchObject({ attempts: 0, lastError: null, lockedBy: null });
  }, 180_000);

  it("reminders are queued in pages: an interrupted run and runs of two workers at once still queue each exactly once", async () => {
    const webinar = await bigWebinar(1200, 6 * HOUR);
    const now = new Date();
    // A stop after the first page: the run returns early with part of the reminders queued…
    const stop = new AbortController();
    let pages = 0;
    const partial = await queueWebinarReminders(now, {
      pageSize: 250,
      get signal() {
        return pages++ >= 1 ? (stop.abort(), stop.signal) : stop.signal;
      },
    });
    expect(partial).toBe(250);
    // …and the next runs, two at once (as two workers without the job lease would), finish it.
    const [a, b] = await Promise.all([queueWebinarReminders(now, { pageSize: 250 }), queueWebinarReminders(now, { pageSize: 300 })]);
    expect(a + b).toBeGreaterThanOrEqual(950);
    const rows = await reminderRows(webinar.id);
    expect(rows).toHaveLength(1200);
    expect(new Set(rows.map((r) => r.key)).size).toBe(1200);
    // A run once everything is queued renders nothing again.
    expect(await queueWebinarReminders(new Date(now.getTime() + 60_000))).toBe(0);
    // Through the job lease: only one of two workers runs it at a time.
    registerMailJobs();
    const runs = await Promise.all([runJob("webinar-reminders", { workerId: "w1", force: true }), runJob("webinar-reminders", { workerId: "w2", force: true })]);
    expect(runs.filter((r) => r.ran).length).toBeGreaterThanOrEqual(1);
    expect((await reminderRows(webinar.id)).length).toBe(1200);
  }, 180_000);

  it("the job loop stops within its grace time, even mid-job", async () => {
    const hang = gate();
    registerJob("hanging", () => hang.opened);
    const loop = startJobLoop({ workerId: "loop-stop", tickMs: 50, graceMs: 500 });
    await until(async () => loop.running().includes("hanging") && (await prisma().mailJob.findUnique({ where: { name: "hanging" } }))?.lockedBy === "loop-stop");
    await loop.stop();
    expect((await prisma().mailJob.findUniqueOrThrow({ where: { name: "hanging" } })).lockedBy).toBeNull();
    hang.open();
  });
});
