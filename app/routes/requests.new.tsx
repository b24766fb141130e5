import { redirect, type ActionFunctionArgs, type HeadersFunction, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { Field, FieldMessage, FormErrors } from "../components/fields.tsx";
import { LANGUAGE_NAMES, LANGUAGES, translator } from "../i18n/index.ts";
import { directoryUi } from "../i18n/ui/directory.ts";
import { requestsUi } from "../i18n/ui/requests.ts";
import { countryOptions } from "../schemas/countries.ts";
import { REGIONS } from "../schemas/regions.ts";
import { SUPPORT_KINDS } from "../schemas/support-request.ts";
import { requestEventSupport, requestFieldConnection } from "../services/requests/requests.server.ts";
import { isFailure, runForm } from "../utils/forms.server.ts";
import { useT } from "../utils/i18n.ts";
import { langOf, pageTitle } from "../utils/meta.ts";
import { requireSignedIn } from "../utils/request.server.ts";

type Kind = "event" | "field" | null;
const kindOf = (url: URL): Kind => (url.searchParams.get("type") === "event" ? "event" : url.searchParams.get("type") === "field" ? "field" : null);
const headingKey = (kind: Kind) => (kind === "event" ? "new_event_title" : kind === "field" ? "new_field_title" : "new_title");

export const meta: MetaFunction<typeof loader> = ({ data, matches }) => {
  const lang = langOf(matches);
  return [{ title: pageTitle(lang, { text: translator(requestsUi, lang, { typography: true })(headingKey(data?.kind ?? null)) }) }, { name: "robots", content: "noindex" }];
};
export const headers: HeadersFunction = () => ({ "cache-control": "private, no-store" });

export async function loader({ request }: LoaderFunctionArgs) {
  const { actor, lang } = await requireSignedIn(request);
  const institutions = actor.memberships.filter((m) => m.partnerStatus === "APPROVED").map((m) => ({ id: m.partnerId, name: m.partnerName }));
  return { kind: kindOf(new URL(request.url)), institutions, countries: countryOptions(lang) };
}

export async function action({ request }: ActionFunctionArgs) {
  const { actor, lang } = await requireSignedIn(request);
  const kind = kindOf(new URL(request.url));
  const form = await request.formData();
  const values = Object.fromEntries([...form].map(([k, v]) => [k, String(v)]));
  const one = (k: string) => String(form.get(k) ?? "");
  const all = (k: string) => form.getAll(k).map(String);
  return runForm(async () => {
    const created =
      kind === "event"
        ? await requestEventSupport(
            actor,
            { partnerId: one("partnerId"), title: one("title"), purpose: one("purpose"), startsOn: one("startsOn"), endsOn: one("endsOn"), audience: one("audience"), languages: all("languages"), supportKinds: all("supportKinds") },
            { language: lang },
          )
        : kind === "field"
          ? await requestFieldConnection(actor, { partnerId: one("partnerId"), topic: one("topic"), country: one("country"), region: one("region"), needs: one("needs") }, { language: lang })
          : null;
    if (!created) throw new Response(null, { status: 400 });
    return redirect(`/requests/${created.id}?sent=1`);
  }, { ...values, languages: all("languages").join(","), supportKinds: all("supportKinds").join(",") });
}

export default function NewRequest() {
  const t = useT(requestsUi);
  const td = useT(directoryUi);
  const { kind, institutions, countries } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const failure = isFailure(result) ? result : null;
  const errors = failure?.fieldErrors;
  const v = (failure?.values ?? {}) as Record<string, string>;
  const picked = (name: string, value: string) => (v[name] ?? "").split(",").includes(value);
  if (!institutions.length) {
    return (
      <section>
        <h1>{t("new_title")}</h1>
        <p className="notice">{t("not_partner")}</p>
      </section>
    );
  }
  if (!kind) {
    return (
      <section>
        <h1>{t("new_title")}</h1>
        <p>{t("new_intro")}</p>
        <ul>
          <li>
            <Link to="?type=event">{t("pick_event")}</Link> — {t("event_intro")}
          </li>
          <li>
            <Link to="?type=field">{t("pick_field")}</Link> — {t("field_intro")}
          </li>
        </ul>
      </section>
    );
  }
  const institution =
    institutions.length > 1 ? (
      <Field name="partnerId" label={t("institution")} errors={errors}>
        {(a) => (
          <select {...a} required defaultValue={v.partnerId ?? ""}>
            <option value="">—</option>
            {institutions.map((i) => (
              <option key={i.id} value={i.id}>
                {i.name}
              </option>
            ))}
          </select>
        )}
      </Field>
    ) : (
      <p>
        <strong>{t("institution")}</strong> {institutions[0].name}
        <input type="hidden" name="partnerId" value={institutions[0].id} />
      </p>
    );
  const boxes = (name: string, legend: string, options: { value: string; label: string }[]) => (
    <fieldset aria-describedby={errors?.[name] ? `f-${name}-error` : undefined}>
      <legend>{legend}</legend>
      {options.map((o) => (
        <label key={o.value} className="check">
          <input type="checkbox" name={name} value={o.value} defaultChecked={picked(name, o.value)} /> {o.label}
        </label>
      ))}
      <FieldMessage id={`f-${name}-error`} error={errors?.[name]} />
    </fieldset>
  );
  return (
    <section>
      <h1>{t(headingKey(kind))}</h1>
      <p>{t(kind === "event" ? "event_intro" : "field_intro")}</p>
      <FormErrors failure={failure} />
      <Form method="post" className="request-form">
        {institution}
        {kind === "event" ? (
          <>
            <Field name="title" label={t("event_title")} errors={errors}>
              {(a) => <input {...a} type="text" required maxLength={200} defaultValue={v.title} />}
            </Field>
            <Field name="purpose" label={t("purpose")} hint={t("purpose_hint")} errors={errors}>
              {(a) => <textarea {...a} required rows={4} maxLength={5000} defaultValue={v.purpose} />}
            </Field>
            <div className="grid2">
              <Field name="startsOn" label={t("starts_on")} errors={errors}>
                {(a) => <input {...a} type="date" required defaultValue={v.startsOn} />}
              </Field>
              <Field name="endsOn" label={t("ends_on")} errors={errors}>
                {(a) => <input {...a} type="date" defaultValue={v.endsOn} />}
              </Field>
            </div>
            <Field name="audience" label={t("audience")} hint={t("audience_hint")} errors={errors}>
              {(a) => <input {...a} type="text" required maxLength={300} defaultValue={v.audience} />}
            </Field>
            {boxes("languages", t("languages"), LANGUAGES.map((l) => ({ value: l, label: LANGUAGE_NAMES[l] })))}
            {boxes("supportKinds", t("support_kinds"), SUPPORT_KINDS.map((k) => ({ value: k, label: t(`kind_${k}`) })))}
          </>
        ) : (
          <>
            <Field name="topic" label={t("topic")} errors={errors}>
              {(a) => <input {...a} type="text" required maxLength={200} defaultValue={v.topic} />}
            </Field>
            <div className="grid2">
              <Field name="country" label={t("country")} errors={errors}>
                {(a) => (
                  <select {...a} defaultValue={v.country ?? ""}>
                    <option value="">{t("no_country")}</option>
                    {countries.map((c) => (
                      <option key={c.code} value={c.code}>
                        {c.name}
                      </option>
                    ))}
                  </select>
                )}
              </Field>
              <Field name="region" label={t("region")} hint={t("region_hint")} errors={errors}>
                {(a) => (
                  <select {...a} defaultValue={v.region ?? ""}>
                    <option value="">{t("choose_region")}</option>
                    {REGIONS.map((r) => (
                      <option key={r} value={r}>
                        {td(`region_${r}`)}
                      </option>
                    ))}
                  </select>
                )}
              </Field>
            </div>
            <Field name="needs" label={t("needs")} hint={t("needs_hint")} errors={errors}>
              {(a) => <textarea {...a} required rows={4} maxLength={5000} defaultValue={v.needs} />}
            </Field>
          </>
        )}
        <p>
          <button type="submit">{t("send")}</button>
        </p>
      </Form>
    </section>
  );
}
