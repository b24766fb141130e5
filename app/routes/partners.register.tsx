import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { Field, FieldMessage, FormErrors } from "../components/fields.tsx";
import { LANGUAGE_NAMES, LANGUAGES } from "../i18n/index.ts";
import { common } from "../i18n/ui/common.ts";
import { partnersUi } from "../i18n/ui/partners.ts";
import { countryOptions } from "../schemas/countries.ts";
import { SECTORS } from "../schemas/partner.ts";
import { registerPartner } from "../services/partners.server.ts";
import { isFailure, runForm } from "../utils/forms.server.ts";
import { useT } from "../utils/i18n.ts";
import { pageContext } from "../utils/request.server.ts";
import { clientIp } from "../utils/session.server.ts";
import { titled } from "../utils/meta.ts";

export const meta = titled("register");

export async function loader({ request }: LoaderFunctionArgs) {
  const { lang } = await pageContext(request);
  return { countries: countryOptions(lang), lang };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const { actor } = await pageContext(request);
  const form = Object.fromEntries(await request.formData()) as Record<string, string>;
  const input = {
    ...form,
    interests: (form.interests ?? "").split(/[\n,;]/),
    publicListing: form.publicListing === "on",
    consent: form.consent === "on",
  };
  return runForm(async () => {
    const partner = await registerPartner(actor, input, { ip: clientIp(context) });
    return { ok: true as const, name: partner.name, email: partner.focalPointEmail };
  }, form);
}

export default function RegisterPartner() {
  const t = useT(partnersUi);
  const tc = useT(common);
  const { countries, lang } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  if (result && !isFailure(result)) {
    return (
      <section>
        <h1>{t("registered_title")}</h1>
        <p className="notice" role="status">
          {t("registered_body", { name: result.name, email: result.email })}
        </p>
      </section>
    );
  }
  const failure = isFailure(result) ? result : null;
  const errors = failure?.fieldErrors;
  const v = (failure?.values ?? {}) as Record<string, string>;
  return (
    <section>
      <h1>{t("register_title")}</h1>
      <p>{t("register_intro")}</p>
      <FormErrors failure={failure} />
      <Form method="post" noValidate>
        <Field name="name" label={t("name")} errors={errors}>
          {(a) => <input {...a} type="text" required maxLength={200} defaultValue={v.name} />}
        </Field>
        <Field name="sector" label={t("sector")} errors={errors}>
          {(a) => (
            <select {...a} required defaultValue={v.sector ?? ""}>
              <option value="">{t("choose")}</option>
              {SECTORS.map((s) => (
                <option key={s} value={s}>
                  {tc(`sector_${s}`)}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field name="country" label={t("country")} errors={errors}>
          {(a) => (
            <select {...a} required defaultValue={v.country ?? ""}>
              <option value="">{t("choose")}</option>
              {countries.map((c) => (
                <option key={c.code} value={c.code}>
                  {c.name}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field name="website" label={t("website")} errors={errors}>
          {(a) => <input {...a} type="url" maxLength={300} placeholder="https://" defaultValue={v.website} />}
        </Field>
        <Field name="focalPointName" label={t("focal_name")} errors={errors}>
          {(a) => <input {...a} type="text" required maxLength={120} autoComplete="name" defaultValue={v.focalPointName} />}
        </Field>
        <Field name="focalPointEmail" label={t("focal_email")} hint={t("focal_hint")} errors={errors}>
          {(a) => <input {...a} type="email" required autoComplete="email" defaultValue={v.focalPointEmail} />}
        </Field>
        <Field name="interests" label={t("interests")} hint={t("interests_hint")} errors={errors}>
          {(a) => <textarea {...a} rows={3} defaultValue={v.interests} />}
        </Field>
        <Field name="language" label={t("preferred_language")} errors={errors}>
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
        <label className="check">
          <input type="checkbox" name="publicListing" defaultChecked={v.publicListing === "on"} />
          {t("public_listing")}
        </label>
        <h2>{t("privacy_title")}</h2>
        <p className="hint">{t("privacy_body")}</p>
        <label className="check" htmlFor="f-consent">
          <input type="checkbox" id="f-consent" name="consent" aria-invalid={errors?.consent ? true : undefined} aria-describedby={errors?.consent ? "f-consent-error" : undefined} />
          {t("consent")}
        </label>
        <FieldMessage id="f-consent-error" error={errors?.consent} />
        <p>
          <button type="submit">{t("submit_registration")}</button>
        </p>
      </Form>
    </section>
  );
}
