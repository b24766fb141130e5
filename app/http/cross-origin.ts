/**
 * Pure decisions about cross-origin requests, shared by every front door (express today, a bare HTTP handler
 * tomorrow). See docs/decisions/0010-cross-origin-and-graphql-limits.md.
 */

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

export const isStateChanging = (method: string) => !SAFE_METHODS.has(method.toUpperCase());

/** The app's own origin (APP_URL) plus the configured ALLOWED_ORIGINS (comma- or space-separated). */
export function allowedOrigins(appUrl: string, extra: string | undefined): Set<string> {
  const origins = new Set([new URL(appUrl).origin]);
  for (const item of (extra ?? "").split(/[\s,]+/)) {
    if (!item) continue;
    try {
      origins.add(new URL(item).origin);
    } catch {
      // env validation reports malformed entries at start; a stray one here must not open anything
    }
  }
  return origins;
}

export interface OriginFacts {
  method: string;
  origin: string | null;
  /** The Host header: a browser's request to us always names our host, whatever APP_URL says. */
  host: string | null;
  secFetchSite: string | null;
  hasCookie: boolean;
  hasBearer: boolean;
}

export type OriginVerdict = "allow" | "deny";

/**
 * A state-changing request is accepted only from an allowed origin. Browsers send Origin on every POST, and
 * Sec-Fetch-Site on every request, so their absence means a non-browser client: allowed when it carries no
 * cookie (curl, scripts) or authenticates with a Bearer token, which a cross-site page cannot attach.
 */
export function originVerdict(facts: OriginFacts, allowed: Set<string>): OriginVerdict {
  if (!isStateChanging(facts.method)) return "allow";
  if (facts.origin !== null) return allowed.has(facts.origin) || sameHost(facts.origin, facts.host) ? "allow" : "deny";
  if (facts.secFetchSite !== null) return facts.secFetchSite === "same-origin" || facts.secFetchSite === "none" ? "allow" : "deny";
  return facts.hasCookie && !facts.hasBearer ? "deny" : "allow";
}

/**
 * RFC 8058 one-click unsubscribe: a mail provider POSTs to the List-Unsubscribe URL from its own servers or from
 * a webmail page, with a foreign Origin or none. The one exception to the origin rule is exactly that: a POST to
 * `/unsubscribe/<token>` (one segment, no query). It is safe because the unguessable token in the URL, not a
 * cookie, is the authority, and the only effect is to stop mail (docs/decisions/0018). Nothing else matches:
 * not the preference centre, not other methods, not sub-paths.
 */
export function isOneClickUnsubscribe(method: string, pathname: string, search: string) {
  return method.toUpperCase() === "POST" && search === "" && /^\/unsubscribe\/[A-Za-z0-9_.-]{1,200}$/.test(pathname);
}

// As Remix's own check: the page that sent the request was served by this host (e.g. 127.0.0.1 while APP_URL says
// localhost). Another port or subdomain is another host; DNS rebinding changes Host but leaves our cookies behind.
function sameHost(origin: string, host: string | null) {
  if (!host) return false;
  try {
    return new URL(origin).host === host.toLowerCase();
  } catch {
    return false;
  }
}

/** CORS for /graphql: only allowed origins, never a reflected arbitrary one; credentials only for those. */
export function corsHeaders(origin: string | null, allowed: Set<string>): Record<string, string> {
  if (!origin || !allowed.has(origin)) return { vary: "Origin" };
  return {
    "access-control-allow-origin": origin,
    "access-control-allow-credentials": "true",
    "access-control-allow-methods": "GET, POST, OPTIONS",
    "access-control-allow-headers": "content-type, authorization, x-graphql-csrf",
    "access-control-max-age": "600",
    vary: "Origin",
  };
}

/**
 * A cookie-authenticated GraphQL POST must be JSON (or carry x-graphql-csrf): urlencoded, multipart and
 * text/plain bodies are "simple" requests a cross-site form can send without a preflight.
 */
export function graphqlBodyAllowed(facts: { contentType: string | null; hasSessionCookie: boolean; hasBearer: boolean; csrfHeader: boolean }) {
  if (!facts.hasSessionCookie || facts.hasBearer || facts.csrfHeader) return true;
  const type = (facts.contentType ?? "").split(";")[0].trim().toLowerCase();
  return type === "application/json";
}
