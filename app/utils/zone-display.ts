import type { Lang } from "../i18n/index.ts";
import { zoneName } from "./time-zone-choices.ts";

const formats = new Map<string, Intl.DateTimeFormat>();
function format(lang: Lang, zone: string, kind: "day" | "time") {
  const key = `${lang}|${zone}|${kind}`;
  let f = formats.get(key);
  if (!f) {
    const time = { hour: "numeric", minute: "2-digit" } as const;
    f = new Intl.DateTimeFormat(lang, kind === "day" ? { weekday: "long", day: "numeric", month: "long", year: "numeric", ...time, timeZone: zone } : { ...time, timeZone: zone });
    formats.set(key, f);
  }
  return f;
}

const dayOf = (d: Date, zone: string) => new Intl.DateTimeFormat("en-CA", { timeZone: zone, dateStyle: "short" }).format(d);

/**
 * "Thursday 3 December 2026, 15:00 – 16:30 · Berlin (UTC+01:00)": people read a weekday and a city, not an IANA id
 * or a bare "GMT+1"; the offset is the one in force at the start, so daylight saving time is right.
 */
export function formatWhen(startsAt: Date, endsAt: Date, lang: Lang, zone: string) {
  const end = dayOf(startsAt, zone) === dayOf(endsAt, zone) ? format(lang, zone, "time") : format(lang, zone, "day");
  return `${format(lang, zone, "day").format(startsAt)} – ${end.format(endsAt)} · ${zoneName(zone, startsAt)}`;
}

/** One instant (a session's last use, a registration's date) in the person's zone, with the zone named. */
export function formatInstant(at: Date, lang: Lang, zone: string) {
  return `${format(lang, zone, "day").format(at)} · ${zoneName(zone, at)}`;
}
