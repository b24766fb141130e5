import ICAL from "ical.js";
import { describe, expect, it } from "vitest";
import { leaveDialogue } from "../app/services/dialogues/membership.server.ts";
import { scheduleDialogueSession } from "../app/services/dialogues/sessions.server.ts";
import { calendarFeedSecret } from "../app/services/webinar-calendars.server.ts";
import { registerForWebinar } from "../app/services/webinar-registrations.server.ts";
import { scheduleWebinar, updateWebinar } from "../app/services/webinars.server.ts";
import { joinDialogue, makeDialogue } from "./dialogues/factories.ts";
import { makeUser } from "./factories.ts";
import { Client } from "./helpers/app.ts";

/** The feed's events as a calendar app reads them (ical.js): UID → [SUMMARY, SEQUENCE]. */
function eventsOf(ics: string) {
  const calendar = new ICAL.Component(ICAL.parse(ics));
  return Object.fromEntries(
    calendar.getAllSubcomponents("vevent").map((e) => [String(e.getFirstPropertyValue("uid")), [String(e.getFirstPropertyValue("summary")), Number(e.getFirstPropertyValue("sequence"))]]),
  );
}

describe("the personal calendar feed", () => {
  it("holds the person's webinars and dialogue sessions, and answers 304 while nothing changed", async () => {
    const staff = await makeUser({ role: "STAFF" });
    const start = new Date(Date.now() + 3 * 86400_000);
    start.setUTCMinutes(0, 0, 0);
    const webinar = await scheduleWebinar(staff, {
      translations: [{ language: "en", title: "Feed webinar" }],
      startsAt: start,
      endsAt: new Date(start.getTime() + 3600_000),
      timeZone: "UTC",
      meetingUrl: "https://meet.example.org/f",
    });
    const dialogue = await makeDialogue(staff, { title: "Feed dialogue", chathamHouse: true });
    const facilitator = await joinDialogue(dialogue.id, staff, "fac.feed@example.org", "FACILITATOR");
    const person = await joinDialogue(dialogue.id, facilitator, "kim.feed@example.org");
    const session = await scheduleDialogueSession(facilitator, dialogue.id, {
      title: "Feed session",
      agenda: "",
      startsAt: new Date(start.getTime() + 86400_000),
      endsAt: new Date(start.getTime() + 86400_000 + 3600_000),
      timeZone: "UTC",
      location: "Room 2",
    });
    // Another dialogue's session, which this person is not in, never shows.
    const other = await makeDialogue(staff, { title: "Not theirs" });
    const otherFacilitator = await joinDialogue(other.id, staff, "fac2.feed@example.org", "FACILITATOR");
    await scheduleDialogueSession(otherFacilitator, other.id, { title: "Secret session", agenda: "", startsAt: start, endsAt: new Date(start.getTime() + 3600_000), timeZone: "UTC" });
    await registerForWebinar(person, webinar.id, { timeZone: "UTC" });

    const url = `/calendar/${await calendarFeedSecret(person)}.ics`;
    const client = new Client();
    const first = await client.get(url);
    expect(first.status).toBe(200);
    expect(first.headers.get("content-type")).toMatch(/^text\/calendar/);
    expect(first.headers.get("cache-control")).toMatch(/private/);
    const etag = first.headers.get("etag")!;
    expect(etag).toMatch(/^"[\w-]+"$/);
    expect(new Date(first.headers.get("last-modified")!).getTime()).not.toBeNaN();
    const body = await first.text();
    expect(eventsOf(body)).toEqual({ [webinar.uid]: ["Feed webinar", 0], [session.uid]: ["Feed session", 0] });
    expect(body).not.toContain("Secret session");

    // Polling again: the same bytes, and a conditional request gets 304 with no body.
    const again = await client.get(url);
    expect(again.headers.get("etag")).toBe(etag);
    expect(await again.text()).toBe(body);
    const notModified = await client.fetch(url, { headers: { "if-none-match": etag } });
    expect(notModified.status).toBe(304);
    expect(await notModified.text()).toBe("");
    expect(notModified.headers.get("etag")).toBe(etag);
    expect((await client.fetch(url, { headers: { "if-none-match": '"something-else"' } })).status).toBe(200);

    // A change to the webinar changes the feed and its validator.
    await updateWebinar(staff, webinar.id, { startsAt: new Date(start.getTime() + 7200_000), endsAt: new Date(start.getTime() + 3 * 3600_000) });
    const changed = await client.fetch(url, { headers: { "if-none-match": etag } });
    expect(changed.status).toBe(200);
    expect(changed.headers.get("etag")).not.toBe(etag);
    expect(eventsOf(await changed.text())[webinar.uid]).toEqual(["Feed webinar", 1]);

    // Leaving the dialogue takes its sessions out of the feed, even for a client holding the old validator.
    const before = changed.headers.get("etag")!;
    await leaveDialogue(person, dialogue.id);
    const left = await client.fetch(url, { headers: { "if-none-match": before } });
    expect(left.status).toBe(200);
    expect(Object.keys(eventsOf(await left.text()))).toEqual([webinar.uid]);
  });
});
