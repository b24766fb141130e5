import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { queueWebinarReminders } from "../app/services/webinar-followup.server.ts";
import { cancelWebinarRegistration, registerForWebinar } from "../app/services/webinar-registrations.server.ts";
import { scheduleWebinar } from "../app/services/webinars.server.ts";
import { prisma } from "../app/utils/db.server.ts";
import { deliverDue } from "../emails/worker.ts";
import { makeUser } from "./factories.ts";
import { startSmtpSink } from "./helpers/smtp-sink.ts";

// One person's mail about one event leaves in the order it was written (ADR 0048): a message waits while an
// earlier one for the same person and event is pending (even retrying later) or on the wire.

let sink: Awaited<ReturnType<typeof startSmtpSink>>;
beforeAll(async () => {
  sink = await startSmtpSink({ delayMs: 20 });
});
afterAll(() => sink.stop());
beforeEach(async () => {
  await prisma().outboxMessage.deleteMany();
  sink.control.rejectFor = null;
});

const HOUR = 3600_000;

async function webinarIn(ms: number, title: string) {
  const staff = await makeUser({ role: "STAFF" });
  const start = new Date(Date.now() + ms);
  return scheduleWebinar(staff, {
    translations: [{ language: "en", title }],
    startsAt: start,
    endsAt: new Date(start.getTime() + HOUR),
    timeZone: "UTC",
    meetingUrl: "https://meet.example.org/o",
  });
}

/** The sink answers "try again later" to the first `times` messages for the address. */
function deferFirst(address: string, times = 1) {
  let left = times;
  sink.control.rejectFor = (to) => (to === address && left-- > 0 ? { code: 451, message: "Try again later" } : null);
}

/**
 * Worker ticks until one sends nothing: a message held back behind an earlier one for the same person goes on the
 * tick after that one was sent.
 */
async function deliverAll(opts: Parameters<typeof deliverDue>[0]) {
  const total = { sent: 0, retried: 0 };
  for (;;) {
    const r = await deliverDue(opts);
    total.sent += r.sent;
    total.retried += r.retried;
    if (r.sent === 0) return total;
  }
}

const subjectsTo = (address: string) => sink.received.filter((m) => m.to === address).map((m) => m.parsed.subject);

describe("one person's mail about one event leaves in the order it was written", () => {
  it("a reminder waits for the confirmation that is being retried, and goes after it", async () => {
    const webinar = await webinarIn(20 * HOUR, "Order of reminders");
    const person = await makeUser({ email: "rita.order@example.org" });
    deferFirst("rita.order@example.org");
    await registerForWebinar(person, webinar.id, { timeZone: "UTC" });
    // The confirmation is refused once: it will be tried again after its backoff, later than the reminder is due.
    const later = new Date(Date.now() + 2 * HOUR);
    expect((await deliverDue({ workerId: "order-1", now: later })).retried).toBe(1);
    expect(await queueWebinarReminders()).toBe(1);
    const [confirmation, reminder] = await prisma().outboxMessage.findMany({ where: { toAddress: "rita.order@example.org" }, orderBy: { writeOrder: "asc" } });
    expect(confirmation.subject).toMatch(/^You are registered/);
    expect(reminder.subject).toMatch(/^Tomorrow/);
    expect(reminder.nextAttemptAt.getTime()).toBeLessThan(confirmation.nextAttemptAt.getTime());

    // The reminder is due and the confirmation is not: nothing goes.
    const before = sink.received.length;
    const between = new Date(reminder.nextAttemptAt.getTime() + 1000);
    expect(between.getTime()).toBeLessThan(confirmation.nextAttemptAt.getTime());
    expect((await deliverDue({ workerId: "order-2", now: between })).sent).toBe(0);
    expect(sink.received.length).toBe(before);
    expect((await prisma().outboxMessage.findUniqueOrThrow({ where: { id: reminder.id } })).status).toBe("PENDING");

    // Both due: the confirmation first, then the reminder, even with room for both on the wire.
    const result = await deliverAll({ workerId: "order-3", now: new Date(confirmation.nextAttemptAt.getTime() + 1000), inFlight: 4 });
    expect(result.sent).toBe(2);
    await sink.waitFor(before + 2);
    expect(subjectsTo("rita.order@example.org")).toEqual(["You are registered: Order of reminders", "Tomorrow: Order of reminders"]);
  });

  it("a CANCEL being retried holds back the REQUEST written after it; other people's mail is not held", async () => {
    const webinar = await webinarIn(5 * 24 * HOUR, "Order of changes");
    const sam = await makeUser({ email: "sam.order@example.org" });
    const tess = await makeUser({ email: "tess.order@example.org" });
    const reg = await registerForWebinar(sam, webinar.id, { timeZone: "UTC" });
    await deliverDue({ workerId: "order-4" });
    deferFirst("sam.order@example.org");
    await cancelWebinarRegistration(sam, reg.id);
    await registerForWebinar(sam, webinar.id, { timeZone: "UTC" });
    await registerForWebinar(tess, webinar.id, { timeZone: "UTC" });

    // The CANCEL is deferred; Sam's new REQUEST must not overtake it, Tess's confirmation goes at once.
    const first = await deliverAll({ workerId: "order-5", inFlight: 4 });
    expect(first).toMatchObject({ sent: 1, retried: 1 });
    expect(subjectsTo("sam.order@example.org")).toEqual(["You are registered: Order of changes"]);
    expect(subjectsTo("tess.order@example.org")).toEqual(["You are registered: Order of changes"]);

    const retry = await prisma().outboxMessage.findFirstOrThrow({ where: { toAddress: "sam.order@example.org", status: "PENDING", attempts: 1 } });
    const before = sink.received.length;
    await deliverAll({ workerId: "order-6", now: new Date(retry.nextAttemptAt.getTime() + 1000), inFlight: 4 });
    await sink.waitFor(before + 2);
    expect(subjectsTo("sam.order@example.org")).toEqual([
      "You are registered: Order of changes",
      "Registration cancelled: Order of changes",
      "You are registered: Order of changes",
    ]);
  });

  it("two workers with several messages on the wire keep each person's order", async () => {
    const webinar = await webinarIn(5 * 24 * HOUR, "Order under load");
    const people = await Promise.all(Array.from({ length: 6 }, (_, i) => makeUser({ email: `p${i}.order@example.org` })));
    // Each person: registered, cancelled, registered again, cancelled again — four messages written in that order.
    for (let round = 0; round < 2; round++) {
      for (const person of people) {
        const reg = await registerForWebinar(person, webinar.id, { timeZone: "UTC" });
        await cancelWebinarRegistration(person, reg.id);
      }
    }
    const before = sink.received.length;
    const results = await Promise.all([
      deliverDue({ workerId: "order-a", inFlight: 4, batchSize: 8 }),
      deliverDue({ workerId: "order-b", inFlight: 4, batchSize: 8 }),
    ]);
    let sent = results[0].sent + results[1].sent;
    // A worker that found everyone's next message held back stops; the next tick takes the rest.
    while (sent < people.length * 4) {
      const more = await deliverDue({ workerId: "order-c", inFlight: 4 });
      expect(more.sent).toBeGreaterThan(0);
      sent += more.sent;
    }
    await sink.waitFor(before + people.length * 4);
    for (const person of people) {
      expect(subjectsTo(person.email)).toEqual([
        "You are registered: Order under load",
        "Registration cancelled: Order under load",
        "You are registered: Order under load",
        "Registration cancelled: Order under load",
      ]);
    }
  });
});
