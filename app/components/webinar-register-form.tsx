import { Form } from "@remix-run/react";
import { Field } from "./fields.tsx";
import { InLanguage } from "./in-language.tsx";
import type { Lang } from "../i18n/index.ts";
import { TimeZoneOptions } from "./time-zone-options.tsx";
import { BrowserZoneScript } from "./browser-zone.tsx";
import { DemographicFields } from "./demographic-fields.tsx";
import { journeysUi } from "../i18n/ui/journeys.ts";
import { webinarsUi } from "../i18n/ui/webinars.ts";
import type { FormFailure } from "../utils/forms.server.ts";
import { useLang, useT } from "../utils/i18n.ts";

export interface RegisterFormProps {
  signedInAs: string | null;
  ask: { institution: boolean; country: boolean; accessNeeds: boolean };
  /** The organiser's own questions (optional to answer), after the fixed ones. */
  questions?: { id: string; label: string; language: Lang }[];
  countries: { code: string; name: string }[];
  /** The person's known zone; null asks them (and lets the browser-zone script fill it in). */
  defaultZone: string | null;
  failure: FormFailure | null;
  signInHref: string;
  /** The smallest count statistics publish, for the purpose notice. */
  minCell: number;
}

/** One click for signed-in people (the extra questions stay optional); a short form for everyone else. */
export function WebinarRegisterForm(p: RegisterFormProps) {
  const t = useT(webinarsUi);
  const tj = useT(journeysUi);
  const lang = useLang();
  const v = p.failure?.values ?? {};
  const errors = p.failure?.fieldErrors;
  const zone = v.timeZone ?? p.defaultZone ?? "";
  return (
    <>
    <Form method="post" action="#registration">
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
        <Field
          key={q.id}
          name={`answer_${q.id}`}
          label={
            <InLanguage lang={q.language} note>
              {q.label}
            </InLanguage>
          }
          errors={errors}
        >
          {(a) => <textarea {...a} rows={2} maxLength={1000} defaultValue={v[`answer_${q.id}`]} />}
        </Field>
      ))}
      <DemographicFields values={v} errors={errors} k={p.minCell} />
      <Field name="timeZone" label={tj("your_zone")} hint={tj("your_zone_hint")} errors={errors}>
        {(a) => (
          <select {...a} required defaultValue={zone} data-browser-zone="">
            <option value="">{tj("choose_zone")}</option>
            <TimeZoneOptions current={zone || null} />
          </select>
        )}
      </Field>
      <p>
        <button type="submit">{p.signedInAs ? t("register_one_click", { name: p.signedInAs }) : t("register_button")}</button>
      </p>
      {p.signedInAs ? null : (
        <p className="hint">
          <a href={p.signInHref}>{tj("sign_in_to_register")}</a>
        </p>
      )}
    </Form>
    <BrowserZoneScript />
    </>
  );
}

/** "Send me my link again": never a dead end for someone who registered before, never a hint for anyone else. */
export function ResendLinkForm({ webinarId, failure }: { webinarId: string; failure: FormFailure | null }) {
  const tj = useT(journeysUi);
  const t = useT(webinarsUi);
  return (
    <Form method="post" action={`/webinars/${webinarId}#registration`} className="resend">
      <h3>{tj("resend_title")}</h3>
      <p className="hint">{tj("resend_intro")}</p>
      <input type="hidden" name="intent" value="resend" />
      {/* Its own id: the registration form on the same page has an email field too. */}
      <label htmlFor="f-resend-email">{t("email")}</label>
      <input id="f-resend-email" name="email" type="email" required autoComplete="email" defaultValue={failure?.values?.email} />
      <p>
        <button type="submit" className="secondary">
          {tj("resend_button")}
        </button>
      </p>
    </Form>
  );
}
