import { fromDbLanguage, LANGUAGES } from "../../i18n/index.ts";
import { AppError, notFound } from "../errors.ts";
import { authorize, type Actor } from "../policy.server.ts";
import { recordAudit } from "../audit.server.ts";
import { scheduleWebinar, type ScheduleOptions } from "../webinars.server.ts";
import { visibleRequest, type SupportRequestView } from "./access.server.ts";

/** Only an accepted event-support request, not yet scheduled, becomes a webinar. */
function assertSchedulable(r: SupportRequestView) {
  if (r.type !== "EVENT_SUPPORT" || r.status !== "ACCEPTED") throw new AppError("CONFLICT", "request_not_schedulable");
  if (r.webinarId) throw new AppError("CONFLICT", "request_already_scheduled");
}

// The request gives days, not hours: the form starts at these times in the organiser's zone, to be adjusted.
const DEFAULT_START = "14:00";
const DEFAULT_END = "15:30";

/**
 * The schedule form's values from an accepted event-support request: the requester's title and purpose in every
 * language the event is to be held in (the team translates them), and its first day.
 */
export async function webinarPrefill(actor: Actor, requestId: string) {
  authorize(actor, { do: "supportRequest.manage" });
  const r = await visibleRequest(actor, requestId);
  assertSchedulable(r);
  const langs = r.languages.map(fromDbLanguage).filter((l) => l !== undefined);
  const values: Record<string, string> = {};
  for (const l of LANGUAGES.filter((x) => (langs.length ? langs.includes(x) : x === fromDbLanguage(r.language)))) {
    values[`title_${l}`] = r.title ?? "";
    values[`description_${l}`] = r.purpose ?? "";
  }
  const first = r.startsOn!.toISOString().slice(0, 10);
  values.startsAt = `${first}T${DEFAULT_START}`;
  values.endsAt = `${first}T${DEFAULT_END}`;
  return { request: r, values };
}

/** Schedules the webinar and links it to the request in one transaction; a second attempt is CONFLICT. */
export async function scheduleWebinarFromRequest(actor: Actor, requestId: string, input: unknown, opts: ScheduleOptions = {}) {
  authorize(actor, { do: "supportRequest.manage" });
  assertSchedulable(await visibleRequest(actor, requestId));
  return scheduleWebinar(actor, input, {
    ...opts,
    within: async (tx, webinar) => {
      // Guarded by the row's current state, so two staff members scheduling at once make one webinar.
      const linked = await tx.supportRequest.updateMany({
        where: { id: requestId, webinarId: null, status: "ACCEPTED", type: "EVENT_SUPPORT" },
        data: { webinarId: webinar.id },
      });
      if (linked.count !== 1) {
        const still = await tx.supportRequest.findUnique({ where: { id: requestId }, select: { id: true } });
        throw still ? new AppError("CONFLICT", "request_already_scheduled") : notFound();
      }
      await recordAudit(tx, actor, "supportRequest.webinarScheduled", { type: "SupportRequest", id: requestId }, { webinarId: webinar.id });
    },
  });
}
