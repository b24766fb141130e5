import { describe, expect, it } from "vitest";
import { hit, LIMITS, requesterKey } from "../../app/services/rate-limit.server.ts";
import { scheduleWebinar } from "../../app/services/webinars.server.ts";
import { prisma } from "../../app/utils/db.server.ts";
import { emailMessages } from "../../emails/messages.ts";
import { makeUser } from "../factories.ts";
import { Client } from "../helpers/app.ts";

const HOUR = 3600_000;
let n = 0;
const unique = (prefix: string) => `${prefix}-${++n}-${Math.random().toString(36).slice(2, 8)}`;

const REGISTER_PARTNER = "mutation($input: PartnerRegistrationInput!) { registerPartner(input: $input) { status } }";
const partnerInput = (overrides: Record<string, unknown> = {}) => ({
  name: unique("Institute"),
  sector: "NGO",
  country: "SN",
  focalPointName: "Focal Point",
  focalPointEmail: `${unique("fp")}@example.org`,
  consent: true,
  ...overrides,
});
const REGISTER_WEBINAR = "mutation($id: ID!, $input: WebinarRegistrationInput!) { registerForWebinar(webinarId: $id, input: $input) { status } }";
const SIGN_IN = "mutation($email: String!) { requestSignInLink(email: $email) { ok } }";

const codeOf = (r: { errors?: { extensions?: { code?: string } }[] }) => r.errors?.[0]?.extensions?.code ?? "OK";
const mailsTo = (address: string) => prisma().outboxMessage.count({ where: { toAddress: address } });

async function publicWebinar() {
  const staff = await makeUser({ role: "STAFF" });
  const start = new Date(Date.now() + 10 * 24 * HOUR);
  return scheduleWebinar(staff, {
    translations: [{ language: "en", title: "Remittances and care", description: "Panel" }],
    startsAt: start,
    endsAt: new Date(start.getTime() + HOUR),
    timeZone: "UTC",
    meetingUrl: "https://meet.example.org/r",
  });
}

describe("atomic limits", () => {
  it("lets exactly the limit through when 40 attempts arrive at once", async () => {
    const now = new Date("2026-03-01T10:00:30Z");
    const results = await Promise.all(Array.from({ length: 40 }, () => hit("test:burst", { max: 5, windowMs: 60_000 }, now)));
    expect(results.filter((r) => r.allowed)).toHaveLength(5);
    expect(results.map((r) => r.count).sort((a, b) => a - b)).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
  });

  it("40 concurrent registrations from one address over HTTP: exactly the per-IP limit pass and send mail", async () => {
    const attacker = new Client("198.51.100.66");
    const before = await prisma().outboxMessage.count();
    const answers = await Promise.all(Array.from({ length: 40 }, () => attacker.graphql(REGISTER_PARTNER, { input: partnerInput() })));
    const codes = answers.map(codeOf);
    expect(codes.filter((c) => c === "OK")).toHaveLength(LIMITS.partnerRegistration.perIp.max);
    expect(codes.filter((c) => c === "RATE_LIMITED")).toHaveLength(40 - LIMITS.partnerRegistration.perIp.max);
    expect(answers.find((a) => codeOf(a) === "RATE_LIMITED")?.status).toBe(429);
    expect(await prisma().outboxMessage.count()).toBe(before + LIMITS.partnerRegistration.perIp.max);
  });

  it("40 concurrent sign-in requests from one address: exactly the per-IP limit are served", async () => {
    const attacker = new Client("198.51.100.67");
    const answers = await Promise.all(Array.from({ length: 40 }, () => attacker.graphql(SIGN_IN, { email: `${unique("x")}@example.org` })));
    expect(answers.filter((a) => codeOf(a) === "OK")).toHaveLength(LIMITS.signIn.perIp.max);
  });

  it("weighs the previous window in and prunes expired counters", async () => {
    const limit = { max: 4, windowMs: 60_000 };
    const t0 = new Date("2026-03-01T10:00:00Z");
    for (let i = 0; i < 4; i++) expect((await hit("test:slide", limit, t0)).allowed).toBe(true);
    // 15 s into the next window, 75% of the previous one still counts: 3 + 1 fits, 3 + 2 does not
    expect((await hit("test:slide", limit, new Date(t0.getTime() + 75_000))).allowed).toBe(true);
    expect((await hit("test:slide", limit, new Date(t0.getTime() + 75_000))).allowed).toBe(false);
    expect((await hit("test:slide", limit, new Date(t0.getTime() + 165_000))).allowed).toBe(true);
    await prisma().$executeRaw`INSERT INTO "RateLimitCounter" ("bucket", "windowStart", "count", "expiresAt") VALUES ('test:old', ${t0}, 9, ${t0})`;
    await hit(unique("test:fresh"), limit, new Date(t0.getTime() + 86400_000));
    expect(await prisma().rateLimitCounter.count({ where: { bucket: "test:old" } })).toBe(0);
  });
});

