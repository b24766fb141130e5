import type { Actor } from "../services/policy.server.ts";
import { lastChosenZone } from "../services/my-registrations.server.ts";
import { viewerTimeZone } from "./viewer-time-zone.server.ts";

/**
 * The zone staff pages show times in: the one the reader picked (cookie), else the one they last registered
 * with, else UTC (named on every time, so it is never mistaken for local time).
 */
export async function readerZone(request: Request, actor: Actor): Promise<string> {
  return viewerTimeZone(request).timeZone ?? (await lastChosenZone(actor)) ?? "UTC";
}
