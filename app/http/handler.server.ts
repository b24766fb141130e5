import path from "node:path";
import { pathToFileURL } from "node:url";
import { createRequestHandler, type ServerBuild } from "@remix-run/node";
import { handleGraphQL, type OperationSeen } from "../../graphql/yoga.server.ts";
import { resolveLanguage } from "../i18n/index.ts";
import { publicContentSettled } from "../utils/public-content.server.ts";
import { LANG_COOKIE } from "../utils/request.server.ts";
import { carriesCredentials, getActor, readCookie } from "../utils/session.server.ts";
import { viewerTimeZone } from "../utils/viewer-time-zone.server.ts";
import { isOneClickUnsubscribe } from "./cross-origin.ts";
import { admitRequest, withSecurityHeaders } from "./guard.server.ts";
import { cachedResponse } from "./response-cache.server.ts";

export interface RequestContext {
  /** Client address, computed by the HTTP server (proxy-aware only when TRUST_PROXY is set). */
  ip?: string;
}

type RemixHandler = (request: Request, loadContext?: Record<string, unknown>) => Promise<Response>;
let remix: Promise<RemixHandler> | undefined;

function remixHandler() {
  remix ??= import(pathToFileURL(path.resolve("build/index.js")).href).then((build: ServerBuild) =>
    createRequestHandler(build, process.env.NODE_ENV === "development" ? "development" : "production"),
  );
  return remix;
}

/**
 * The one front door: the HTTP server and the tests both answer every request through it. `/graphql` goes straight
 * to yoga; everything else to Remix.
 */
export async function handleRequest(request: Request, ctx: RequestContext): Promise<Response> {
  // A Host header that makes no URL (e.g. "a b") reaches us as an unparsable request.url.
  if (!URL.canParse(request.url)) {
    return new Response("400 Malformed request\n", { status: 400, headers: { "content-type": "text/plain; charset=utf-8", "x-content-type-options": "nosniff" } });
  }
  // The guard (URL and headers), then the one body reader: from here on the body is bytes already read, so Remix,
  // yoga and any clone read it whole, however it arrived (sized, chunked, empty).
  const admitted = await admitRequest(request, ctx);
  if (admitted instanceof Response) return withSecurityHeaders(request, admitted);
  request = admitted;
  const url = new URL(request.url);
  const response = url.pathname === "/graphql" ? await graphql(request, url, ctx) : await page(request, url, ctx);
  return withSecurityHeaders(request, response);
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
  const handler = await remixHandler();
  // One-click unsubscribe arrives with a mail provider's Origin (or none); the guard let it through on purpose
  // (ADR 0018), and Remix would abort an action whose Origin is not ours, so it reaches the action without one.
  if (isOneClickUnsubscribe(request.method, url.pathname, url.search) && request.headers.has("origin")) {
    const headers = new Headers(request.headers);
    headers.delete("origin");
    request = new Request(request.url, { method: request.method, headers, body: await request.arrayBuffer(), signal: request.signal });
  }
  const render = async () => ({ response: await handler(request, { ip: ctx.ip }), share: true });
  if (request.method !== "GET" || carriesCredentials(request) || !PUBLIC_PAGES.test(url.pathname)) {
    const response = await handler(request, { ip: ctx.ip });
    if (request.method !== "GET" && request.method !== "HEAD") await publicContentSettled();
    return response;
  }
  const lang = resolveLanguage({ cookie: readCookie(request, LANG_COOKIE), acceptLanguage: request.headers.get("accept-language") });
  const zone = viewerTimeZone(request).timeZone ?? "";
  return cachedResponse(["page", url.pathname + url.search, lang, zone].join("\n"), render, { gzip: acceptsGzip(request) });
}