describe("requester buckets", () => {
  it("group an IPv6 host's /64 so it cannot take a fresh address per request; IPv4 stays as is", () => {
    expect(requesterKey("2001:db8:1:2:aaaa::1")).toBe("2001:db8:1:2::/64");
    expect(requesterKey("2001:0db8:0001:0002:ffff:ffff:ffff:ffff")).toBe("2001:db8:1:2::/64");
    expect(requesterKey("2001:db8::7")).toBe("2001:db8:0:0::/64");
    expect(requesterKey("::1")).toBe("0:0:0:0::/64");
    expect(requesterKey("198.51.100.7")).toBe("198.51.100.7");
  });

  it("an IPv6 client rotating addresses inside its /64 shares one limit", async () => {
    const answers = [];
    for (let i = 0; i <= LIMITS.signIn.perIp.max; i++) {
      answers.push(codeOf(await new Client(`2001:db8:77:1::${(i + 1).toString(16)}`).graphql(SIGN_IN, { email: `${unique("v6")}@example.org` })));
    }
    expect(answers.at(-1)).toBe("RATE_LIMITED");
  });
});

describe("every anonymous write that sends mail is limited per IP and globally", () => {
  it("partner registration through the page form shares the GraphQL limit, per IP and per recipient", async () => {
    const visitor = new Client("198.51.100.70");
    for (let i = 0; i < LIMITS.partnerRegistration.perIp.max; i++) {
      expect((await visitor.post("/partners/register", { ...partnerInput(), consent: "on" })).status).toBe(200);
    }
    const limited = await visitor.post("/partners/register", { ...partnerInput(), consent: "on" });
    expect(limited.status).toBe(429);
    expect(await limited.text()).toContain("Too many requests");
    expect(codeOf(await visitor.graphql(REGISTER_PARTNER, { input: partnerInput() }))).toBe("RATE_LIMITED");

    const target = `${unique("victim")}@example.org`;
    for (let i = 0; i < LIMITS.partnerRegistration.perAddress.max; i++) {
      expect(codeOf(await new Client(`192.0.2.${100 + i}`).graphql(REGISTER_PARTNER, { input: partnerInput({ focalPointEmail: target }) }))).toBe("OK");
    }
    expect(codeOf(await new Client("192.0.2.99").graphql(REGISTER_PARTNER, { input: partnerInput({ focalPointEmail: target }) }))).toBe("RATE_LIMITED");
    expect(await mailsTo(target)).toBe(LIMITS.partnerRegistration.perAddress.max);
  });

  it("anonymous webinar registration through GraphQL and the page form shares one per-IP limit", async () => {
    const webinar = await publicWebinar();
    const visitor = new Client("198.51.100.71");
    const half = Math.floor(LIMITS.webinarRegistration.perIp.max / 2);
    for (let i = 0; i < half; i++) {
      const r = await visitor.graphql(REGISTER_WEBINAR, { id: webinar.id, input: { email: `${unique("w")}@example.org`, name: "W", timeZone: "UTC" } });
      expect(codeOf(r)).toBe("OK");
    }
    for (let i = half; i < LIMITS.webinarRegistration.perIp.max; i++) {
      const r = await visitor.post(`/webinars/${webinar.id}`, { intent: "register", email: `${unique("w")}@example.org`, name: "W", timeZone: "UTC" });
      expect(r.status).toBe(200);
    }
    const page = await visitor.post(`/webinars/${webinar.id}`, { intent: "register", email: `${unique("w")}@example.org`, name: "W", timeZone: "UTC" });
    expect(page.status).toBe(429);
    const api = await visitor.graphql(REGISTER_WEBINAR, { id: webinar.id, input: { email: `${unique("w")}@example.org`, name: "W", timeZone: "UTC" } });
    expect(codeOf(api)).toBe("RATE_LIMITED");
    expect(await prisma().webinarRegistrationRequest.count({ where: { webinarId: webinar.id } })).toBe(LIMITS.webinarRegistration.perIp.max);

    const target = `${unique("victim")}@example.org`;
    for (let i = 0; i < LIMITS.webinarRegistration.perAddress.max; i++) {
      await new Client(`192.0.2.${150 + i}`).graphql(REGISTER_WEBINAR, { id: webinar.id, input: { email: target, name: "V", timeZone: "UTC" } });
    }
    const flood = await new Client("192.0.2.149").graphql(REGISTER_WEBINAR, { id: webinar.id, input: { email: target, name: "V", timeZone: "UTC" } });
    expect(codeOf(flood)).toBe("RATE_LIMITED");
    expect(await mailsTo(target)).toBe(LIMITS.webinarRegistration.perAddress.max);
  });
});

