import type { LoaderFunctionArgs } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { InsightsReport } from "../components/insights-report.tsx";
import { formatDateTime } from "../i18n/index.ts";
import { insightsUi } from "../i18n/ui/insights.ts";
import { insightsPage } from "../services/insights/page.server.ts";
import { useLang, useT } from "../utils/i18n.ts";
import { titled } from "../utils/meta.ts";

export const meta = titled("insights");

/** The printable report: the same numbers as /insights, laid out for paper (print CSS hides the site chrome). */
export async function loader({ request }: LoaderFunctionArgs) {
  const { view } = await insightsPage(request);
  return { view, generatedAt: new Date().toISOString() };
}

export default function InsightsPrint() {
  const t = useT(insightsUi);
  const lang = useLang();
  const { view, generatedAt } = useLoaderData<typeof loader>();
  return (
    <article className="report">
      <h1>{t("report_title")}</h1>
      <p>
        {t("report_period", { period: view.filters.period })} {t("generated", { date: formatDateTime(new Date(generatedAt), lang, "UTC") })}
      </p>
      <InsightsReport view={view} />
    </article>
  );
}
