import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createApiToken } from "../../app/services/api-tokens.server.ts";
import { randomToken, sha256 } from "../../app/services/crypto.server.ts";
import { prisma } from "../../app/utils/db.server.ts";
import { resetEnv } from "../../app/utils/env.server.ts";
import { focalPointOf, makePartner, makeUser } from "../factories.ts";
import { app, Client } from "../helpers/app.ts";
import { signInAs } from "../helpers/sign-in.ts";

const EVIL = "http://evil.test";
const SIBLING = "http://files.hub.test";
const OTHER_PORT = "http://hub.test:8080";
const INVITE = `mutation($p: ID!, $e: String!) { invitePartnerMember(partnerId: $p, email: $e, role: FOCAL_POINT) { id } }`;

async function focalPointBrowser() {
  const partner = await makePartner();
  const focal = await focalPointOf(partner);
  const browser = await signInAs(new Client(), focal.email);
  return { partner, focal, browser };
}

/** People added to an institution or invited to it: either would be an attacker's win. */
const members = async (partnerId: string) =>
  (await prisma().membership.count({ where: { partnerId } })) + (await prisma().partnerInvitation.count({ where: { partnerId } }));
const invited = (email: string) => prisma().partnerInvitation.count({ where: { email } });

/** A form POST as a browser on another origin sends it: the victim's cookie rides along, Origin says who asked. */
function formPost(browser: Client, path: string, fields: Record<string, string>, headers: Record<string, string>) {
  return browser.fetch(path, { method: "POST", body: new URLSearchParams(fields), headers: { "content-type": "application/x-www-form-urlencoded", ...headers } });
}

/** A request with exactly the given headers (no helper defaults), as curl or a script would send it. */
async function raw(path: string, init: RequestInit & { headers?: Record<string, string> }) {
  return (await app())(new Request(`http://hub.test${path}`, init), { ip: "203.0.113.50" });
}

