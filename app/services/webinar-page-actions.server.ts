import type { WebinarsUiKey } from "../i18n/ui/webinars.ts";
import { runForm } from "../utils/forms.server.ts";
import type { Actor } from "./policy.server.ts";
import type { Requester } from "./rate-limit.server.ts";
import { registerForWebinar } from "./webinar-registrations.server.ts";

export type Notice = { ok: true; notice: WebinarsUiKey; vars?: Record<string, string | number> };

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
          demographics: { gender: values.gender, genderDescription: values.genderDescription, ageBand: values.ageBand },
          answers: Object.fromEntries(Object.entries(values).filter(([k]) => /^answer_q[1-9]$/.test(k)).map(([k, v]) => [k.slice(7), v])),
        }, undefined, requester);
        return { ok: true, notice: REGISTERED[reg.status] ?? "registered_pending", vars: { email: reg.email } };
      }
      default:
        throw new Response(null, { status: 400 });
    }
  }, values);
}
