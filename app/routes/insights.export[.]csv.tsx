import type { LoaderFunctionArgs } from "@remix-run/node";
import { insightsCsv } from "../services/insights/view.server.ts";
import { insightsPage } from "../services/insights/page.server.ts";

/** The page's tables as CSV, with the same suppression and the method note; 404 without the statistics grant. */
export async function loader({ request }: LoaderFunctionArgs) {
  const { view, lang } = await insightsPage(request);
  return new Response(insightsCsv(view, lang), {
    headers: {
      "content-type": "text/csv; charset=utf-8",
      "content-disposition": `attachment; filename="participation-${view.filters.period}.csv"`,
      "cache-control": "no-store, private",
    },
  });
}