describe("state-changing requests from other origins are refused", () => {
  it.each([
    ["another site", { origin: EVIL }],
    ["a sibling subdomain", { origin: SIBLING }],
    ["another port of the host", { origin: OTHER_PORT }],
    ["an opaque origin", { origin: "null" }],
  ])("a ?_data= form POST adding a focal point from %s → 403, nothing added", async (_label, headers) => {
    const { partner, browser } = await focalPointBrowser();
    const before = await members(partner.id);
    const response = await formPost(browser, `/partners/${partner.id}?_data=routes%2Fpartners.%24id`, { intent: "invite", email: "attacker@evil.test", role: "FOCAL_POINT" }, headers);
    expect(response.status).toBe(403);
    expect(await members(partner.id)).toBe(before);
    expect(await prisma().user.count({ where: { email: "attacker@evil.test" } })).toBe(0);
  });

  it("a single-fetch .data POST from a sibling subdomain → 403, nothing added", async () => {
    const { partner, browser } = await focalPointBrowser();
    const before = await members(partner.id);
    const response = await formPost(browser, `/partners/${partner.id}.data`, { intent: "invite", email: "attacker@evil.test", role: "FOCAL_POINT" }, { origin: SIBLING });
    expect(response.status).toBe(403);
    expect(await members(partner.id)).toBe(before);
  });

  it("the same POST from the app's own origin goes through (the check is not a blanket ban)", async () => {
    const { partner, browser } = await focalPointBrowser();
    const before = await members(partner.id);
    const response = await formPost(browser, `/partners/${partner.id}?_data=routes%2Fpartners.%24id`, { intent: "invite", email: "colleague@example.org", role: "MEMBER" }, { origin: "http://hub.test" });
    expect(response.status).toBe(200);
    expect(await members(partner.id)).toBe(before + 1);
  });

  it("/lang from another origin does not change the profile", async () => {
    const user = await makeUser();
    const browser = await signInAs(new Client(), user.email);
    const response = await formPost(browser, "/lang", { lang: "es", redirectTo: "/" }, { origin: SIBLING });
    expect(response.status).toBe(403);
    expect((await prisma().user.findUniqueOrThrow({ where: { id: user.id } })).language).not.toBe("ES");
  });

  it("login CSRF: a cross-site POST of an attacker's token to /auth/verify?_data= signs nobody in", async () => {
    const attacker = await makeUser({ email: "attacker-login@evil.test" });
    const token = randomToken();
    await prisma().signInToken.create({ data: { email: attacker.email, tokenHash: sha256(token), expiresAt: new Date(Date.now() + 60_000) } });
    const victim = new Client("198.51.100.77", { cookie: "gmh_lang=en" });
    const response = await formPost(victim, "/auth/verify?_data=routes%2Fauth.verify", { token }, { origin: EVIL });
    expect(response.status).toBe(403);
    expect(response.headers.getSetCookie().some((c) => c.startsWith("gmh_session="))).toBe(false);
    expect(await prisma().session.count({ where: { userId: attacker.id } })).toBe(0);
  });

  it("without Origin, Sec-Fetch-Site decides: cross-site and same-site are refused, same-origin passes", async () => {
    const user = await makeUser();
    const browser = await signInAs(new Client(), user.email);
    const cookie = [...browser.cookies].map(([k, v]) => `${k}=${v}`).join("; ");
    const post = (site: string) =>
      raw("/lang", { method: "POST", body: "lang=fr&redirectTo=/", headers: { cookie, "content-type": "application/x-www-form-urlencoded", host: "hub.test", "sec-fetch-site": site } });
    expect((await post("cross-site")).status).toBe(403);
    expect((await post("same-site")).status).toBe(403);
    expect((await prisma().user.findUniqueOrThrow({ where: { id: user.id } })).language).not.toBe("FR");
    expect((await post("same-origin")).status).toBe(302);
    expect((await prisma().user.findUniqueOrThrow({ where: { id: user.id } })).language).toBe("FR");
  });

  it("a page served from another name of this host (Origin host = Host header) may post; the Host must match exactly", async () => {
    const user = await makeUser();
    const browser = await signInAs(new Client(), user.email);
    const cookie = [...browser.cookies].map(([k, v]) => `${k}=${v}`).join("; ");
    const post = (origin: string, host: string) =>
      raw("/lang", { method: "POST", body: "lang=es&redirectTo=/", headers: { cookie, origin, host, "content-type": "application/x-www-form-urlencoded" } });
    expect((await post("http://127.0.0.1:3000", "127.0.0.1:3001")).status).toBe(403);
    expect((await prisma().user.findUniqueOrThrow({ where: { id: user.id } })).language).not.toBe("ES");
    expect((await post("http://127.0.0.1:3000", "127.0.0.1:3000")).status).toBe(302);
    expect((await prisma().user.findUniqueOrThrow({ where: { id: user.id } })).language).toBe("ES");
  });

  it("with a cookie but neither Origin nor Sec-Fetch-Site, a POST is refused; without a cookie (curl) it passes", async () => {
    const user = await makeUser();
    const browser = await signInAs(new Client(), user.email);
    const cookie = [...browser.cookies].map(([k, v]) => `${k}=${v}`).join("; ");
    const form = { "content-type": "application/x-www-form-urlencoded", host: "hub.test" };
    expect((await raw("/lang", { method: "POST", body: "lang=fr&redirectTo=/", headers: { ...form, cookie } })).status).toBe(403);
    expect((await raw("/lang", { method: "POST", body: "lang=fr&redirectTo=/", headers: form })).status).toBe(302);
    const api = await raw("/graphql", { method: "POST", body: JSON.stringify({ query: "{ webinars { totalCount } }" }), headers: { "content-type": "application/json" } });
    expect(api.status).toBe(200);
  });
});

