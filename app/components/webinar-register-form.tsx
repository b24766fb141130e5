import { Form } from "@remix-run/react";
import { Field } from "./fields.tsx";
import { TimeZoneOptions } from "./time-zone-options.tsx";
import { webinarsUi } from "../i18n/ui/webinars.ts";
import type { FormFailure } from "../utils/forms.server.ts";
import { useLang, useT } from "../utils/i18n.ts";

export interface RegisterFormProps {
  signedInAs: string | null;
  ask: { institution: boolean; country: boolean; accessNeeds: boolean };
  /** The organiser's own questions (optional to answer), after the fixed ones. */
  questions?: { id: string; label: string }[];
  countries: { code: string; name: string }[];
  defaultZone: string;
  failure: FormFailure | null;
}

/** One click for signed-in people (the extra questions stay optional); a short form for everyone else. */
export function WebinarRegisterForm(p: RegisterFormProps) {
  const t = useT(webinarsUi);
  const lang = useLang();
  const v = p.failure?.values ?? {};
  const errors = p.failure?.fieldErrors;
  return (
    <Form method="post">
      <input type="hidden" name="intent" value="register" />
      <input type="hidden" name="language" value={lang} />
      {p.signedInAs ? null : (
        <>
          <Field name="email" label={t("email")} errors={errors}>
            {(a) => <input {...a} type="email" required autoComplete="email" defaultValue={v.email} />}
          </Field>
          <Field name="name" label={t("name")} errors={errors}>
            {(a) => <input {...a} type="text" required maxLength={120} autoComplete="name" defaultValue={v.name} />}
          </Field>
        </>
      )}
      {p.ask.institution ? (
        <Field name="institution" label={t("institution")} errors={errors}>
          {(a) => <input {...a} type="text" maxLength={200} defaultValue={v.institution} />}
        </Field>
      ) : null}
      {p.ask.country ? (
        <Field name="country" label={t("country")} errors={errors}>
          {(a) => (
            <select {...a} defaultValue={v.country ?? ""}>
              <option value="">—</option>
              {p.countries.map((c) => (
                <option key={c.code} value={c.code}>
                  {c.name}
                </option>
              ))}
            </select>
          )}
        </Field>
      ) : null}
      {p.ask.accessNeeds ? (
        <fieldset>
          <legend>{t("access_needs")}</legend>
          <label className="check">
            <input type="checkbox" name="captions" defaultChecked={v.captions === "on"} />
            {t("captions")}
          </label>
          <label className="check">
            <input type="checkbox" name="signLanguage" defaultChecked={v.signLanguage === "on"} />
            {t("sign_language")}
          </label>
          <Field name="interpretationLanguage" label={t("interpretation")} errors={errors}>
            {(a) => <input {...a} type="text" maxLength={60} defaultValue={v.interpretationLanguage} />}
          </Field>
        </fieldset>
      ) : null}
      {p.questions?.map((q) => (
        <Field key={q.id} name={`answer_${q.id}`} label={q.label} errors={errors}>
          {(a) => <textarea {...a} rows={2} maxLength={1000} defaultValue={v[`answer_${q.id}`]} />}
        </Field>
      ))}
      <Field name="timeZone" label={t("your_time_zone")} errors={errors}>
        {(a) => (
          <select {...a} defaultValue={v.timeZone ?? p.defaultZone}>
            <TimeZoneOptions current={v.timeZone ?? p.defaultZone} />
          </select>
        )}
      </Field>
      <p>
        <button type="submit">{p.signedInAs ? t("register_one_click", { name: p.signedInAs }) : t("register_button")}</button>
      </p>
    </Form>
  );
}
