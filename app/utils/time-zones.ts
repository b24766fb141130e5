const ZONES = new Set(Intl.supportedValuesOf("timeZone"));

export function isTimeZone(value: string): boolean {
  if (value === "UTC" || ZONES.has(value)) return true;
  try {
    new Intl.DateTimeFormat("en", { timeZone: value });
    return true;
  } catch {
    return false;
  }
}

export function timeZones(): string[] {
  return ["UTC", ...ZONES].filter((z, i, all) => all.indexOf(z) === i);
}

/** Offset of `timeZone` from UTC at `instant`, in minutes. */
function offsetMinutes(instant: Date, timeZone: string) {
  const parts = new Intl.DateTimeFormat("en-US", {
    timeZone,
    hourCycle: "h23",
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
    second: "2-digit",
  }).formatToParts(instant);
  const get = (t: string) => Number(parts.find((p) => p.type === t)?.value);
  const asUtc = Date.UTC(get("year"), get("month") - 1, get("day"), get("hour"), get("minute"), get("second"));
  return Math.round((asUtc - Math.floor(instant.getTime() / 1000) * 1000) / 60000);
}

/**
 * The UTC instant of a wall-clock time ("2027-03-28T10:30") in a zone. In a DST gap the time is moved forward
 * by the gap, in an overlap the earlier instant is chosen — what calendar apps do.
 */
export function zonedWallTimeToUtc(local: string, timeZone: string): Date | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/.exec(local);
  if (!m) return null;
  const wall = Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +(m[6] ?? 0));
  let guess = wall - offsetMinutes(new Date(wall), timeZone) * 60000;
  guess = wall - offsetMinutes(new Date(guess), timeZone) * 60000;
  const earlier = wall - offsetMinutes(new Date(guess - 3600_000 * 3), timeZone) * 60000;
  if (earlier < guess && utcToZonedWallTime(new Date(earlier), timeZone) === local.slice(0, 16)) return new Date(earlier);
  return new Date(guess);
}

/** "YYYY-MM-DDTHH:mm" wall-clock time of an instant in a zone (for datetime-local inputs). */
export function utcToZonedWallTime(instant: Date, timeZone: string): string {
  const shifted = new Date(instant.getTime() + offsetMinutes(instant, timeZone) * 60000);
  return shifted.toISOString().slice(0, 16);
}
