import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cancelWebinarRegistration, registerForWebinar } from "../app/services/webinar-registrations.server.ts";
import { cancelWebinar, scheduleWebinar, updateWebinar } from "../app/services/webinars.server.ts";
import { prisma } from "../app/utils/db.server.ts";
import { deliverDue } from "../emails/worker.ts";
import { makeUser } from "./factories.ts";
import { Client } from "./helpers/app.ts";
import { parseIcs } from "./helpers/ics.ts";
import { startSmtpSink, type ReceivedMail } from "./helpers/smtp-sink.ts";

let sink: Awaited<ReturnType<typeof startSmtpSink>>;
beforeAll(async () => {
  sink = await startSmtpSink();
});
afterAll(() => sink.stop());

const calendarPart = (mail: ReceivedMail) => mail.parsed.attachments.find((a) => a.contentType === "text/calendar");

/** Every invite: one VEVENT, UTC start, only the recipient as ATTENDEE, MIME method equal to METHOD. */
function inviteOf(mail: ReceivedMail) {
  const rawMethod = /Content-Type: text\/calendar; charset=utf-8; method=(\w+)/i.exec(mail.raw)?.[1];
  const part = calendarPart(mail);
  const ics = part ? part.content.toString("utf8") : /BEGIN:VCALENDAR[\s\S]*END:VCALENDAR/.exec(mail.raw.replace(/=\r?\n/g, ""))?.[0];
  if (!ics || !rawMethod) return null;
  const invite = parseIcs(ics);
  expect(invite.method).toBe(rawMethod.toUpperCase());
  expect(invite.events).toBe(1);
  expect(invite.startIsUtc).toBe(true);
  expect(invite.attendees).toEqual([mail.to]);
  if (invite.method === "CANCEL") expect(invite.status).toBe("CANCELLED");
  return invite;
}

/** Two workers deliver at once; every message must arrive exactly once. */
async function drain() {
  const before = sink.received.length;
  const results = await Promise.all([deliverDue({ workerId: "worker-1", batchSize: 1 }), deliverDue({ workerId: "worker-2", batchSize: 1 })]);
  const received = (await sink.waitFor(before + results[0].sent + results[1].sent)).slice(before);
  const ids = received.map((m) => m.parsed.messageId);
  expect(new Set(ids).size).toBe(ids.length);
  expect(await prisma().outboxMessage.count({ where: { status: { not: "SENT" } } })).toBe(0);
  return received;
}

