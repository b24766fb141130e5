import { afterEach, describe, expect, it, vi } from "vitest";
import { createApiToken } from "../../app/services/api-tokens.server.ts";
import { prisma } from "../../app/utils/db.server.ts";
import { safeRedirect } from "../../app/utils/request.server.ts";
import { makeUser } from "../factories.ts";
import { app, Client } from "../helpers/app.ts";

const HOUR = 3600_000;
const REGISTER = `mutation($input: PartnerRegistrationInput!) { registerPartner(input: $input) { id } }`;
const SCHEDULE = `mutation($input: ScheduleWebinarInput!) { scheduleWebinar(input: $input) { id } }`;

const partnerInput = (overrides: Record<string, unknown> = {}) => ({
  name: "Observatorio de Movilidad",
  sector: "RESEARCH",
  country: "MX",
  focalPointName: "Lucía Pérez",
  focalPointEmail: `lucia-${Math.random().toString(36).slice(2)}@example.org`,
  consent: true,
  ...overrides,
});

const webinarInput = (overrides: Record<string, unknown> = {}) => {
  const start = new Date(Date.now() + 10 * 24 * HOUR);
  return {
    translations: [{ language: "EN", title: "Care chains", description: "Panel" }],
    startsAt: start.toISOString(),
    endsAt: new Date(start.getTime() + HOUR).toISOString(),
    timeZone: "Africa/Dakar",
    meetingUrl: "https://meet.example.org/c",
    ...overrides,
  };
};

async function staffApi() {
  const staff = await makeUser({ role: "STAFF" });
  const { token } = await createApiToken(staff, { name: "robustness" });
  return (q: string, v?: Record<string, unknown>) => new Client().graphql(q, v, token);
}

const counts = async () => ({ partners: await prisma().partner.count(), webinars: await prisma().webinar.count(), users: await prisma().user.count() });

afterEach(() => vi.restoreAllMocks());

describe("NUL and malformed paths", () => {
  it.each(["/webinars/%00", "/partners/%00", "/webinars/%E0%A4%A", "/webinars/abc%00def/event.ics", "/partners?search=%00", "/webinars?when=%00"])("GET %s is a 4xx, not a 500", async (path) => {
    const response = await new Client().get(path);
    expect(response.status).toBeGreaterThanOrEqual(400);
    expect(response.status).toBeLessThan(500);
  });

  it("a form field with NUL is refused with a 4xx and stores nothing", async () => {
    const before = await counts();
    const response = await new Client().post("/partners/register", {
      name: "Nul\u0000Institute",
      sector: "NGO",
      country: "SN",
      focalPointName: "Awa",
      focalPointEmail: "awa-nul@example.org",
      consent: "on",
    });
    expect(response.status).toBeGreaterThanOrEqual(400);
    expect(response.status).toBeLessThan(500);
    expect(await counts()).toEqual(before);
  });

  it("a multipart form field with NUL, or a malformed multipart body, is a 4xx and stores nothing", async () => {
    const before = await counts();
    const body = new FormData();
    for (const [k, v] of Object.entries({ name: "Nul\u0000Multipart", sector: "NGO", country: "SN", focalPointName: "Awa", focalPointEmail: "awa-mp@example.org", consent: "on" })) body.set(k, v);
    expect((await new Client().fetch("/partners/register", { method: "POST", body })).status).toBe(400);
    const broken = await new Client().fetch("/partners/register", { method: "POST", body: "--x\r\nnot a part", headers: { "content-type": "multipart/form-data; boundary=x" } });
    expect(broken.status).toBe(400);
    expect(await counts()).toEqual(before);
  });

  it("a GraphQL name with NUL answers BAD_USER_INPUT with HTTP 400 and stores nothing", async () => {
    const before = await counts();
    const result = await new Client().graphql(REGISTER, { input: partnerInput({ name: "Nul\u0000Institute" }) });
    expect(result.status).toBe(400);
    expect(result.errors?.[0].extensions?.code).toBe("BAD_USER_INPUT");
    expect(await counts()).toEqual(before);
  });
});

