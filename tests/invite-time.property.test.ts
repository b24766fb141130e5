import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { formatDateTime, LANGUAGES } from "../app/i18n/index.ts";
import { timeZones, zonedWallTimeToUtc } from "../app/utils/time-zones.ts";
import { buildCalendar } from "../emails/ics.ts";
import { webinarEmail } from "../emails/templates/webinars.tsx";
import { parseIcs } from "./helpers/ics.ts";

// Instants around the DST changes most partners live with, plus arbitrary ones.
const DST_EDGES = ["2027-03-14T02:30", "2027-03-28T02:30", "2027-10-31T01:30", "2027-11-07T01:30", "2027-04-04T02:30", "2027-09-05T00:30"];

describe("the time in an invite email is the ICS instant, in the recipient's zone", () => {
  it("holds for random zones, languages and DST boundaries (property)", () => {
    const zones = timeZones();
    const instant = fc.oneof(
      fc.tuple(fc.constantFrom(...DST_EDGES), fc.constantFrom(...zones), fc.integer({ min: -90, max: 90 })).map(
        ([wall, zone, minutes]) => new Date(zonedWallTimeToUtc(wall, zone)!.getTime() + minutes * 60_000),
      ),
      fc.date({ min: new Date("2026-01-01T00:00:00Z"), max: new Date("2032-12-31T00:00:00Z"), noInvalidDate: true }).map((d) => new Date(Math.floor(d.getTime() / 60_000) * 60_000)),
    );
    fc.assert(
      fc.property(instant, fc.constantFrom(...zones), fc.constantFrom(...zones), fc.constantFrom(...LANGUAGES), (startsAt, eventZone, recipientZone, lang) => {
        const endsAt = new Date(startsAt.getTime() + 3600_000);
        const ics = buildCalendar({
          method: "REQUEST",
          organizer: { name: "GenMig Hub", email: "hub@example.org" },
          attendee: { email: "p@example.org", name: "P" },
          events: [{ uid: "u@example.org", sequence: 3, startsAt, endsAt, title: "T", description: "", url: "https://hub.example.org/j/x", cancelled: false }],
        });
        const parsed = parseIcs(ics);
        expect(parsed.start.getTime()).toBe(startsAt.getTime());
        const mail = webinarEmail("confirmed", { lang, title: "T", startsAt, endsAt, eventTimeZone: eventZone, recipientTimeZone: recipientZone, pageUrl: "https://hub.example.org/w" });
        expect(mail.text).toContain(formatDateTime(parsed.start, lang, recipientZone));
        expect(mail.text).toContain(recipientZone);
        if (eventZone !== recipientZone) expect(mail.text).toContain(eventZone);
      }),
      { numRuns: 300 },
    );
  });
});