describe("webinar invites end to end over SMTP", () => {
  it("capacity, waitlist, promotion, reschedule and cancellation reach calendars correctly", async () => {
    const staff = await makeUser({ role: "STAFF" });
    const start = new Date(Date.now() + 7 * 24 * 3600_000);
    start.setUTCMinutes(0, 0, 0);
    const webinar = await scheduleWebinar(staff, {
      translations: [
        { language: "en", title: "Care work across borders", description: "Findings from five corridors." },
        { language: "fr", title: "Le travail de soin par-delà les frontières", description: "Résultats de cinq corridors." },
      ],
      startsAt: start,
      endsAt: new Date(start.getTime() + 90 * 60_000),
      timeZone: "Africa/Dakar",
      meetingUrl: "https://meet.example.org/secret-room",
      capacity: 2,
      speakers: [{ name: "Dr. A", role: "SPEAKER", gender: "woman" }],
    });
    await drain();

    const people = [
      await makeUser({ email: "ana@example.org", name: "Ana" }),
      await makeUser({ email: "bintou@example.org", name: "Bintou" }),
      await makeUser({ email: "chen@example.org", name: "Chen" }),
    ];
    // A public webinar: any signed-in person registers in one click.
    const regA = await registerForWebinar(people[0], webinar.id, { timeZone: "America/Bogota", language: "es" });
    const regB = await registerForWebinar(people[1], webinar.id, { timeZone: "Africa/Dakar", language: "fr" });
    const regC = await registerForWebinar(people[2], webinar.id, { timeZone: "Asia/Manila" });
    expect([regA.status, regB.status, regC.status]).toEqual(["CONFIRMED", "CONFIRMED", "WAITLISTED"]);

    let mails = await drain();
    const first = mails.filter((m) => m.to !== "chen@example.org").map(inviteOf);
    expect(first.map((i) => i?.method)).toEqual(["REQUEST", "REQUEST"]);
    expect(new Set(first.map((i) => i?.uid)).size).toBe(1);
    expect(first[0]?.sequence).toBe(0);
    expect(first[0]?.start.toISOString()).toBe(start.toISOString());
    expect(first[0]?.url).toMatch(/^http:\/\/hub\.test\/j\//);
    expect(mails.map((m) => m.raw).join("")).not.toContain("secret-room");
    const waitlisted = mails.find((m) => m.to === "chen@example.org")!;
    expect(inviteOf(waitlisted)).toBeNull();
    expect(waitlisted.parsed.subject).toContain("waiting list");

    await cancelWebinarRegistration(people[0], regA.id);
    mails = await drain();
    const cancelA = mails.find((m) => m.to === "ana@example.org")!;
    expect(inviteOf(cancelA)).toMatchObject({ method: "CANCEL", uid: first[0]?.uid });
    const promoted = mails.find((m) => m.to === "chen@example.org")!;
    expect(inviteOf(promoted)).toMatchObject({ method: "REQUEST", uid: first[0]?.uid, sequence: 0 });
    expect(promoted.parsed.subject).toContain("A seat freed up");

    const later = new Date(start.getTime() + 24 * 3600_000);
    await updateWebinar(staff, webinar.id, { startsAt: later, endsAt: new Date(later.getTime() + 3600_000) });
    mails = await drain();
    expect(mails.map((m) => m.to).sort()).toEqual(["bintou@example.org", "chen@example.org"]);
    for (const m of mails) expect(inviteOf(m)).toMatchObject({ method: "REQUEST", sequence: 1, start: later });
    const bintou = mails.find((m) => m.to === "bintou@example.org")!;
    expect(bintou.parsed.subject).toBe("Mise à jour : Le travail de soin par-delà les frontières");

    await cancelWebinar(staff, webinar.id, "Speaker unavailable");
    mails = await drain();
    expect(mails.map((m) => m.to).sort()).toEqual(["bintou@example.org", "chen@example.org"]);
    for (const m of mails) expect(inviteOf(m)).toMatchObject({ method: "CANCEL", status: "CANCELLED", sequence: 2 });
    expect((await prisma().webinar.findUniqueOrThrow({ where: { id: webinar.id } })).sequence).toBe(2);
  });

  it("the join link redirects confirmed registrants to the current meeting URL", async () => {
    const staff = await makeUser({ role: "STAFF" });
    const start = new Date(Date.now() + 3 * 24 * 3600_000);
    const webinar = await scheduleWebinar(staff, {
      translations: [{ language: "en", title: "Join test" }],
      startsAt: start,
      endsAt: new Date(start.getTime() + 3600_000),
      timeZone: "UTC",
      meetingUrl: "https://meet.example.org/room-1",
    });
    const person = await makeUser({ email: "joiner@example.org" });
    await registerForWebinar(person, webinar.id, {});
    const mails = await drain();
    const join = /http:\/\/hub\.test(\/j\/[\w.-]+)/.exec(mails.find((m) => m.to === "joiner@example.org")!.parsed.text!)![1];
    const client = new Client();
    expect((await client.get(join)).headers.get("location")).toBe("https://meet.example.org/room-1");
    await updateWebinar(staff, webinar.id, { meetingUrl: "https://meet.example.org/room-2" });
    expect((await client.get(join)).headers.get("location")).toBe("https://meet.example.org/room-2");
    expect((await client.get(`${join.slice(0, -3)}xyz`)).status).toBe(404);
  });
});
