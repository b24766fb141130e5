import { env } from "../utils/env.server.ts";
import { sessionSecret } from "../utils/session.server.ts";
import { allowedOrigins, corsHeaders, graphqlBodyAllowed, isOneClickUnsubscribe, isStateChanging, originVerdict } from "./cross-origin.ts";
import { securityHeaders } from "./headers.ts";
import { readBody } from "./body.server.ts";
import { refusal } from "./refusal.ts";
import { pathIsMalformed } from "./limits.ts";

let cached: { key: string; origins: Set<string>; own: Set<string> } | undefined;
/** ALLOWED_ORIGINS extend /graphql (CORS and cookie requests); pages and forms take only the app's own origin. */
function origins(graphql = true) {
  const { APP_URL, ALLOWED_ORIGINS } = env();
  const key = `${APP_URL} ${ALLOWED_ORIGINS ?? ""}`;
  if (cached?.key !== key) cached = { key, origins: allowedOrigins(APP_URL, ALLOWED_ORIGINS), own: allowedOrigins(APP_URL, undefined) };
  return graphql ? cached.origins : cached.own;
}

const hasBearer = (request: Request) => /^bearer\s/i.test(request.headers.get("authorization") ?? "");
const hasSessionCookie = (request: Request) => /(?:^|;\s*)gmh_session=/.test(request.headers.get("cookie") ?? "");

/**
 * The one check in front of every request, whatever route (page, `?_data=`, resource route, /graphql) it
 * reaches: well-formed path, allowed origin for state changes, JSON-only GraphQL with cookies. It looks at the
 * URL and the headers only; the body is read after it, once, by readBody (body.server.ts). Answers a rejection,
 * or null to let the request through.
 */
export async function guardRequest(request: Request, _ctx: { ip?: string }): Promise<Response | null> {
  const url = new URL(request.url);
  if (pathIsMalformed(url.pathname) || /%00/i.test(url.search)) return refusal(request, 400, "BAD_REQUEST", "Malformed URL");
  const origin = request.headers.get("origin");
  const graphql = url.pathname === "/graphql";
  if (graphql && request.method === "OPTIONS") {
    return new Response(null, { status: 204, headers: corsHeaders(origin, origins()) });
  }
  const facts = {
    method: request.method,
    origin,
    host: request.headers.get("host"),
    secFetchSite: request.headers.get("sec-fetch-site"),
    hasCookie: Boolean(request.headers.get("cookie")),
    hasBearer: hasBearer(request),
  };
  const oneClick = isOneClickUnsubscribe(request.method, url.pathname, url.search);
  if (!oneClick && originVerdict(facts, origins(graphql)) === "deny") return refusal(request, 403, "FORBIDDEN", "Cross-origin request refused");
  if (!isStateChanging(request.method)) return null;
  if (
    graphql &&
    !graphqlBodyAllowed({
      contentType: request.headers.get("content-type"),
      hasSessionCookie: hasSessionCookie(request),
      hasBearer: facts.hasBearer,
      csrfHeader: request.headers.has("x-graphql-csrf"),
    })
  ) {
    return refusal(request, 415, "UNSUPPORTED_MEDIA_TYPE", "With a session cookie, send GraphQL as application/json");
  }
  return null;
}

/** Security headers on every response: nosniff, CSP where the page set none, HSTS, no-store when personal. */
export function withSecurityHeaders(request: Request, response: Response): Response {
  const url = new URL(request.url);
  const { APP_URL, NODE_ENV } = env();
  const set = securityHeaders({
    https: APP_URL.startsWith("https:"),
    pathname: url.pathname,
    production: NODE_ENV === "production",
    authenticated: Boolean(sessionSecret(request)) || request.headers.has("authorization"),
    contentType: response.headers.get("content-type"),
    hasCsp: response.headers.has("content-security-policy"),
    setsCookie: response.headers.has("set-cookie"),
  });
  if (url.pathname === "/graphql") Object.assign(set, corsHeaders(request.headers.get("origin"), origins()));
  const headers = new Headers(response.headers);
  // yoga's own CORS headers are replaced by ours, never merged with them
  if (url.pathname === "/graphql") for (const name of [...headers.keys()]) if (name.startsWith("access-control-")) headers.delete(name);
  for (const [name, value] of Object.entries(set)) {
    const vary = name === "vary" ? headers.get("vary") : null;
    headers.set(name, vary && !/\borigin\b/i.test(vary) ? `${vary}, ${value}` : value);
  }
  return new Response(response.body, { status: response.status, statusText: response.statusText, headers });
}

/**
 * The guard, then the one body reader: a refusal, or the request with its body read (a new Request over the bytes,
 * safe to read and clone any number of times).
 */
export async function admitRequest(request: Request, ctx: { ip?: string }): Promise<Request | Response> {
  return (await guardRequest(request, ctx)) ?? (await readBody(request));
}
