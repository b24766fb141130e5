import { describe, expect, it } from "vitest";
import { allowedOrigins, corsHeaders, graphqlBodyAllowed, originVerdict, type OriginFacts } from "./cross-origin.ts";
import { securityHeaders } from "./headers.ts";
import { declaredLengthVerdict, pathIsMalformed } from "./limits.ts";

const allowed = allowedOrigins("https://hub.example.org/", "https://partners.example.org, http://localhost:5173 not-a-url");
const post = (facts: Partial<OriginFacts>): OriginFacts => ({ method: "POST", origin: null, host: "hub.example.org", secFetchSite: null, hasCookie: true, hasBearer: false, ...facts });

describe("originVerdict", () => {
  it.each([
    [{ method: "GET", origin: "https://evil.test" }, "allow"],
    [{ origin: "https://hub.example.org" }, "allow"],
    [{ origin: "https://partners.example.org" }, "allow"],
    [{ origin: "https://evil.test" }, "deny"],
    [{ origin: "https://files.hub.example.org" }, "deny"],
    [{ origin: "https://hub.example.org:8443" }, "deny"],
    [{ origin: "http://hub.example.org:8080", host: "hub.example.org:8080" }, "allow"],
    [{ origin: "null" }, "deny"],
    [{ secFetchSite: "same-origin" }, "allow"],
    [{ secFetchSite: "same-site" }, "deny"],
    [{ secFetchSite: "cross-site" }, "deny"],
    [{}, "deny"],
    [{ hasCookie: false }, "allow"],
    [{ hasBearer: true }, "allow"],
    [{ method: "DELETE", origin: "https://evil.test", hasCookie: false }, "deny"],
  ] as const)("%j → %s", (facts, verdict) => {
    expect(originVerdict(post(facts), allowed)).toBe(verdict);
  });
});

describe("corsHeaders", () => {
  it("answers only allowed origins, with credentials, and never reflects others", () => {
    expect(corsHeaders("https://partners.example.org", allowed)).toMatchObject({ "access-control-allow-origin": "https://partners.example.org", "access-control-allow-credentials": "true" });
    expect(corsHeaders("https://evil.test", allowed)).toEqual({ vary: "Origin" });
    expect(corsHeaders(null, allowed)).toEqual({ vary: "Origin" });
  });
});

describe("graphqlBodyAllowed", () => {
  it.each([
    ["application/json", true, false, false, true],
    ["application/json; charset=utf-8", true, false, false, true],
    ["application/x-www-form-urlencoded", true, false, false, false],
    ["multipart/form-data; boundary=x", true, false, false, false],
    ["text/plain", true, false, false, false],
    [null, true, false, false, false],
    ["application/x-www-form-urlencoded", false, false, false, true],
    ["application/x-www-form-urlencoded", true, true, false, true],
    ["multipart/form-data", true, false, true, true],
  ] as const)("%s cookie=%s bearer=%s header=%s → %s", (contentType, hasSessionCookie, hasBearer, csrfHeader, ok) => {
    expect(graphqlBodyAllowed({ contentType, hasSessionCookie, hasBearer, csrfHeader })).toBe(ok);
  });
});

describe("limits and headers", () => {
  it("judges declared lengths and paths", () => {
    expect(declaredLengthVerdict("100", 100)).toBe("ok");
    expect(declaredLengthVerdict("101", 100)).toBe("too_large");
    expect(declaredLengthVerdict(null, 100)).toBe("unknown");
    expect(declaredLengthVerdict("-1", 100)).toBe("invalid");
    expect(pathIsMalformed("/webinars/%00")).toBe(true);
    expect(pathIsMalformed("/webinars/%E0%A4%A")).toBe(true);
    expect(pathIsMalformed("/partners/caf%C3%A9")).toBe(false);
  });

  it("sets HSTS, CSP and no-store from the facts", () => {
    const base = { https: false, pathname: "/healthz", production: true, authenticated: false, contentType: "application/json", hasCsp: false, setsCookie: false };
    expect(securityHeaders(base)).toEqual({ "x-content-type-options": "nosniff", "content-security-policy": expect.stringContaining("default-src 'none'") });
    expect(securityHeaders({ ...base, https: true })["strict-transport-security"]).toBe("max-age=31536000");
    expect(securityHeaders({ ...base, hasCsp: true })["content-security-policy"]).toBeUndefined();
    expect(securityHeaders({ ...base, authenticated: true })["cache-control"]).toBe("no-store, private");
    expect(securityHeaders({ ...base, setsCookie: true })["cache-control"]).toBe("no-store, private");
    expect(securityHeaders({ ...base, pathname: "/graphql", production: false, contentType: "text/html" })["content-security-policy"]).toBeUndefined();
  });
});
