import { isTimeZone } from "./time-zones.ts";

export type Region = "africa" | "americas" | "asia" | "europe" | "pacific";

/**
 * The zones people of the network actually pick, by region: a short list instead of all ~420 IANA names on every
 * page. Any valid zone still works (typed in a link, kept from a profile, saved on a webinar): pickers add the
 * current one when it is not listed here.
 */
const COMMON: Record<Region, string[]> = {
  africa: [
    "Africa/Abidjan", "Africa/Accra", "Africa/Addis_Ababa", "Africa/Algiers", "Africa/Bamako", "Africa/Cairo",
    "Africa/Casablanca", "Africa/Dakar", "Africa/Dar_es_Salaam", "Africa/Harare", "Africa/Johannesburg", "Africa/Kampala",
    "Africa/Khartoum", "Africa/Kinshasa", "Africa/Lagos", "Africa/Luanda", "Africa/Maputo", "Africa/Mogadishu",
    "Africa/Nairobi", "Africa/Ndjamena", "Africa/Niamey", "Africa/Tripoli", "Africa/Tunis",
  ],
  americas: [
    "America/Argentina/Buenos_Aires", "America/Bogota", "America/Caracas", "America/Chicago", "America/Denver",
    "America/El_Salvador", "America/Guatemala", "America/Havana", "America/La_Paz", "America/Lima", "America/Los_Angeles",
    "America/Mexico_City", "America/New_York", "America/Panama", "America/Port-au-Prince", "America/Santiago",
    "America/Santo_Domingo", "America/Sao_Paulo", "America/Tegucigalpa", "America/Toronto",
  ],
  asia: [
    "Asia/Amman", "Asia/Baghdad", "Asia/Bangkok", "Asia/Beirut", "Asia/Damascus", "Asia/Dhaka", "Asia/Dubai",
    "Asia/Hong_Kong", "Asia/Jakarta", "Asia/Kabul", "Asia/Karachi", "Asia/Kathmandu", "Asia/Kolkata", "Asia/Kuala_Lumpur",
    "Asia/Manila", "Asia/Riyadh", "Asia/Seoul", "Asia/Shanghai", "Asia/Singapore", "Asia/Tehran", "Asia/Tokyo", "Asia/Yangon",
  ],
  europe: [
    "Europe/Athens", "Europe/Berlin", "Europe/Brussels", "Europe/Istanbul", "Europe/Kyiv", "Europe/Lisbon", "Europe/London",
    "Europe/Madrid", "Europe/Moscow", "Europe/Paris", "Europe/Rome", "Europe/Stockholm", "Europe/Vienna", "Europe/Warsaw",
    "Europe/Zurich",
  ],
  pacific: ["Australia/Perth", "Australia/Sydney", "Pacific/Auckland", "Pacific/Fiji", "Pacific/Port_Moresby"],
};

export interface ZoneChoice {
  id: string;
  /** "(UTC+01:00) Paris": the offset at the time the list was built. */
  label: string;
}

export interface ZoneGroup {
  region: Region | "utc";
  zones: ZoneChoice[];
}

function offsetLabel(zone: string, at: Date) {
  const name = new Intl.DateTimeFormat("en-US", { timeZone: zone, timeZoneName: "longOffset" }).formatToParts(at).find((p) => p.type === "timeZoneName")?.value ?? "GMT";
  const offset = name === "GMT" ? "+00:00" : name.slice(3);
  return { offset, minutes: (offset.startsWith("-") ? -1 : 1) * (Number(offset.slice(1, 3)) * 60 + Number(offset.slice(4, 6))) };
}

/** "+01:00" at a given instant (so a summer event shows its summer offset). */
export const utcOffset = (zone: string, at = new Date()) => offsetLabel(zone, at).offset;

/** "Berlin (UTC+01:00)": the zone's city, readable, and its offset at that instant. */
export function zoneName(zone: string, at = new Date()) {
  if (zone === "UTC") return "UTC";
  return `${zone.split("/").at(-1)!.replace(/_/g, " ")} (UTC${utcOffset(zone, at)})`;
}

export function zoneChoice(zone: string, at = new Date()): ZoneChoice {
  return { id: zone, label: `(UTC${offsetLabel(zone, at).offset}) ${zone.split("/").at(-1)!.replace(/_/g, " ")}` };
}

let built: { hour: number; groups: ZoneGroup[] } | undefined;

/** Grouped by region, ordered by offset; rebuilt hourly so that offsets follow daylight saving time. */
export function timeZoneGroups(now = new Date()): ZoneGroup[] {
  const hour = Math.floor(now.getTime() / 3600_000);
  if (built?.hour === hour) return built.groups;
  const groups: ZoneGroup[] = [{ region: "utc", zones: [{ id: "UTC", label: "(UTC+00:00) UTC" }] }];
  for (const [region, zones] of Object.entries(COMMON) as [Region, string[]][]) {
    const choices = zones
      .filter(isTimeZone)
      .map((id) => ({ id, minutes: offsetLabel(id, now).minutes, choice: zoneChoice(id, now) }))
      .sort((a, b) => a.minutes - b.minutes || a.choice.label.localeCompare(b.choice.label))
      .map((z) => z.choice);
    groups.push({ region, zones: choices });
  }
  built = { hour, groups };
  return groups;
}

export function isCommonZone(zone: string) {
  return zone === "UTC" || Object.values(COMMON).some((zones) => zones.includes(zone));
}
