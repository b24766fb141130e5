import ICAL from "ical.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { removeDialogueMember } from "../../app/services/dialogues/membership.server.ts";
import { cancelDialogueSession, publishSessionOutcome, scheduleDialogueSession } from "../../app/services/dialogues/sessions.server.ts";
import { prisma } from "../../app/utils/db.server.ts";
import { makeUser } from "../factories.ts";
import { parseIcs } from "../helpers/ics.ts";
import { drainOutbox } from "../helpers/drain-outbox.ts";
import { startSmtpSink, type ReceivedMail } from "../helpers/smtp-sink.ts";
import { joinDialogue, makeDialogue } from "./factories.ts";

let sink: Awaited<ReturnType<typeof startSmtpSink>>;
beforeAll(async () => {
  sink = await startSmtpSink();
});
afterAll(() => sink.stop());

const drain = () => drainOutbox(sink, "sessions-test");

const icsOf = (mail: ReceivedMail) => {
  const part = mail.parsed.attachments.find((a) => a.contentType === "text/calendar");
  return part ? part.content.toString("utf8") : /BEGIN:VCALENDAR[\s\S]*END:VCALENDAR/.exec(mail.raw.replace(/=\r?\n/g, ""))?.[0];
};

/** Every invite: the MIME method equals METHOD, one VEVENT in UTC, the recipient as the only ATTENDEE. */
function inviteOf(mail: ReceivedMail) {
  const ics = icsOf(mail);
  const rawMethod = /Content-Type: text\/calendar; charset=utf-8; method=(\w+)/i.exec(mail.raw)?.[1];
  if (!ics || !rawMethod) return null;
  const invite = parseIcs(ics);
  expect(invite.method).toBe(rawMethod.toUpperCase());
  expect(invite.events).toBe(1);
  expect(invite.startIsUtc).toBe(true);
  expect(invite.attendees).toEqual([mail.to]);
  if (invite.method === "CANCEL") expect(invite.status).toBe("CANCELLED");
  const vevent = new ICAL.Component(ICAL.parse(ics)).getFirstSubcomponent("vevent")!;
  const attendee = vevent.getFirstProperty("attendee")!;
  return { ...invite, ics, description: String(vevent.getFirstPropertyValue("description")), attendeeName: attendee.getParameter("cn") ?? null };
}

const NAMES = ["Ana Ruiz", "Bintou Diallo", "Fiona Facilitada", "Chen Wei", "Creator Staff"];

