import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { Field, FormErrors } from "../components/fields.tsx";
import { insightsUi } from "../i18n/ui/insights.ts";
import { createSeries, listSeries, setWebinarSeries, updateSeries, webinarsForSeries } from "../services/insights/series.server.ts";
import { can } from "../services/policy.server.ts";
import { isFailure, runForm } from "../utils/forms.server.ts";
import { useLang, useT } from "../utils/i18n.ts";
import { pageContext } from "../utils/request.server.ts";
import { titled } from "../utils/meta.ts";

export const meta = titled("series");

/** The research team's series and parity targets; 404 for anyone else. */
export async function loader({ request }: LoaderFunctionArgs) {
  const { actor, lang } = await pageContext(request);
  if (!can(actor, { do: "webinar.manage" })) throw new Response(null, { status: 404 });
  const L = lang.toUpperCase();
  return {
    series: (await listSeries(actor)).map((s) => ({ id: s.id, title: s.title, parityTarget: s.parityTarget, webinars: s._count.webinars })),
    webinars: (await webinarsForSeries(actor)).map((w) => ({
      id: w.id,
      seriesId: w.seriesId,
      title: `${w.startsAt.toISOString().slice(0, 10)} · ${(w.translations.find((t) => t.language === L) ?? w.translations[0])?.title ?? w.id}`,
    })),
  };
}

export async function action({ request }: ActionFunctionArgs) {
  const { actor } = await pageContext(request);
  if (!can(actor, { do: "webinar.manage" })) throw new Response(null, { status: 404 });
  const form = Object.fromEntries(await request.formData()) as Record<string, string>;
  return runForm(async () => {
    if (form.intent === "create") {
      await createSeries(actor, { title: form.title, parityTarget: form.parityTarget });
      return { ok: true as const, notice: "series_created" as const };
    }
    if (form.intent === "update") {
      await updateSeries(actor, form.id ?? "", { title: form.title, parityTarget: form.parityTarget });
      return { ok: true as const, notice: "series_saved" as const };
    }
    if (form.intent === "assign") {
      await setWebinarSeries(actor, form.webinarId ?? "", form.seriesId || null);
      return { ok: true as const, notice: "series_saved" as const };
    }
    throw new Response(null, { status: 400 });
  }, form);
}

export default function SeriesPage() {
  const t = useT(insightsUi);
  useLang();
  const { series, webinars } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const failure = isFailure(result) ? result : null;
  return (
    <section>
      <h1>{t("series_title")}</h1>
      <p className="hint">{t("series_intro")}</p>
      <FormErrors failure={failure} />
      {result && !isFailure(result) ? (
        <p className="notice" role="status">
          {t(result.notice)}
        </p>
      ) : null}
      {series.map((s) => (
        <Form method="post" key={s.id} className="filters">
          <input type="hidden" name="intent" value="update" />
          <input type="hidden" name="id" value={s.id} />
          <div>
            <label htmlFor={`t-${s.id}`}>{t("series_name")}</label>
            <input id={`t-${s.id}`} name="title" type="text" required maxLength={200} defaultValue={s.title} />
          </div>
          <div>
            <label htmlFor={`p-${s.id}`}>{t("parity_target")}</label>
            <input id={`p-${s.id}`} name="parityTarget" type="number" min={0} max={100} required defaultValue={s.parityTarget} />
          </div>
          <p>
            <span className="hint">{t("webinars_count", { count: s.webinars })}</span> <button type="submit">{t("save")}</button>
          </p>
        </Form>
      ))}
      <h2>{t("create_series")}</h2>
      <Form method="post">
        <input type="hidden" name="intent" value="create" />
        <Field name="title" label={t("series_name")} errors={failure?.values?.intent === "create" ? failure.fieldErrors : undefined}>
          {(a) => <input {...a} type="text" required maxLength={200} />}
        </Field>
        <Field name="parityTarget" label={t("parity_target")} errors={failure?.values?.intent === "create" ? failure.fieldErrors : undefined}>
          {(a) => <input {...a} type="number" min={0} max={100} required defaultValue={50} />}
        </Field>
        <p>
          <button type="submit">{t("create_series")}</button>
        </p>
      </Form>
      {series.length ? (
        <>
          <h2>{t("webinar_series_assign")}</h2>
          <Form method="post" className="filters">
            <input type="hidden" name="intent" value="assign" />
            <div>
              <label htmlFor="f-webinarId">{t("webinar")}</label>
              <select id="f-webinarId" name="webinarId" required>
                {webinars.map((w) => (
                  <option key={w.id} value={w.id}>
                    {w.title}
                  </option>
                ))}
              </select>
            </div>
            <div>
              <label htmlFor="f-seriesId">{t("series")}</label>
              <select id="f-seriesId" name="seriesId">
                <option value="">{t("no_series_choice")}</option>
                {series.map((s) => (
                  <option key={s.id} value={s.id}>
                    {s.title}
                  </option>
                ))}
              </select>
            </div>
            <p>
              <button type="submit">{t("assign")}</button>
            </p>
          </Form>
        </>
      ) : null}
    </section>
  );
}
