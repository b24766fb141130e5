import { Form } from "@remix-run/react";
import { dialogueActivityUi } from "../i18n/ui/dialogue-activity.ts";
import { dialoguesUi } from "../i18n/ui/dialogues.ts";
import type { FormFailure } from "../utils/forms.server.ts";
import { useT } from "../utils/i18n.ts";
import { Field } from "./fields.tsx";

const CHOICES = ["IMMEDIATE", "DAILY", "WEEKLY", "NEVER"] as const;
type Choice = (typeof CHOICES)[number];

/** A member's own email setting for this dialogue: radio buttons, one submit, no script. */
export function NotificationSetting({ value, saved, failure }: { value: Choice; saved: boolean; failure: FormFailure | null }) {
  const t = useT(dialogueActivityUi);
  const current = (failure?.values?.notify as Choice | undefined) ?? value;
  return (
    <section className="card" id="notifications" aria-labelledby="notify-title" data-notifications>
      <h2 id="notify-title">{t("notify_title")}</h2>
      {saved ? <p role="status">{t("notify_saved")}</p> : null}
      <Form method="post">
        <input type="hidden" name="intent" value="notify" />
        <fieldset>
          <legend>{t("notify_label")}</legend>
          {CHOICES.map((c) => (
            <label key={c} className="check">
              <input type="radio" id={`notify-${c}`} name="notify" value={c} defaultChecked={current === c} />
              {t(`notify_${c}`)}
            </label>
          ))}
        </fieldset>
        <p>
          <button type="submit">{t("notify_save")}</button>
        </p>
      </Form>
    </section>
  );
}

/** Facilitators: an invitation to each focal point of an approved institution. */
export function InstitutionInviteForm({ institutions, done, failure }: { institutions: { id: string; name: string }[]; done: string | null; failure: FormFailure | null }) {
  const t = useT(dialogueActivityUi);
  const ui = useT(dialoguesUi);
  if (!institutions.length) return null;
  const v = (failure?.values ?? {}) as Record<string, string>;
  return (
    <>
      <h3>{t("invite_institution")}</h3>
      {done ? <p role="status">{t("invited_institution", { name: done })}</p> : null}
      <Form method="post">
        <input type="hidden" name="intent" value="invite-institution" />
        <Field name="partnerId" label={t("invite_institution_label")} errors={failure?.fieldErrors}>
          {(a) => (
            <select {...a} defaultValue={v.partnerId ?? ""} required>
              <option value="">{t("invite_institution_choose")}</option>
              {institutions.map((p) => (
                <option key={p.id} value={p.id}>
                  {p.name}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field name="institutionRole" label={ui("invite_role")} errors={failure?.fieldErrors}>
          {(a) => (
            <select {...a} defaultValue={v.institutionRole ?? "MEMBER"}>
              <option value="MEMBER">{ui("member")}</option>
              <option value="FACILITATOR">{ui("facilitator")}</option>
            </select>
          )}
        </Field>
        <p>
          <button type="submit">{t("invite_institution_button")}</button>
        </p>
      </Form>
    </>
  );
}
