import type { WebinarsUiKey } from "../i18n/ui/webinars.ts";
import { runForm } from "../utils/forms.server.ts";
import type { Actor } from "./policy.server.ts";
import type { Requester } from "./rate-limit.server.ts";
import { importAttendanceCsv, recordAttendance, sendWebinarFollowUp } from "./webinar-followup.server.ts";
import { approveWebinarRegistration, denyWebinarRegistration, registerForWebinar } from "./webinar-registrations.server.ts";
import { cancelWebinar } from "./webinars.server.ts";

type Notice = { ok: true; notice: WebinarsUiKey; vars?: Record<string, string | number> };

const REGISTERED: Record<string, WebinarsUiKey> = {
  CONFIRMED: "registered_confirmed",
  WAITLISTED: "registered_waitlisted",
  PENDING_APPROVAL: "registered_pending",
  UNCONFIRMED: "registered_unconfirmed",
};

/** The webinar page's forms, each mapped to its one use case; AppErrors come back as field messages. */
export function webinarPageAction(actor: Actor, id: string, form: FormData, requester?: Requester) {
  const values = Object.fromEntries([...form].map(([k, v]) => [k, String(v)]));
  const checked = (name: string) => form.get(name) === "on";
  return runForm(async (): Promise<Notice> => {
    switch (values.intent) {
      case "register": {
        const reg = await registerForWebinar(actor, id, {
          email: values.email,
          name: values.name,
          institution: values.institution,
          country: values.country,
          captions: checked("captions"),
          signLanguage: checked("signLanguage"),
          interpretationLanguage: values.interpretationLanguage,
          language: values.language,
          timeZone: values.timeZone,
        }, undefined, requester);
        return { ok: true, notice: REGISTERED[reg.status] ?? "registered_pending", vars: { email: reg.email } };
      }
      case "attendance": {
        const [verdict, regId] = (values.decide ?? "").split(":");
        if (verdict === "approve") await approveWebinarRegistration(actor, regId);
        else if (verdict === "deny") await denyWebinarRegistration(actor, regId, values.denialMessage);
        else {
          // Only the confirmed rows the page showed: registrations on other pages keep their attendance.
          const present = new Set(form.getAll("attended").map(String));
          const shown = [...new Set(form.getAll("shown").map(String))];
          await recordAttendance(actor, id, shown.map((registrationId) => ({ registrationId, attended: present.has(registrationId) })));
        }
        return { ok: true, notice: "saved" };
      }
      case "import": {
        const r = await importAttendanceCsv(actor, id, values.csv ?? "");
        return { ok: true, notice: "import_result", vars: { attended: r.attended, noShows: r.noShows, unmatched: r.unmatched.length } };
      }
      case "followup": {
        const r = await sendWebinarFollowUp(actor, id, { attended: values.attendedMessage, noShow: values.noShowMessage });
        return { ok: true, notice: "followup_sent", vars: { sent: r.sent } };
      }
      case "cancel-webinar":
        await cancelWebinar(actor, id, values.reason);
        return { ok: true, notice: "webinar_cancelled" };
      default:
        throw new Response(null, { status: 400 });
    }
  }, values);
}
