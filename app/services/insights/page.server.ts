import { can } from "../policy.server.ts";
import { pageContext } from "../../utils/request.server.ts";
import { insightsView, readFilters } from "./view.server.ts";

/**
 * Every statistics page starts here: without the statistics grant the answer is the same 404 as for a page
 * that does not exist — for anonymous visitors, partners and staff alike (no sign-in prompt, no hint).
 */
export async function insightsPage(request: Request) {
  const { actor, lang } = await pageContext(request);
  if (!can(actor, { do: "statistics.view" })) throw new Response(null, { status: 404, statusText: "Not Found" });
  const filters = readFilters(new URL(request.url));
  return { actor, lang, view: await insightsView(actor, filters, lang) };
}
