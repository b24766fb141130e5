import type { LoaderFunctionArgs } from "@remix-run/node";
import { REGISTRATION_STATUSES } from "../schemas/webinar.ts";
import { can } from "../services/policy.server.ts";
import { registrationsCsv } from "../services/webinar-manage.server.ts";
import { orErrorPage } from "../utils/forms.server.ts";
import { pageContext } from "../utils/request.server.ts";


/** The Manage view's table as CSV, with the same filters; the research team only (404 for anyone else). */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const { actor, lang } = await pageContext(request);
  if (!can(actor, { do: "webinar.exportRegistrations" })) throw new Response(null, { status: 404 });
  const url = new URL(request.url);
  const status = REGISTRATION_STATUSES.find((s) => s === url.searchParams.get("rstatus"));
  const csv = await orErrorPage(() => registrationsCsv(actor, params.id!, { status: status ? [status] : undefined, search: url.searchParams.get("rq") }, lang), request);
  return new Response(csv, {
    headers: {
      "content-type": "text/csv; charset=utf-8",
      "content-disposition": `attachment; filename="registrations-${params.id!.replace(/[^\w-]/g, "")}.csv"`,
      "cache-control": "no-store, private",
    },
  });
}
