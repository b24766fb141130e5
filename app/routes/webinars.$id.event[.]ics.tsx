import type { LoaderFunctionArgs } from "@remix-run/node";
import { publicCalendar } from "../services/webinar-calendars.server.ts";
import { pageContext } from "../utils/request.server.ts";

// A plain download (METHOD:PUBLISH): no attendee, no meeting link — registering is what brings the join link.
export async function loader({ request, params }: LoaderFunctionArgs) {
  const { actor, lang } = await pageContext(request);
  const ics = await publicCalendar(actor, params.id!, lang).catch(() => null);
  if (!ics) throw new Response(null, { status: 404 });
  return new Response(ics, {
    headers: { "content-type": "text/calendar; charset=utf-8; method=PUBLISH", "content-disposition": `attachment; filename="webinar-${params.id}.ics"` },
  });
}
