import type { Actor } from "../services/policy.server.ts";
import { viewerTimeZone } from "./viewer-time-zone.server.ts";

/** The zone stored on the account (ADR 0050): the last one the person picked or registered with. */
export const accountZone = (actor: Actor) => (actor.kind === "user" ? (actor.timeZone ?? null) : null);

/**
 * The zone staff pages show times in: the one the reader picked (cookie), else the account's, else UTC (named on
 * every time, so it is never mistaken for local time).
 */
export async function readerZone(request: Request, actor: Actor): Promise<string> {
  return viewerTimeZone(request).timeZone ?? accountZone(actor) ?? "UTC";
}
