import type { LoaderFunctionArgs } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { InsightsReport } from "../components/insights-report.tsx";
import { errorMessages } from "../i18n/errors.ts";
import { insightsUi } from "../i18n/ui/insights.ts";
import { BREAKDOWNS, SCOPE_KINDS } from "../services/insights/participation.server.ts";
import { insightsPage } from "../services/insights/page.server.ts";
import { can } from "../services/policy.server.ts";
import { useT } from "../utils/i18n.ts";
import { titled } from "../utils/meta.ts";

export const meta = titled("insights");

export async function loader({ request }: LoaderFunctionArgs) {
  const { actor, view } = await insightsPage(request);
  const query = new URL(request.url).search;
  return { view, query, canManageSeries: can(actor, { do: "webinar.manage" }) };
}

export default function Insights() {
  const t = useT(insightsUi);
  const te = useT(errorMessages);
  const { view, query, canManageSeries } = useLoaderData<typeof loader>();
  const f = view.filters;
  const idChoices = f.scope === "webinar" ? view.choices.webinars : f.scope === "series" ? view.choices.series : f.scope === "dialogue" ? view.choices.dialogues : [];
  return (
    <section>
      <h1>{t("insights_title")}</h1>
      <p className="hint">{t("insights_intro", { k: view.k })}</p>
      <Form method="get" className="filters" aria-label={t("scope")}>
        <div>
          <label htmlFor="f-scope">{t("scope")}</label>
          <select id="f-scope" name="scope" defaultValue={f.scope}>
            {SCOPE_KINDS.map((s) => (
              <option key={s} value={s}>
                {t(`scope_${s}`)}
              </option>
            ))}
          </select>
        </div>
        <div>
          <label htmlFor="f-id">
            {t("webinar")} / {t("series")} / {t("dialogue")}
          </label>
          <select id="f-id" name="id" defaultValue={f.id}>
            <option value="">—</option>
            {(idChoices.length ? idChoices : [...view.choices.webinars, ...view.choices.series, ...view.choices.dialogues]).map((c) => (
              <option key={c.id} value={c.id}>
                {c.title}
              </option>
            ))}
          </select>
        </div>
        <div>
          <label htmlFor="f-period">{t("period")}</label>
          <select id="f-period" name="period" defaultValue={f.period}>
            {view.choices.periods.map((p) => (
              <option key={p} value={p}>
                {p}
              </option>
            ))}
          </select>
        </div>
        <div>
          <label htmlFor="f-breakdown">{t("breakdown")}</label>
          <select id="f-breakdown" name="breakdown" defaultValue={f.breakdown}>
            {BREAKDOWNS.map((b) => (
              <option key={b} value={b}>
                {t(`breakdown_${b}`)}
              </option>
            ))}
          </select>
        </div>
        <p>
          <button type="submit">{t("show")}</button>
        </p>
      </Form>
      <p className="no-print">
        <a href={`/insights/export.csv${query}`} download>
          {t("export_csv")}
        </a>{" "}
        · <Link to={`/insights/report${query}`}>{t("print_report")}</Link>
        {canManageSeries ? (
          <>
            {" "}
            · <Link to="/webinars/series">{t("manage_series")}</Link>
          </>
        ) : null}
      </p>
      {view.error ? (
        <p className="alert" role="alert">
          {te(view.error as "not_found")}
        </p>
      ) : null}
      <InsightsReport view={view} />
    </section>
  );
}