describe("dialogue sessions reach members' calendars over SMTP", () => {
  it("schedule → REQUEST for each member; a new member gets it; a removed one and then everyone get CANCEL", async () => {
    const creator = await makeUser({ role: "STAFF", name: "Creator Staff" });
    const dialogue = await makeDialogue(creator, { title: "Labour corridors", chathamHouse: true });
    await prisma().dialogueTranslation.create({ data: { dialogueId: dialogue.id, language: "FR", title: "Corridors de travail" } });
    const facilitator = await joinDialogue(dialogue.id, creator, "fiona@example.org", "FACILITATOR");
    const ana = await joinDialogue(dialogue.id, facilitator, "ana@example.org");
    const bintou = await joinDialogue(dialogue.id, facilitator, "bintou@example.org");
    await prisma().user.update({ where: { id: facilitator.id }, data: { name: "Fiona Facilitada" } });
    await prisma().user.update({ where: { id: ana.id }, data: { name: "Ana Ruiz", language: "ES" } });
    await prisma().user.update({ where: { id: bintou.id }, data: { name: "Bintou Diallo", language: "FR" } });
    await drain();

    const start = new Date(Date.now() + 5 * 86400_000);
    start.setUTCMinutes(0, 0, 0);
    const session = await scheduleDialogueSession(facilitator, dialogue.id, {
      title: "Second round on recruitment fees",
      agenda: "1. Fees survey\n2. **Next steps**",
      startsAt: start,
      endsAt: new Date(start.getTime() + 2 * 3600_000),
      timeZone: "Africa/Dakar",
      location: "Room 4, Dakar office",
      meetingUrl: "https://meet.example.org/fees",
    });
    expect(session.invited).toBe(4);
    let mails = await drain();
    expect(mails.map((m) => m.to).sort()).toEqual(["ana@example.org", "bintou@example.org", creator.email, "fiona@example.org"].sort());
    const invites = mails.map((m) => ({ mail: m, invite: inviteOf(m)! }));
    for (const { mail, invite } of invites) {
      expect(invite).toMatchObject({ method: "REQUEST", uid: session.uid, sequence: 0, start });
      // Under Chatham House no name travels with the invite, not even the recipient's own.
      expect(invite.attendeeName).toBeNull();
      for (const name of NAMES) expect(mail.raw, `${mail.to}: ${name}`).not.toContain(name);
      for (const other of ["ana@example.org", "bintou@example.org", "fiona@example.org", creator.email].filter((a) => a !== mail.to)) {
        expect(mail.raw.replace(/=\r?\n/g, ""), `${mail.to} shows ${other}`).not.toContain(other);
      }
    }
    expect(new Set(invites.map((i) => i.invite.uid)).size).toBe(1);
    const es = invites.find((i) => i.mail.to === "ana@example.org")!;
    expect(es.invite.description).toContain("regla de Chatham House");
    expect(es.invite.description).toContain("Orden del día");
    expect(es.mail.parsed.subject).toBe("Sesión de diálogo: Second round on recruitment fees");
    const fr = invites.find((i) => i.mail.to === "bintou@example.org")!;
    expect(fr.invite.description).toContain("règle de Chatham House");
    expect(fr.mail.parsed.text).toContain("Corridors de travail");
    expect(invites.find((i) => i.mail.to === "fiona@example.org")!.invite.description).toContain("Chatham House Rule");

    // Someone who joins later gets the invite of the session still to come, same UID and SEQUENCE.
    const chen = await joinDialogue(dialogue.id, facilitator, "chen@example.org");
    mails = await drain();
    const late = mails.filter((m) => m.to === "chen@example.org").map(inviteOf).filter(Boolean);
    expect(late).toEqual([expect.objectContaining({ method: "REQUEST", uid: session.uid, sequence: 0 })]);

    // A removed member's calendar loses it.
    await removeDialogueMember(facilitator, dialogue.id, chen.id);
    mails = await drain();
    expect(mails.map((m) => m.to)).toEqual(["chen@example.org"]);
    expect(inviteOf(mails[0])).toMatchObject({ method: "CANCEL", uid: session.uid, status: "CANCELLED" });

    // Cancelling: every remaining member, same UID, higher SEQUENCE.
    const cancelled = await cancelDialogueSession(facilitator, session.id);
    expect(cancelled.sequence).toBe(1);
    mails = await drain();
    expect(mails.map((m) => m.to).sort()).toEqual(["ana@example.org", "bintou@example.org", creator.email, "fiona@example.org"].sort());
    for (const m of mails) expect(inviteOf(m)).toMatchObject({ method: "CANCEL", uid: session.uid, sequence: 1, status: "CANCELLED" });
    expect(mails.find((m) => m.to === "bintou@example.org")!.parsed.subject).toBe("Annulée : Second round on recruitment fees");
    await expect(cancelDialogueSession(facilitator, session.id)).rejects.toMatchObject({ code: "CONFLICT" });
  });

  it("outcome notes: only after the session ended, once, to members in their language, naming no one", async () => {
    const creator = await makeUser({ role: "STAFF", name: "Creator Staff" });
    const dialogue = await makeDialogue(creator, { title: "Care chains", chathamHouse: true });
    const facilitator = await joinDialogue(dialogue.id, creator, "fac2@example.org", "FACILITATOR");
    const member = await joinDialogue(dialogue.id, facilitator, "mem2@example.org");
    await prisma().user.update({ where: { id: member.id }, data: { name: "Ana Ruiz", language: "FR" } });
    await prisma().user.update({ where: { id: facilitator.id }, data: { name: "Fiona Facilitada" } });
    const future = new Date(Date.now() + 86400_000);
    const upcoming = await scheduleDialogueSession(facilitator, dialogue.id, { title: "Not yet", startsAt: future, endsAt: new Date(future.getTime() + 3600_000), timeZone: "UTC" });
    await expect(publishSessionOutcome(facilitator, upcoming.id, { body: "Too early" })).rejects.toMatchObject({ code: "CONFLICT", key: "session_not_ended" });
    const past = new Date(Date.now() - 2 * 86400_000);
    const held = await scheduleDialogueSession(facilitator, dialogue.id, { title: "Held", startsAt: past, endsAt: new Date(past.getTime() + 3600_000), timeZone: "Europe/Paris" });
    await drain();
    await expect(publishSessionOutcome(member, held.id, { body: "Members cannot" })).rejects.toMatchObject({ code: "FORBIDDEN" });
    await expect(publishSessionOutcome(facilitator, held.id, { body: "  " })).rejects.toMatchObject({ code: "BAD_USER_INPUT" });
    const published = await publishSessionOutcome(facilitator, held.id, { body: "We agreed on **three** steps. <script>alert(1)</script>" });
    expect(published.notified).toBe(3);
    const rows = await prisma().outboxMessage.findMany({ where: { key: { startsWith: `dialogue-session:outcome:${held.id}` } } });
    expect(rows.map((r) => r.priority)).toEqual(["BULK", "BULK", "BULK"]);
    const mails = await drain();
    const fr = mails.find((m) => m.to === "mem2@example.org")!;
    expect(fr.parsed.subject).toBe("Conclusions de la séance : Held");
    expect(fr.parsed.html).toContain("<strong>three</strong>");
    expect(fr.parsed.html).not.toContain("<script>");
    expect(fr.parsed.text).toContain("règle de Chatham House");
    expect(icsOf(fr)).toBeUndefined();
    for (const m of mails) for (const name of NAMES) expect(m.raw, `${m.to}: ${name}`).not.toContain(name);
    await expect(publishSessionOutcome(facilitator, held.id, { body: "Again" })).rejects.toMatchObject({ code: "CONFLICT", key: "outcome_published" });
  });
});
