import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { leaveDialogue } from "../app/services/dialogues/membership.server.ts";
import { cancelDialogueSession, scheduleDialogueSession } from "../app/services/dialogues/sessions.server.ts";
import { personalFeed, calendarFeedSecret } from "../app/services/webinar-calendars.server.ts";
import { cancelWebinarRegistration, registerForWebinar } from "../app/services/webinar-registrations.server.ts";
import { scheduleWebinar, updateWebinar } from "../app/services/webinars.server.ts";
import { joinDialogue, makeDialogue } from "./dialogues/factories.ts";
import { makeUser } from "./factories.ts";
import { parseIcs, type ParsedInvite } from "./helpers/ics.ts";
import { drainOutbox } from "./helpers/drain-outbox.ts";
import { startSmtpSink, type ReceivedMail } from "./helpers/smtp-sink.ts";

// RFC 5546: a calendar applies a message only if its SEQUENCE is not below what it holds, so a person's CANCEL must
// go above the REQUEST it removes, and registering again above that CANCEL (ADR 0048).

let sink: Awaited<ReturnType<typeof startSmtpSink>>;
beforeAll(async () => {
  sink = await startSmtpSink();
});
afterAll(() => sink.stop());

const drain = () => drainOutbox(sink, "sequence-test");

function inviteOf(mail: ReceivedMail): ParsedInvite | null {
  const part = mail.parsed.attachments.find((a) => a.contentType === "text/calendar");
  const ics = part ? part.content.toString("utf8") : /BEGIN:VCALENDAR[\s\S]*END:VCALENDAR/.exec(mail.raw.replace(/=\r?\n/g, ""))?.[0];
  if (!ics) return null;
  const invite = parseIcs(ics);
  expect(invite.attendees).toEqual([mail.to]);
  return invite;
}

/** What each address's calendar received, in arrival order: [METHOD, SEQUENCE]. */
function calendarLog(log: Map<string, [string, number][]>, mails: ReceivedMail[]) {
  for (const mail of mails) {
    const invite = inviteOf(mail);
    if (invite) log.set(mail.to, [...(log.get(mail.to) ?? []), [invite.method, invite.sequence]]);
  }
}

const strictlyGrowing = (seqs: number[]) => seqs.every((s, i) => i === 0 || s > seqs[i - 1]);

describe("each person's calendar SEQUENCE only grows", () => {
  it("register → cancel → register again → reschedule, over SMTP; another registrant only sees the reschedule", async () => {
    const staff = await makeUser({ role: "STAFF" });
    const start = new Date(Date.now() + 6 * 86400_000);
    start.setUTCMinutes(0, 0, 0);
    const webinar = await scheduleWebinar(staff, {
      translations: [{ language: "en", title: "Remittances and care" }],
      startsAt: start,
      endsAt: new Date(start.getTime() + 3600_000),
      timeZone: "UTC",
      meetingUrl: "https://meet.example.org/r",
    });
    const ana = await makeUser({ email: "ana.seq@example.org", name: "Ana" });
    const bo = await makeUser({ email: "bo.seq@example.org", name: "Bo" });
    const log = new Map<string, [string, number][]>();

    const first = await registerForWebinar(ana, webinar.id, { timeZone: "UTC" });
    await registerForWebinar(bo, webinar.id, { timeZone: "UTC" });
    calendarLog(log, await drain());
    await cancelWebinarRegistration(ana, first.id);
    calendarLog(log, await drain());
    const again = await registerForWebinar(ana, webinar.id, { timeZone: "UTC" });
    expect(again.id).toBe(first.id);
    calendarLog(log, await drain());
    const later = new Date(start.getTime() + 86400_000);
    await updateWebinar(staff, webinar.id, { startsAt: later, endsAt: new Date(later.getTime() + 3600_000) });
    calendarLog(log, await drain());

    expect(log.get("ana.seq@example.org")).toEqual([
      ["REQUEST", 0],
      ["CANCEL", 1],
      ["REQUEST", 2],
      ["REQUEST", 3],
    ]);
    expect(log.get("bo.seq@example.org")).toEqual([
      ["REQUEST", 0],
      ["REQUEST", 1],
    ]);
    // The personal feed carries the SEQUENCE of the person's own latest invite, never an older one.
    const feed = parseIcs((await personalFeed(await calendarFeedSecret(ana)))!.body);
    expect(feed.sequence).toBe(3);
  });

  it("a member who leaves and joins again gets a CANCEL and a REQUEST above it; a session-wide cancel goes above both", async () => {
    const staff = await makeUser({ role: "STAFF" });
    const dialogue = await makeDialogue(staff, { title: "Seasonal work" });
    const facilitator = await joinDialogue(dialogue.id, staff, "fac.seq@example.org", "FACILITATOR");
    const member = await joinDialogue(dialogue.id, facilitator, "mia.seq@example.org");
    await drain();
    const start = new Date(Date.now() + 4 * 86400_000);
    const session = await scheduleDialogueSession(facilitator, dialogue.id, {
      title: "Round two",
      agenda: "",
      startsAt: start,
      endsAt: new Date(start.getTime() + 3600_000),
      timeZone: "UTC",
      location: "Room 1",
    });
    const log = new Map<string, [string, number][]>();
    calendarLog(log, await drain());
    await leaveDialogue(member, dialogue.id);
    calendarLog(log, await drain());
    await joinDialogue(dialogue.id, facilitator, "mia.seq@example.org");
    calendarLog(log, await drain());
    await leaveDialogue(member, dialogue.id);
    calendarLog(log, await drain());
    await joinDialogue(dialogue.id, facilitator, "mia.seq@example.org");
    calendarLog(log, await drain());
    await cancelDialogueSession(facilitator, session.id);
    calendarLog(log, await drain());

    const mia = log.get("mia.seq@example.org")!;
    expect(mia.map(([m]) => m)).toEqual(["REQUEST", "CANCEL", "REQUEST", "CANCEL", "REQUEST", "CANCEL"]);
    expect(strictlyGrowing(mia.map(([, s]) => s))).toBe(true);
    expect(mia[0][1]).toBe(0);
    expect(log.get("fac.seq@example.org")).toEqual([
      ["REQUEST", 0],
      ["CANCEL", 1],
    ]);
  });
});
