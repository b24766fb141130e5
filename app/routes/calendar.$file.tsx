import type { LoaderFunctionArgs } from "@remix-run/node";
import { personalFeed } from "../services/webinar-calendars.server.ts";

// /calendar/<secret>.ics — a subscription URL for calendar apps, which cannot send cookies.
export async function loader({ params, request }: LoaderFunctionArgs) {
  const secret = params.file?.endsWith(".ics") ? params.file.slice(0, -4) : null;
  const feed = secret ? await personalFeed(secret) : null;
  if (!feed) throw new Response(null, { status: 404 });
  // Calendar apps poll: a short freshness, then a conditional request answered with 304 while nothing changed.
  // Only If-None-Match is honoured: leaving a dialogue removes sessions without a newer timestamp to compare.
  const headers = { etag: feed.etag, "last-modified": feed.lastModified.toUTCString(), "cache-control": "private, max-age=300, must-revalidate" };
  if (matches(request.headers.get("if-none-match"), feed.etag)) return new Response(null, { status: 304, headers });
  return new Response(feed.body, { headers: { ...headers, "content-type": "text/calendar; charset=utf-8" } });
}

function matches(ifNoneMatch: string | null, etag: string) {
  if (!ifNoneMatch) return false;
  return ifNoneMatch.trim() === "*" || ifNoneMatch.split(",").some((t) => t.trim().replace(/^W\//, "") === etag);
}
