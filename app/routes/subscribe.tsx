import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { Field, FormErrors } from "../components/fields.tsx";
import { PreferenceFields, preferenceInput } from "../components/subscription-fields.tsx";
import { subscriptionsUi } from "../i18n/ui/subscriptions.ts";
import { consentUi } from "../i18n/ui/consent.ts";
import { CONSENT_WORDING_COUNTED } from "../schemas/subscription.ts";
import { confirmTtlHours, currentConsentWording, subscribe } from "../services/subscriptions/subscriptions.server.ts";
import { isFailure, runForm } from "../utils/forms.server.ts";
import { useT } from "../utils/i18n.ts";
import { langOf, pageTitle } from "../utils/meta.ts";
import { pageContext } from "../utils/request.server.ts";
import { clientIp } from "../utils/session.server.ts";

export const meta: MetaFunction = ({ matches }) => {
  const lang = langOf(matches);
  return [{ title: pageTitle(lang, { text: subscriptionsUi[lang].subscribe_title }) }];
};

export async function loader({ request }: LoaderFunctionArgs) {
  const { lang } = await pageContext(request);
  return { lang, version: await currentConsentWording(), hours: confirmTtlHours() };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const form = await request.formData();
  const values = Object.fromEntries([...form.entries()].filter(([k]) => k !== "topics").map(([k, v]) => [k, String(v)]));
  values.topics = form.getAll("topics").map(String).join(",");
  const input = {
    ...preferenceInput(form),
    email: String(form.get("email") ?? ""),
    consentWordingVersion: String(form.get("wording") ?? "") || undefined,
  };
  return runForm(async () => {
    await subscribe({ ...input, source: "web" }, { ip: clientIp(context) });
    return { ok: true as const, email: input.email.trim().toLowerCase() };
  }, values);
}

export default function Subscribe() {
  const t = useT(subscriptionsUi);
  const tc = useT(consentUi);
  const { version, hours } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  if (result && !isFailure(result)) {
    return (
      <section>
        <h1>{t("subscribe_done_title")}</h1>
        <p className="notice" role="status">
          {t("subscribe_done", { email: result.email, hours })}
        </p>
      </section>
    );
  }
  const failure = isFailure(result) ? result : null;
  const v = (failure?.values ?? {}) as Record<string, string>;
  return (
    <section>
      <h1>{t("subscribe_title")}</h1>
      <p>{t("subscribe_intro")}</p>
      <FormErrors failure={failure} />
      <Form method="post" noValidate>
        <Field name="email" label={t("email")} errors={failure?.fieldErrors}>
          {(a) => <input {...a} type="email" required maxLength={254} autoComplete="email" defaultValue={v.email} />}
        </Field>
        <PreferenceFields errors={failure?.fieldErrors} language={v.language} topics={(v.topics ?? "").split(",")} frequency={v.frequency} />
        <h2>{t("consent_title")}</h2>
        <p id="f-wording">{version === CONSENT_WORDING_COUNTED ? tc("consent_counted") : t("consent_text")}</p>
        <p className="hint">{t("consent_version", { version })}</p>
        <input type="hidden" name="wording" value={version} />
        <p>
          <button type="submit">{t("subscribe_button")}</button>
        </p>
      </Form>
    </section>
  );
}
