import type { ActionFunctionArgs, AppLoadContext, EntryContext, LoaderFunctionArgs } from "@remix-run/node";
import { isRouteErrorResponse, RemixServer } from "@remix-run/react";
import { renderToString } from "react-dom/server";
import { resolveLanguage } from "./i18n/index.ts";
import { errorSummary, log, stackOf } from "./observability/log.server.ts";
import { BROWSER_ZONE_SCRIPT_HASH } from "./utils/browser-zone-hash.server.ts";
import { noteIfDatabaseUnavailable, RETRY_AFTER_SECONDS, type OutageNote } from "./utils/db-unavailable.server.ts";
import { env } from "./utils/env.server.ts";
import { LANG_COOKIE } from "./utils/request.server.ts";
import { readCookie } from "./utils/session.server.ts";

// Pages are plain server-rendered HTML (no client bundle is loaded), so a string render is all that is needed.
export default function handleRequest(request: Request, status: number, headers: Headers, context: EntryContext, loadContext?: AppLoadContext) {
  if ((loadContext as OutageNote | undefined)?.databaseUnavailable) status = asUnavailable(request, headers, context);
  const html = renderToString(<RemixServer context={context} url={request.url} />);
  headers.set("content-type", "text/html; charset=utf-8");
  headers.set("x-content-type-options", "nosniff");
  headers.set("referrer-policy", "same-origin");
  headers.set("x-frame-options", "DENY");
  headers.set("content-security-policy", `default-src 'self'; script-src ${BROWSER_ZONE_SCRIPT_HASH}; style-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'`);
  return new Response(`<!DOCTYPE html>${html}`, { status, headers });
}

/**
 * The database could not be reached while answering (handleError noted it): the error boundary shows a 503 page
 * (a route error response, which it translates) instead of the 500 one, with Retry-After. The root loader may
 * have failed too: the page is then in the cookie's or the browser's language, signed out (ADR 0028).
 */
function asUnavailable(request: Request, headers: Headers, context: EntryContext) {
  const handler = context.staticHandlerContext;
  const unavailable = { status: 503, statusText: "Service Unavailable", internal: false, data: null };
  const boundaries = Object.keys(handler.errors ?? {});
  handler.errors = Object.fromEntries((boundaries.length ? boundaries : ["root"]).map((id) => [id, unavailable]));
  handler.statusCode = 503;
  handler.loaderData.root ??= {
    lang: resolveLanguage({ cookie: readCookie(request, LANG_COOKIE), acceptLanguage: request.headers.get("accept-language") }),
    user: null,
    origin: env().APP_URL,
  };
  headers.set("retry-after", String(RETRY_AFTER_SECONDS));
  headers.set("cache-control", "no-store");
  return 503;
}

/**
 * The request's own log line (status, route pattern, id) is written by the server; this adds why, for outages and
 * unexpected errors only, and never the path, which may hold a token (ADR 0051).
 */
export function handleError(error: unknown, { request, context }: LoaderFunctionArgs | ActionFunctionArgs) {
  if (request.signal.aborted || isRouteErrorResponse(error)) return;
  if (noteIfDatabaseUnavailable(error, context)) {
    log().warn({ err: errorSummary(error) }, "database unavailable");
    return;
  }
  log().error({ err: errorSummary(error), stack: stackOf(error) }, "unexpected error in a route");
}
