import { isTimeZone } from "./time-zones.ts";
import { readCookie } from "./session.server.ts";

const COOKIE = "gmh_tz";

/**
 * Pages carry no script to read the browser's zone, so a person picks it once (remembered in a cookie);
 * until then times are shown in each event's own zone.
 */
export function viewerTimeZone(request: Request): { timeZone: string | null; setCookie?: string } {
  const asked = new URL(request.url).searchParams.get("tz");
  if (asked && isTimeZone(asked)) return { timeZone: asked, setCookie: `${COOKIE}=${encodeURIComponent(asked)}; Path=/; Max-Age=31536000; SameSite=Lax` };
  const saved = readCookie(request, COOKIE);
  return { timeZone: saved && isTimeZone(saved) ? saved : null };
}