describe("single-line text fields reject control characters", () => {
  it.each([
    ["CR LF", "Evil\r\nBcc: victim@example.org"],
    ["LF", "Line\nbreak"],
    ["tab", "Tab\tbed"],
    ["escape", "Esc\u001b[31m"],
    ["DEL", "Del\u007f"],
    ["C1", "Next\u0085line"],
  ])("a partner name with %s is a field error", async (_label, name) => {
    const before = await counts();
    const result = await new Client().graphql(REGISTER, { input: partnerInput({ name }) });
    expect(result.errors?.[0].extensions).toMatchObject({ code: "BAD_USER_INPUT", fields: { name: "invalid_characters" } });
    expect(await counts()).toEqual(before);
  });

  it("the same field error comes back on the form, in the reader's language", async () => {
    const response = await new Client("198.51.100.61", { "accept-language": "fr" }).post("/partners/register", {
      name: "Evil\r\nBcc: x@example.org",
      sector: "NGO",
      country: "SN",
      focalPointName: "Awa",
      focalPointEmail: "awa-crlf@example.org",
      consent: "on",
    });
    expect(response.status).toBe(400);
    expect(await response.text()).toContain("Supprimez les retours à la ligne");
  });

  it("a focal point name, a webinar title and a speaker name are single-line too", async () => {
    const api = await staffApi();
    const person = await new Client().graphql(REGISTER, { input: partnerInput({ focalPointName: "A\nB" }) });
    expect(person.errors?.[0].extensions?.fields).toMatchObject({ focalPointName: "invalid_characters" });
    const before = await counts();
    const title = await api(SCHEDULE, { input: webinarInput({ translations: [{ language: "EN", title: "Title\r\nX-Header: 1" }] }) });
    expect(title.errors?.[0].extensions?.code).toBe("BAD_USER_INPUT");
    const speaker = await api(SCHEDULE, { input: webinarInput({ speakers: [{ name: "Ana\u0007" }] }) });
    expect(speaker.errors?.[0].extensions?.code).toBe("BAD_USER_INPUT");
    expect(await counts()).toEqual(before);
  });

  it("descriptions keep newlines and tabs but not other control characters", async () => {
    const api = await staffApi();
    const ok = await api(SCHEDULE, { input: webinarInput({ translations: [{ language: "EN", title: "Lines", description: "One\n\tTwo\r\nThree" }] }) });
    expect(ok.errors).toBeUndefined();
    const stored = await prisma().webinarTranslation.findFirstOrThrow({ where: { title: "Lines" } });
    expect(stored.description).toBe("One\n\tTwo\nThree");
    const bad = await api(SCHEDULE, { input: webinarInput({ translations: [{ language: "EN", title: "Bell", description: "Ring\u0007" }] }) });
    expect(bad.errors?.[0].extensions?.code).toBe("BAD_USER_INPUT");
  });
});

describe("malformed cookies are ignored", () => {
  it.each(["gmh_lang=%", "gmh_session=%E0%A4%A", "gmh_tz=%ZZ", "gmh_lang=%; gmh_session=%E0%A4%A; gmh_tz=%ZZ"])("%s", async (cookie) => {
    for (const path of ["/", "/webinars", "/partners", "/auth/sign-in"]) {
      const response = await new Client("203.0.113.9", { cookie }).get(path);
      expect(response.status, path).toBe(200);
    }
    const api = await new Client("203.0.113.9", { cookie }).graphql("{ me { id } }");
    expect(api.status).toBe(200);
    expect(api.data).toEqual({ me: null });
  });
});

describe("redirect targets", () => {
  it.each([
    ["/%0A/x", "/"],
    ["/%0D%0ASet-Cookie:%20x=1", "/"],
    ["/%09/evil.test", "/"],
    ["/\\evil.test", "/"],
    ["//evil.test", "/"],
    ["/partners?search=caf%C3%A9", "/partners?search=caf%C3%A9"],
  ])("/lang with redirectTo=%s goes to %s", async (raw, expected) => {
    const browser = new Client();
    const body = `lang=fr&redirectTo=${raw.replace(/\\/g, "%5C")}`;
    const response = await browser.fetch("/lang", { method: "POST", body, headers: { "content-type": "application/x-www-form-urlencoded" } });
    expect(response.status).toBe(302);
    expect(response.headers.get("location")).toBe(expected);
  });

  it("safeRedirect, used by every redirectTo, keeps only same-site paths", () => {
    for (const evil of ["/\t/evil.test", "/\n/evil.test", "/\\evil.test", "//evil.test", "https://evil.test", "/\u0000", " /x", "/x\u0085"]) {
      expect(safeRedirect(evil), JSON.stringify(evil)).toBe("/");
    }
    expect(safeRedirect("/webinars?when=past#top")).toBe("/webinars?when=past#top");
    expect(safeRedirect("/partners?search=café")).toBe("/partners?search=caf%C3%A9");
  });
});

