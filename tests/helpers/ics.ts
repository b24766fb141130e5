import ICAL from "ical.js";

export interface ParsedInvite {
  method: string;
  uid: string;
  sequence: number;
  status: string;
  attendees: string[];
  organizer: string;
  start: Date;
  startIsUtc: boolean;
  url: string;
  events: number;
}

/** Parses an invite with Mozilla's ical.js (the engine Thunderbird uses) and extracts what calendars act on. */
export function parseIcs(text: string): ParsedInvite {
  const calendar = new ICAL.Component(ICAL.parse(text));
  const events = calendar.getAllSubcomponents("vevent");
  const vevent = events[0];
  const start = vevent.getFirstPropertyValue("dtstart") as ICAL.Time;
  return {
    method: String(calendar.getFirstPropertyValue("method")),
    uid: String(vevent.getFirstPropertyValue("uid")),
    sequence: Number(vevent.getFirstPropertyValue("sequence")),
    status: String(vevent.getFirstPropertyValue("status")),
    attendees: vevent.getAllProperties("attendee").map((p) => String(p.getFirstValue()).replace(/^mailto:/i, "").toLowerCase()),
    organizer: String(vevent.getFirstPropertyValue("organizer")),
    start: start.toJSDate(),
    startIsUtc: start.zone?.tzid === "UTC",
    url: String(vevent.getFirstPropertyValue("url") ?? ""),
    events: events.length,
  };
}
