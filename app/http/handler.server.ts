import path from "node:path";
import { pathToFileURL } from "node:url";
import { createRequestHandler, type ServerBuild } from "@remix-run/node";
import { SERVICE_UNAVAILABLE_MESSAGE } from "../../graphql/errors.ts";
import { handleGraphQL, type OperationSeen } from "../../graphql/yoga.server.ts";
import { resolveLanguage, translator } from "../i18n/index.ts";
import { common } from "../i18n/ui/common.ts";
import { escapeHtml as escape } from "../utils/html.ts";
import { errorSummary, log, stackOf } from "../observability/log.server.ts";
import { isDatabaseUnavailable, RETRY_AFTER_SECONDS, type OutageNote } from "../utils/db-unavailable.server.ts";
import { publicContentSettled } from "../utils/public-content.server.ts";
import { LANG_COOKIE } from "../utils/request.server.ts";
import { carriesCredentials, getActor, readCookie } from "../utils/session.server.ts";
import { viewerTimeZone } from "../utils/viewer-time-zone.server.ts";
import { metricsResponse } from "../observability/metrics.server.ts";
import { readinessResponse } from "../observability/readiness.server.ts";
import { noteRoute } from "../observability/request-note.server.ts";
import { routeMatcher, type RouteEntry } from "../observability/route-pattern.ts";
import { isOneClickUnsubscribe } from "./cross-origin.ts";
import { admitRequest, withSecurityHeaders } from "./guard.server.ts";
import { cachedResponse } from "./response-cache.server.ts";

export interface RequestContext {
  /** Client address, computed by the HTTP server (proxy-aware only when TRUST_PROXY is set). */
  ip?: string;
}

type RemixHandler = (request: Request, loadContext?: Record<string, unknown>) => Promise<Response>;
let remix: Promise<{ handler: RemixHandler; routeOf: (pathname: string) => string }> | undefined;

function remixHandler() {
  remix ??= import(pathToFileURL(path.resolve("build/index.js")).href).then((build: ServerBuild) => ({
    handler: createRequestHandler(build, process.env.NODE_ENV === "development" ? "development" : "production"),
    routeOf: routeMatcher(build.routes as Record<string, RouteEntry>),
  }));
  return remix;
}

/** Answered here, not by Remix: they must not depend on a page render (and /metrics is not a page). */
const OPERATIONS: Partial<Record<string, (request: Request) => Promise<Response>>> = { "/metrics": metricsResponse, "/readyz": readinessResponse };

/**
 * The one front door: the HTTP server and the tests both answer every request through it. `/graphql` goes straight
 * to yoga; everything else to Remix.
 */
export async function handleRequest(request: Request, ctx: RequestContext): Promise<Response> {
  // A Host header that makes no URL (e.g. "a b") reaches us as an unparsable request.url.
  if (!URL.canParse(request.url)) {
    return new Response("400 Malformed request\n", { status: 400, headers: { "content-type": "text/plain; charset=utf-8", "x-content-type-options": "nosniff" } });
  }
  const url = new URL(request.url);
  let response: Response;
  try {
    // The guard (URL and headers), then the one body reader: from here on the body is bytes already read, so
    // Remix, yoga and any clone read it whole, however it arrived (sized, chunked, empty).
    const admitted = await admitRequest(request, ctx);
    if (admitted instanceof Response) return withSecurityHeaders(request, admitted);
    request = admitted;
    const operation = OPERATIONS[url.pathname];
    if (operation || url.pathname === "/graphql") noteRoute(url.pathname);
    response = operation ? await operation(request) : url.pathname === "/graphql" ? await graphql(request, url, ctx) : await page(request, url, ctx);
  } catch (error) {
    // Whatever escaped Remix and yoga (e.g. resolving a signed-in caller): never the error itself, whose message
    // and stack would name the driver and our files.
    response = failure(request, url, error);
  }
  return withSecurityHeaders(request, response);
}

/** The answer to a request that failed outside the routes: 503 when the database is unreachable, else a bare 500. */
function failure(request: Request, url: URL, error: unknown): Response {
  const unavailable = isDatabaseUnavailable(error);
  // The request's own line (status, route, id) follows; this one says why, without the path (it may hold a token).
  if (unavailable) log().warn({ err: errorSummary(error) }, "database unavailable");
  else log().error({ err: errorSummary(error), stack: stackOf(error) }, "request failed outside the routes");
  const status = unavailable ? 503 : 500;
  const headers: Record<string, string> = { "cache-control": "no-store", ...(unavailable ? { "retry-after": String(RETRY_AFTER_SECONDS) } : {}) };
  if (url.pathname === "/graphql") {
    const error = unavailable ? { message: SERVICE_UNAVAILABLE_MESSAGE, extensions: { code: "SERVICE_UNAVAILABLE" } } : { message: "Internal server error", extensions: { code: "INTERNAL_SERVER_ERROR" } };
    const type = /application\/graphql-response\+json/.test(request.headers.get("accept") ?? "") ? "application/graphql-response+json" : "application/json";
    return new Response(JSON.stringify({ errors: [error] }), { status, headers: { ...headers, "content-type": `${type}; charset=utf-8` } });
  }
  return unavailable ? unavailablePage(request, headers) : new Response("500 Internal server error\n", { status, headers: { ...headers, "content-type": "text/plain; charset=utf-8" } });
}

