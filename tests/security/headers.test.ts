import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { scheduleWebinar } from "../../app/services/webinars.server.ts";
import { resetEnv } from "../../app/utils/env.server.ts";
import { makeUser } from "../factories.ts";
import { Client } from "../helpers/app.ts";
import { signInAs } from "../helpers/sign-in.ts";

let webinarId = "";
beforeAll(async () => {
  const staff = await makeUser({ role: "STAFF" });
  const start = new Date(Date.now() + 7 * 24 * 3600_000);
  const webinar = await scheduleWebinar(staff, {
    translations: [{ language: "en", title: "Headers" }],
    startsAt: start,
    endsAt: new Date(start.getTime() + 3600_000),
    timeZone: "UTC",
    meetingUrl: "https://meet.example.org/h",
  });
  webinarId = webinar.id;
});

afterEach(() => {
  process.env.APP_URL = "http://hub.test";
  resetEnv();
});

const signedIn = async () => signInAs(new Client(), (await makeUser()).email);

describe("security headers", () => {
  it("HSTS only when APP_URL is https", async () => {
    expect((await new Client().get("/webinars")).headers.get("strict-transport-security")).toBeNull();
    process.env.APP_URL = "https://hub.test";
    resetEnv();
    for (const path of ["/", "/webinars", "/healthz", "/no-such-page"]) {
      expect((await new Client().get(path)).headers.get("strict-transport-security"), path).toMatch(/max-age=\d{7,}/);
    }
  });

  it("signed-in pages and data are no-store, private; anonymous public pages are not", async () => {
    const browser = await signedIn();
    for (const path of ["/account", "/webinars", `/webinars/${webinarId}`, "/partners", "/webinars.data", "/"]) {
      const response = await browser.get(path);
      expect(response.status, path).toBeLessThan(400);
      expect(response.headers.get("cache-control"), path).toBe("no-store, private");
    }
    expect((await new Client().get("/webinars")).headers.get("cache-control") ?? "").not.toContain("private");
  });

  it("every response that sets a cookie is no-store, private", async () => {
    const anonymous = new Client();
    const lang = await anonymous.post("/lang", { lang: "fr", redirectTo: "/" });
    expect(lang.headers.getSetCookie().length).toBeGreaterThan(0);
    expect(lang.headers.get("cache-control")).toBe("no-store, private");
    const user = await makeUser();
    const browser = new Client();
    await signInAs(browser, user.email);
    const out = await browser.post("/auth/sign-out", {});
    expect(out.headers.getSetCookie().length).toBeGreaterThan(0);
    expect(out.headers.get("cache-control")).toBe("no-store, private");
  });

  it("nosniff and a CSP on /graphql, .data, ?_data, .ics, /healthz and rejections", async () => {
    const client = new Client();
    const responses: [string, Response][] = [
      ["POST /graphql", await client.fetch("/graphql", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ query: "{ webinars { totalCount } }" }) })],
      ["GET /graphql", await client.fetch("/graphql?query=%7Bwebinars%7BtotalCount%7D%7D", { headers: { accept: "application/json" } })],
      ["/webinars.data", await client.get("/webinars.data")],
      ["?_data", await client.get("/webinars?_data=routes%2Fwebinars._index")],
      [".ics", await client.get(`/webinars/${webinarId}/event.ics`)],
      ["/healthz", await client.get("/healthz")],
      ["403", await client.fetch("/lang", { method: "POST", headers: { origin: "http://evil.test", "content-type": "application/x-www-form-urlencoded" }, body: "lang=fr" })],
    ];
    for (const [label, response] of responses) {
      if (label === "403") expect(response.status, label).toBe(403);
      else expect(response.status, label).toBeLessThan(400);
      expect(response.headers.get("x-content-type-options"), label).toBe("nosniff");
      expect(response.headers.get("content-security-policy"), label).toMatch(/default-src 'none'/);
    }
  });

  it("pages keep their own CSP (one hashed script at most: the time-zone pre-fill)", async () => {
    const page = await new Client().get("/webinars");
    expect(page.headers.get("content-security-policy")).toMatch(/script-src 'sha256-[\w+/=]+';/);
    expect(page.headers.get("content-security-policy")).not.toMatch(/unsafe|nonce|\*/);
    expect(page.headers.get("x-content-type-options")).toBe("nosniff");
  });
});
