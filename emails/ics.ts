import ical, { ICalAttendeeRole, ICalAttendeeStatus, ICalCalendarMethod, ICalEventStatus } from "ical-generator";

export type IcsMethod = "REQUEST" | "CANCEL" | "PUBLISH";

export interface IcsEvent {
  uid: string;
  sequence: number;
  startsAt: Date;
  endsAt: Date;
  title: string;
  description: string;
  url: string;
  cancelled: boolean;
  /** Where people meet (a room, or the meeting link); the event's page URL when not given. */
  location?: string;
}

export interface IcsOrganizer {
  name: string;
  email: string;
}

const METHOD: Record<IcsMethod, ICalCalendarMethod> = {
  REQUEST: ICalCalendarMethod.REQUEST,
  CANCEL: ICalCalendarMethod.CANCEL,
  PUBLISH: ICalCalendarMethod.PUBLISH,
};

/**
 * The only place calendars are built (RFC 5545/5546), for webinars and dialogue sessions: UTC times, the event's lifelong UID and current SEQUENCE,
 * CANCEL always with STATUS:CANCELLED, and at most one ATTENDEE — the recipient — so no invite leaks other emails.
 */
export function buildCalendar(opts: {
  method: IcsMethod;
  organizer: IcsOrganizer;
  events: IcsEvent[];
  /** The recipient alone. Without a name (Chatham House) the line carries the address only. */
  attendee?: { email: string; name?: string };
  name?: string;
  /** DTSTAMP; by default now. A feed passes the time of its last change, so the same content is the same bytes. */
  stamp?: Date;
}): string {
  const calendar = ical({ method: METHOD[opts.method], prodId: { company: "GenMig Hub", product: "Webinars", language: "EN" }, name: opts.name });
  const stamp = opts.stamp ?? new Date();
  for (const e of opts.events) {
    const cancelled = opts.method === "CANCEL" || e.cancelled;
    calendar.createEvent({
      id: e.uid,
      sequence: e.sequence,
      stamp,
      start: e.startsAt,
      end: e.endsAt,
      summary: e.title,
      description: e.description,
      url: e.url,
      location: e.location ?? e.url,
      status: cancelled ? ICalEventStatus.CANCELLED : ICalEventStatus.CONFIRMED,
      organizer: opts.organizer,
      attendees: opts.attendee
        ? [
            {
              email: opts.attendee.email,
              ...(opts.attendee.name ? { name: opts.attendee.name } : {}),
              role: ICalAttendeeRole.REQ,
              status: cancelled ? ICalAttendeeStatus.DECLINED : ICalAttendeeStatus.ACCEPTED,
            },
          ]
        : [],
    });
  }
  return calendar.toString();
}