/**
 * The 503 page when Remix could not render one (a resource route, a data request, or a failure before any route
 * ran): the same words as the error boundary's, in the cookie's or the browser's language.
 */
function unavailablePage(request: Request, headers: Record<string, string>): Response {
  const lang = resolveLanguage({ cookie: readCookie(request, LANG_COOKIE), acceptLanguage: request.headers.get("accept-language") });
  const t = translator(common, lang, { typography: true });
  const html = `<!DOCTYPE html><html lang="${lang}"><head><meta charset="utf-8"><meta name="robots" content="noindex"><title>${escape(t("unavailable_title"))}</title></head><body><main><p>${escape(t("error_code", { status: 503 }))}</p><h1>${escape(t("unavailable_title"))}</h1><p>${escape(t("unavailable_body"))}</p></main></body></html>`;
  return new Response(html, { status: 503, headers: { ...headers, "retry-after": String(RETRY_AFTER_SECONDS), "content-type": "text/html; charset=utf-8" } });
}

const acceptsGzip = (request: Request) => /\bgzip\b(?!;\s*q=0(?:\.0*)?(?:,|$))/i.test(request.headers.get("accept-encoding") ?? "");

const MAX_CACHED_QUERY_BYTES = 16 * 1024;

async function graphql(request: Request, url: URL, ctx: RequestContext) {
  const run = async (req: Request) => {
    const seen: OperationSeen = {};
    const response = await handleGraphQL(req, { actor: await getActor(req), ip: ctx.ip, seen });
    // The writer's next request must see the change: wait until this process has heard of it.
    if (seen.operation === "mutation") await publicContentSettled();
    return { response, share: seen.operation === "query" };
  };
  if (carriesCredentials(request) || (request.method !== "GET" && request.method !== "POST")) return (await run(request)).response;
  const body = request.method === "POST" ? await request.text() : "";
  const again = () => new Request(request.url, { method: request.method, headers: request.headers, body: request.method === "POST" ? body : undefined });
  if (body.length > MAX_CACHED_QUERY_BYTES) return (await run(again())).response;
  const h = request.headers;
  const key = ["gql", request.method, url.search, h.get("content-type") ?? "", h.get("accept") ?? "", body].join("\n");
  return cachedResponse(key, () => run(again()), { gzip: acceptsGzip(request) });
}

/** Pages whose anonymous rendering depends only on the URL, the language and the viewer's time zone. */
const PUBLIC_PAGES = /^\/(?:|webinars|partners|publications|(?:webinars|publications)\/(?!new$)[^/.]+)$/;

async function page(request: Request, url: URL, ctx: RequestContext) {
  const { handler, routeOf } = await remixHandler();
  noteRoute(routeOf(url.pathname));
  // One-click unsubscribe arrives with a mail provider's Origin (or none); the guard let it through on purpose
  // (ADR 0018), and Remix would abort an action whose Origin is not ours, so it reaches the action without one.
  if (isOneClickUnsubscribe(request.method, url.pathname, url.search) && request.headers.has("origin")) {
    const headers = new Headers(request.headers);
    headers.delete("origin");
    request = new Request(request.url, { method: request.method, headers, body: await request.arrayBuffer(), signal: request.signal });
  }
  // Remix's handleError notes here when the database could not be reached (app/entry.server.tsx).
  const load: Record<string, unknown> & OutageNote = { ip: ctx.ip };
  const render = async () => ({ response: await handler(request, load), share: true });
  let response: Response;
  if (request.method !== "GET" || carriesCredentials(request) || !PUBLIC_PAGES.test(url.pathname)) {
    response = await handler(request, load);
    if (request.method !== "GET" && request.method !== "HEAD") await publicContentSettled();
  } else {
    const lang = resolveLanguage({ cookie: readCookie(request, LANG_COOKIE), acceptLanguage: request.headers.get("accept-language") });
    const zone = viewerTimeZone(request).timeZone ?? "";
    response = await cachedResponse(["page", url.pathname + url.search, lang, zone].join("\n"), render, { gzip: acceptsGzip(request) });
  }
  // Documents already came back as the 503 page; a resource route or data request came back as a bare 500.
  if (load.databaseUnavailable && response.status === 500) return unavailablePage(request, { "cache-control": "no-store" });
  return response;
}