describe("sign-in requests", () => {
  it("never lock the owner out: a flood answers ok like success, stops mailing, and the owner elsewhere still gets a link", async () => {
    const owner = await makeUser();
    const attacker = new Client("198.51.100.80");
    const answers = [];
    for (let i = 0; i < 8; i++) answers.push(await attacker.post("/auth/sign-in", { email: owner.email }));
    expect(answers.map((r) => r.status)).toEqual(Array(8).fill(200));
    expect(new Set(await Promise.all(answers.map((r) => r.text()))).size).toBe(1);
    expect(await mailsTo(owner.email)).toBe(LIMITS.signIn.perAddressFromIp.max);
    const api = await attacker.graphql(SIGN_IN, { email: owner.email });
    expect(api.data).toEqual({ requestSignInLink: { ok: true } });

    const ownBrowser = new Client("203.0.113.50");
    const mine = await ownBrowser.post("/auth/sign-in", { email: owner.email });
    expect(mine.status).toBe(200);
    expect(await mailsTo(owner.email)).toBe(LIMITS.signIn.perAddressFromIp.max + 1);
  });

  it("stops mailing a hot address asked about from many places, except where its owner signed in before", async () => {
    const owner = await makeUser();
    const ownBrowser = new Client("203.0.113.60");
    await ownBrowser.post("/auth/sign-in", { email: owner.email });
    const mail = await prisma().outboxMessage.findFirstOrThrow({ where: { toAddress: owner.email } });
    const token = /token=([\w-]+)/.exec(mail.text)![1];
    expect((await ownBrowser.post("/auth/verify", { token })).status).toBe(302);
    for (let i = 0; i < LIMITS.signIn.perAddress.max; i++) await new Client(`192.0.2.${200 + (i % 50)}`).graphql(SIGN_IN, { email: owner.email });
    const sent = await mailsTo(owner.email);
    const stranger = await new Client("198.51.100.90").post("/auth/sign-in", { email: owner.email });
    expect(stranger.status).toBe(200);
    expect(await mailsTo(owner.email)).toBe(sent);
    await ownBrowser.post("/auth/sign-in", { email: owner.email });
    expect(await mailsTo(owner.email)).toBe(sent + 1);
  });

  it("a new link retires the older unused ones", async () => {
    const owner = await makeUser();
    const browser = new Client("203.0.113.70");
    await browser.post("/auth/sign-in", { email: owner.email });
    await browser.post("/auth/sign-in", { email: owner.email });
    const [first, second] = await prisma().outboxMessage.findMany({ where: { toAddress: owner.email }, orderBy: { createdAt: "asc" } });
    const tokenOf = (text: string) => /token=([\w-]+)/.exec(text)![1];
    const old = await browser.post("/auth/verify", { token: tokenOf(first.text) });
    expect(old.status).toBe(400);
    expect((await browser.post("/auth/verify", { token: tokenOf(second.text) })).status).toBe(302);
  });
});

describe("no unverified free text in subjects of mail to unverified addresses", () => {
  it("partner receipt: fixed subject in the applicant's language, the name only quoted in the body", async () => {
    const spam = "WIN A PRIZE at https://prize.example/claim";
    for (const lang of ["en", "fr", "es"] as const) {
      const email = `${unique("spam")}@example.org`;
      await new Client(`192.0.2.${lang.charCodeAt(0)}`).post("/partners/register", {
        ...partnerInput({ name: `${spam} ${lang}`, focalPointEmail: email, focalPointName: spam }),
        language: lang,
        consent: "on",
      });
      const mail = await prisma().outboxMessage.findFirstOrThrow({ where: { toAddress: email } });
      expect(mail.subject).toBe(emailMessages[lang].received_subject);
      expect(mail.text).toContain(`${emailMessages[lang].submitted_label}\n> ${spam} ${lang}`);
      expect(mail.html).toContain(`<q>${spam} ${lang}</q>`);
    }
  });

  it("webinar confirmation to an anonymous address: the registrant's text appears in no subject", async () => {
    const webinar = await publicWebinar();
    const email = `${unique("spam")}@example.org`;
    await new Client("192.0.2.77").graphql(REGISTER_WEBINAR, {
      id: webinar.id,
      input: { email, name: "WIN A PRIZE at https://prize.example", institution: "CLAIM NOW", timeZone: "UTC" },
    });
    const mail = await prisma().outboxMessage.findFirstOrThrow({ where: { toAddress: email } });
    expect(mail.subject).toBe("Confirm your registration: Remittances and care");
    expect(`${mail.subject}${mail.text}`).not.toMatch(/PRIZE|CLAIM/);
  });
});

// Last: it uses up the global budget that the other tests share.
describe("the global ceiling", () => {
  it("partner registration has a global ceiling however many addresses ask", async () => {
    const used = await prisma().rateLimitCounter.aggregate({ _sum: { count: true }, where: { bucket: "partner-register:global" } });
    const left = LIMITS.partnerRegistration.global.max - (used._sum.count ?? 0);
    const codes: string[] = [];
    for (let i = 0; i <= left && !codes.includes("RATE_LIMITED"); i++) {
      codes.push(codeOf(await new Client(`10.1.${Math.floor(i / 200)}.${i % 200}`).graphql(REGISTER_PARTNER, { input: partnerInput() })));
    }
    // each from a fresh address and to a fresh recipient: only the global bucket can refuse
    expect(codes.at(-1)).toBe("RATE_LIMITED");
    expect(codes.filter((c) => c === "OK").length).toBeLessThanOrEqual(left);
  });
});
