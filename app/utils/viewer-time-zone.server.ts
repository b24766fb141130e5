import { isTimeZone } from "./time-zones.ts";
import { readCookie } from "./session.server.ts";

const COOKIE = "gmh_tz";

/**
 * The zone a person picked (on a picker, remembered in a cookie, or while registering). Until then pages name
 * the event's zone as the event's, and forms ask (pre-filled by the browser-zone script when scripts run).
 */
export function viewerTimeZone(request: Request): { timeZone: string | null; setCookie?: string } {
  const asked = new URL(request.url).searchParams.get("tz");
  if (asked && isTimeZone(asked)) return { timeZone: asked, setCookie: zoneCookie(asked) };
  const saved = readCookie(request, COOKIE);
  return { timeZone: saved && isTimeZone(saved) ? saved : null };
}

/** Remembers a zone the person chose (on a picker or while registering) for a year. */
export const zoneCookie = (zone: string) => `${COOKIE}=${encodeURIComponent(zone)}; Path=/; Max-Age=31536000; SameSite=Lax`;
