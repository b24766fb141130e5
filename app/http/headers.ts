/** Response headers every answer gets, decided from facts about the request and the response (pure). */

// For everything that is not a page: JSON, calendars, health checks. Nothing in them may run or be framed.
export const STRICT_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

export interface HeaderFacts {
  https: boolean;
  pathname: string;
  production: boolean;
  /** The request carries a signed session cookie or an Authorization header. */
  authenticated: boolean;
  contentType: string | null;
  hasCsp: boolean;
  setsCookie: boolean;
}

/** Headers to set (overwriting what the route set, except where noted). */
export function securityHeaders(facts: HeaderFacts): Record<string, string> {
  const headers: Record<string, string> = { "x-content-type-options": "nosniff" };
  // max-age only: includeSubDomains would bind sibling hosts of the organisation that we do not run.
  if (facts.https) headers["strict-transport-security"] = "max-age=31536000";
  const graphiql = !facts.production && facts.pathname === "/graphql" && /^text\/html/i.test(facts.contentType ?? "");
  if (!facts.hasCsp && !graphiql) headers["content-security-policy"] = STRICT_CSP;
  // What one person sees must never be stored by a shared cache or the browser's back-forward history.
  if (facts.authenticated || facts.setsCookie) headers["cache-control"] = "no-store, private";
  return headers;
}