describe("/graphql: CORS and cookie-authenticated bodies", () => {
  let restore: string | undefined;
  beforeEach(() => {
    restore = process.env.ALLOWED_ORIGINS;
  });
  afterEach(() => {
    if (restore === undefined) delete process.env.ALLOWED_ORIGINS;
    else process.env.ALLOWED_ORIGINS = restore;
    resetEnv();
  });

  it("never reflects an arbitrary Origin, and never allows credentials for one", async () => {
    const { browser } = await focalPointBrowser();
    const preflight = await browser.fetch("/graphql", { method: "OPTIONS", headers: { origin: EVIL, "access-control-request-method": "POST", "access-control-request-headers": "content-type" } });
    expect(preflight.headers.get("access-control-allow-origin")).toBeNull();
    expect(preflight.headers.get("access-control-allow-credentials")).toBeNull();
    const read = await browser.fetch("/graphql?query=%7Bme%7Bemail%7D%7D", { headers: { origin: EVIL, accept: "application/json" } });
    expect(read.headers.get("access-control-allow-origin")).toBeNull();
    expect(read.headers.get("access-control-allow-credentials")).toBeNull();
  });

  it("a configured origin (ALLOWED_ORIGINS) gets CORS with credentials and may POST", async () => {
    process.env.ALLOWED_ORIGINS = "https://partners.example.org, http://localhost:5173";
    resetEnv();
    const { partner, browser } = await focalPointBrowser();
    const preflight = await browser.fetch("/graphql", { method: "OPTIONS", headers: { origin: "http://localhost:5173", "access-control-request-method": "POST" } });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get("access-control-allow-origin")).toBe("http://localhost:5173");
    expect(preflight.headers.get("access-control-allow-credentials")).toBe("true");
    const response = await browser.fetch("/graphql", {
      method: "POST",
      headers: { origin: "https://partners.example.org", "content-type": "application/json" },
      body: JSON.stringify({ query: INVITE, variables: { p: partner.id, e: "allowed-origin@example.org" } }),
    });
    expect(response.status).toBe(200);
    expect(response.headers.get("access-control-allow-origin")).toBe("https://partners.example.org");
    expect(await invited("allowed-origin@example.org")).toBe(1);
    // ALLOWED_ORIGINS open the API, not the pages' forms
    const form = await formPost(browser, "/lang", { lang: "es", redirectTo: "/" }, { origin: "https://partners.example.org" });
    expect(form.status).toBe(403);
  });

  it.each([
    ["application/x-www-form-urlencoded", (q: string, v: object) => new URLSearchParams({ query: q, variables: JSON.stringify(v) }).toString()],
    ["text/plain", (q: string, v: object) => JSON.stringify({ query: q, variables: v })],
  ])("a same-origin %s mutation with a session cookie is refused (415), nothing changes", async (type, encode) => {
    const { partner, browser } = await focalPointBrowser();
    const before = await members(partner.id);
    const response = await browser.fetch("/graphql", { method: "POST", headers: { "content-type": type }, body: encode(INVITE, { p: partner.id, e: "form-attacker@evil.test" }) });
    expect(response.status).toBe(415);
    expect(await members(partner.id)).toBe(before);
  });

  it("a multipart/form-data mutation with a session cookie is refused, nothing changes", async () => {
    const { partner, browser } = await focalPointBrowser();
    const before = await members(partner.id);
    const body = new FormData();
    body.set("operations", JSON.stringify({ query: INVITE, variables: { p: partner.id, e: "multipart-attacker@evil.test" } }));
    body.set("map", "{}");
    const response = await browser.fetch("/graphql", { method: "POST", body });
    expect(response.status).toBe(415);
    expect(await members(partner.id)).toBe(before);
  });

  it("Bearer clients are unaffected: a urlencoded mutation with a token and no Origin runs", async () => {
    const partner = await makePartner();
    const { token } = await createApiToken(await makeUser({ role: "STAFF" }), { name: "script" });
    const body = new URLSearchParams({ query: INVITE, variables: JSON.stringify({ p: partner.id, e: "bearer-invite@example.org" }) }).toString();
    const response = await raw("/graphql", { method: "POST", body, headers: { authorization: `Bearer ${token}`, "content-type": "application/x-www-form-urlencoded", accept: "application/json" } });
    expect(response.status).toBe(200);
    expect(await invited("bearer-invite@example.org")).toBe(1);
  });

  it("a cookie client that sends the x-graphql-csrf header (which forces a preflight) may use other bodies", async () => {
    const { partner, browser } = await focalPointBrowser();
    const body = new URLSearchParams({ query: INVITE, variables: JSON.stringify({ p: partner.id, e: "header-invite@example.org" }) }).toString();
    const response = await browser.fetch("/graphql", { method: "POST", body, headers: { "content-type": "application/x-www-form-urlencoded", "x-graphql-csrf": "1", accept: "application/json" } });
    expect(response.status).toBe(200);
    expect(await invited("header-invite@example.org")).toBe(1);
  });

  it("GET never runs a mutation", async () => {
    const { partner, browser } = await focalPointBrowser();
    const before = await members(partner.id);
    const q = encodeURIComponent(`mutation { invitePartnerMember(partnerId: "${partner.id}", email: "get-attacker@evil.test", role: FOCAL_POINT) { id } }`);
    const response = await browser.fetch(`/graphql?query=${q}`, { headers: { accept: "application/json" } });
    expect(response.status).toBe(405);
    expect(await members(partner.id)).toBe(before);
  });

  it("a cross-origin JSON POST with the cookie is refused before yoga runs", async () => {
    const { partner, browser } = await focalPointBrowser();
    const before = await members(partner.id);
    const response = await browser.fetch("/graphql", {
      method: "POST",
      headers: { origin: SIBLING, "content-type": "application/json" },
      body: JSON.stringify({ query: INVITE, variables: { p: partner.id, e: "sibling@evil.test" } }),
    });
    expect(response.status).toBe(403);
    expect(((await response.json()) as { errors: { extensions: { code: string } }[] }).errors[0].extensions.code).toBe("FORBIDDEN");
    expect(await members(partner.id)).toBe(before);
  });
});
