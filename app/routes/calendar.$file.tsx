import type { LoaderFunctionArgs } from "@remix-run/node";
import { personalFeed } from "../services/webinar-calendars.server.ts";

// /calendar/<secret>.ics — a subscription URL for calendar apps, which cannot send cookies.
export async function loader({ params }: LoaderFunctionArgs) {
  const secret = params.file?.endsWith(".ics") ? params.file.slice(0, -4) : null;
  const ics = secret ? await personalFeed(secret) : null;
  if (!ics) throw new Response(null, { status: 404 });
  return new Response(ics, { headers: { "content-type": "text/calendar; charset=utf-8", "cache-control": "private, max-age=900" } });
}
