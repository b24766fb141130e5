export interface CalendarLinkEvent {
  title: string;
  description: string;
  startsAt: Date;
  endsAt: Date;
  url: string;
}

const compact = (d: Date) => d.toISOString().replace(/[-:]/g, "").replace(/\.\d{3}/, "");

/** "Add to calendar" links for the web calendars partners use; the .ics download covers every other app. */
export function calendarLinks(e: CalendarLinkEvent) {
  const details = `${e.description}\n\n${e.url}`.trim();
  const outlook = (host: string) =>
    `https://${host}/calendar/0/deeplink/compose?${new URLSearchParams({
      path: "/calendar/action/compose",
      rru: "addevent",
      subject: e.title,
      startdt: e.startsAt.toISOString(),
      enddt: e.endsAt.toISOString(),
      body: details,
      location: e.url,
    })}`;
  return {
    google: `https://calendar.google.com/calendar/render?${new URLSearchParams({
      action: "TEMPLATE",
      text: e.title,
      dates: `${compact(e.startsAt)}/${compact(e.endsAt)}`,
      details,
      location: e.url,
    })}`,
    outlook: outlook("outlook.live.com"),
    office365: outlook("outlook.office.com"),
    yahoo: `https://calendar.yahoo.com/?${new URLSearchParams({
      v: "60",
      title: e.title,
      st: compact(e.startsAt),
      et: compact(e.endsAt),
      desc: details,
      in_loc: e.url,
    })}`,
  };
}