describe("GraphQL request errors are BAD_USER_INPUT with HTTP 400", () => {
  it("a missing required variable", async () => {
    const result = await new Client().graphql(REGISTER, {});
    expect(result.status).toBe(400);
    expect(result.errors?.[0].extensions?.code).toBe("BAD_USER_INPUT");
  });

  it("a wrong-typed variable", async () => {
    const result = await new Client().graphql(REGISTER, { input: partnerInput({ consent: "yes", name: 42 }) });
    expect(result.status).toBe(400);
    expect(result.errors?.[0].extensions?.code).toBe("BAD_USER_INPUT");
  });

  it.each(["not a date", "2031-13-45T99:00:00Z", "1", "2031-03-30T10:00"])("a bad DateTime %j", async (startsAt) => {
    const api = await staffApi();
    const before = await counts();
    // endsAt is valid and later, so only startsAt can be refused.
    const result = await api(SCHEDULE, { input: webinarInput({ startsAt, endsAt: "2031-03-30T12:00:00Z" }) });
    expect(result.status).toBe(400);
    expect(result.errors?.[0].extensions?.code).toBe("BAD_USER_INPUT");
    expect(await counts()).toEqual(before);
  });

  it("a bad DateTime literal in the document", async () => {
    const api = await staffApi();
    const result = await api(`mutation { scheduleWebinar(input: { translations: [{ language: EN, title: "T" }], startsAt: "soon", endsAt: "later", timeZone: "UTC", meetingUrl: "https://m.example.org/x" }) { id } }`);
    expect(result.status).toBe(400);
    expect(result.errors?.[0].extensions?.code).toBe("BAD_USER_INPUT");
  });

  it.each([
    ["a lone high surrogate", "Casa \ud800"],
    ["a lone low surrogate", "\udc00 Casa"],
  ])("%s in a variable", async (_label, name) => {
    const before = await counts();
    const result = await new Client().graphql(REGISTER, { input: partnerInput({ name }) });
    expect(result.status).toBe(400);
    expect(result.errors?.[0].extensions?.code).toBe("BAD_USER_INPUT");
    expect(await counts()).toEqual(before);
  });

  it("a NUL escape in a string literal of the document", async () => {
    const result = await new Client().graphql(`{ webinar(id: "\\u0000") { id } }`);
    expect(result.status).toBe(400);
    expect(result.errors?.[0].extensions?.code).toBe("BAD_USER_INPUT");
  });

  it("a syntax error and an unknown field", async () => {
    for (const query of ["{ webinars { ", "{ nope }"]) {
      const result = await new Client().graphql(query);
      expect(result.status).toBe(400);
      expect(result.errors?.[0].extensions?.code).toBe("BAD_USER_INPUT");
    }
  });

  it("a well-formed pair of surrogates (an emoji) is kept", async () => {
    const result = await new Client().graphql(REGISTER, { input: partnerInput({ name: "Red 🌍 Migraciones" }) });
    expect(result.errors).toBeUndefined();
  });
});

describe("form bodies are size-limited", () => {
  it("a 2 MB urlencoded POST is refused with 413 and nothing is stored", async () => {
    const before = await counts();
    const body = `name=${"a".repeat(2 * 1024 * 1024)}&sector=NGO&country=SN&focalPointName=A&focalPointEmail=big%40example.org&consent=on`;
    const response = await new Client().fetch("/partners/register", { method: "POST", body, headers: { "content-type": "application/x-www-form-urlencoded" } });
    expect(response.status).toBe(413);
    expect(await counts()).toEqual(before);
  });

  it("a body without a declared length is counted as it streams", async () => {
    const chunk = new TextEncoder().encode("a".repeat(64 * 1024));
    let sent = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent++ < 40) controller.enqueue(chunk);
        else controller.close();
      },
    });
    const request = new Request("http://hub.test/partners/register", {
      method: "POST",
      body,
      headers: { "content-type": "application/x-www-form-urlencoded", origin: "http://hub.test" },
      duplex: "half",
    } as RequestInit);
    const response = await (await app())(request, { ip: "203.0.113.10" });
    expect(response.status).toBe(413);
    expect(sent).toBeLessThan(40);
  });
});

describe("logs", () => {
  it("a 404 writes one line, not a stack trace", async () => {
    const lines: string[] = [];
    const capture = (...args: unknown[]) => void lines.push(args.map((a) => (a instanceof Error ? String(a.stack) : String(a))).join(" "));
    vi.spyOn(console, "error").mockImplementation(capture);
    vi.spyOn(console, "warn").mockImplementation(capture);
    vi.spyOn(console, "log").mockImplementation(capture);
    for (const path of ["/no-such-page", "/webinars/does-not-exist"]) {
      expect((await new Client().get(path)).status).toBe(404);
    }
    const text = lines.join("\n");
    expect(text.split("\n").length).toBeLessThanOrEqual(2);
    expect(text).not.toMatch(/\n\s+at /);
  });
});
