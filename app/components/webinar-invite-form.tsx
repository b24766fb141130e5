import { Form } from "@remix-run/react";
import { Field } from "./fields.tsx";
import { journeysUi } from "../i18n/ui/journeys.ts";
import { LANGUAGE_NAMES, LANGUAGES } from "../i18n/index.ts";
import type { FormFailure } from "../utils/forms.server.ts";
import { useLang, useT } from "../utils/i18n.ts";

/** Staff: invited-only webinars are joined through this list (each invitee gets a registration and its emails). */
export function WebinarInviteForm({ partners, failure }: { partners: { id: string; name: string; _count: { members: number } }[]; failure: FormFailure | null }) {
  const t = useT(journeysUi);
  const v = failure?.values ?? {};
  const lang = useLang();
  return (
    <section className="card" aria-labelledby="invite-title">
      <h2 id="invite-title">{t("invite_title")}</h2>
      <p className="hint">{t("invite_intro")}</p>
      <Form method="post">
        <input type="hidden" name="intent" value="invite" />
        <Field name="emails" label={t("invite_emails")} errors={failure?.fieldErrors}>
          {(a) => <textarea {...a} rows={4} defaultValue={v.emails} />}
        </Field>
        <Field name="partnerId" label={t("invite_partner")} errors={failure?.fieldErrors}>
          {(a) => (
            <select {...a} defaultValue={v.partnerId ?? ""}>
              <option value="">—</option>
              {partners.map((p) => (
                <option key={p.id} value={p.id}>
                  {p.name} ({p._count.members})
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field name="language" label={t("invite_language")} errors={failure?.fieldErrors}>
          {(a) => (
            <select {...a} defaultValue={v.language ?? lang}>
              {LANGUAGES.map((l) => (
                <option key={l} value={l}>
                  {LANGUAGE_NAMES[l]}
                </option>
              ))}
            </select>
          )}
        </Field>
        <p>
          <button type="submit">{t("invite_button")}</button>
        </p>
      </Form>
    </section>
  );
}
