import { LANGUAGES } from "../i18n/index.ts";
import { runForm } from "../utils/forms.server.ts";
import { AppError } from "./errors.ts";
import type { Actor } from "./policy.server.ts";
import { plural, type ManageUiKey } from "../i18n/ui/webinar-manage.ts";
import { importAttendanceCsv, recordAttendance, sendWebinarFollowUp } from "./webinar-followup.server.ts";
import { messageRegistrants } from "./webinar-manage.server.ts";
import { approveWebinarRegistration, cancelWebinarRegistration, denyWebinarRegistration } from "./webinar-registrations.server.ts";
import { cancelWebinar } from "./webinars.server.ts";

type ManageNotice = { ok: true; notice: ManageUiKey; vars?: Record<string, string | number> };

/** Destructive steps need the second, explicit step of their confirmation page. */
function confirmed(values: Record<string, string>) {
  if (values.confirmed !== "yes") throw new AppError("BAD_USER_INPUT", "confirm_required");
}

/** The Manage view's forms, each mapped to its one use case; AppErrors come back as field messages. */
export function webinarManageAction(actor: Actor, id: string, form: FormData) {
  const values = Object.fromEntries([...form].map(([k, v]) => [k, String(v)]));
  return runForm(async (): Promise<ManageNotice> => {
    switch (values.intent) {
      case "attendance": {
        const [verdict, regId] = (values.decide ?? "").split(":");
        if (verdict === "approve") {
          const r = await approveWebinarRegistration(actor, regId);
          return { ok: true, notice: r.status === "WAITLISTED" ? "approved_waitlisted_notice" : "approved_notice", vars: { name: r.name } };
        }
        if (verdict === "deny") {
          const r = await denyWebinarRegistration(actor, regId, values.denialMessage);
          return { ok: true, notice: "denied_notice", vars: { name: r.name } };
        }
        // Only the confirmed rows the page showed: registrations on other pages keep their attendance.
        const present = new Set(form.getAll("attended").map(String));
        const shown = [...new Set(form.getAll("shown").map(String))];
        await recordAttendance(actor, id, shown.map((registrationId) => ({ registrationId, attended: present.has(registrationId) })));
        return { ok: true, notice: plural("attendance_saved", shown.length), vars: { count: shown.length } };
      }
      case "import": {
        const r = await importAttendanceCsv(actor, id, values.csv ?? "");
        return { ok: true, notice: "import_result", vars: { attended: r.attended, noShows: r.noShows, unmatched: r.unmatched.length } };
      }
      case "followup": {
        const r = await sendWebinarFollowUp(actor, id, { attended: values.attendedMessage, noShow: values.noShowMessage });
        return { ok: true, notice: plural("followup_sent", r.sent), vars: { count: r.sent } };
      }
      case "message": {
        const messages = Object.fromEntries(LANGUAGES.map((l) => [l, values[`message_${l}`]]));
        const r = await messageRegistrants(actor, id, { groups: form.getAll("groups").map(String), messages });
        return { ok: true, notice: plural("message_sent", r.sent), vars: { count: r.sent } };
      }
      case "cancel-registration": {
        confirmed(values);
        const r = await cancelWebinarRegistration(actor, values.registrationId ?? "");
        return { ok: true, notice: "registration_cancelled_notice", vars: { name: r.name } };
      }
      case "cancel-webinar": {
        confirmed(values);
        const w = await cancelWebinar(actor, id, values.reason);
        return { ok: true, notice: plural("webinar_cancelled_notice", w.notified), vars: { count: w.notified } };
      }
      default:
        throw new Response(null, { status: 400 });
    }
  }, values);
}
