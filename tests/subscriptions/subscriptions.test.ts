import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { handleRequest } from "../../app/http/handler.server.ts";
import { requestSignInLink } from "../../app/services/auth.server.ts";
import { isSuppressed, suppressionKey } from "../../app/services/subscriptions/suppression.server.ts";
import { purgeExpiredSignUps } from "../../app/services/subscriptions/subscriptions.server.ts";
import { prisma } from "../../app/utils/db.server.ts";
import { deliverDue } from "../../emails/worker.ts";
import { makeUser } from "../factories.ts";
import { Client } from "../helpers/app.ts";
import { useWebhookAndSmtpSink } from "../helpers/webhook-mail.ts";

const SECRET = "webhook-secret-for-tests-0123456789";
const mail = useWebhookAndSmtpSink(SECRET);

let seq = 0;
const fresh = () => new Client(`198.51.100.${++seq}`);
const form = (email: string, extra: Record<string, string | string[]> = {}) => ({
  email,
  language: "fr",
  topics: ["CARE_WORK", "REMITTANCES"],
  frequency: "WEEKLY",
  wording: "2026-11-v1",
  ...extra,
});

/** Delivers the outbox to the SMTP sink and returns the mails that arrived for `to` since `from`. */
async function mailsTo(to: string) {
  await deliverDue();
  return mail.sink.received.filter((m) => m.to === to);
}
const linkIn = (text: string, pattern: RegExp) => pattern.exec(text)?.[0] ?? "";

async function confirmedSubscriber(email: string) {
  await fresh().post("/subscribe", form(email));
  const [mail] = (await mailsTo(email)).slice(-1);
  const confirm = linkIn(String(mail.parsed.text), /http:\/\/hub\.test\/subscribe\/confirm\/\S+/);
  const page = await fresh().post(new URL(confirm).pathname, {});
  expect(page.status).toBe(200);
  const html = await page.text();
  const token = /\/subscription\/([\w.-]+)/.exec(html)![1];
  return token;
}

describe("double opt-in", () => {
  it("subscribe → confirmation mail (transactional, in the chosen language) → GET shows a button → POST confirms", async () => {
    const res = await fresh().post("/subscribe", form("Reader@Example.org"));
    expect(res.status).toBe(200);
    expect(await res.text()).toContain("reader@example.org");
    const row = await prisma().subscriber.findUniqueOrThrow({ where: { email: "reader@example.org" } });
    expect(row).toMatchObject({ status: "PENDING", language: "FR", frequency: "WEEKLY", consentSource: "web", consentWordingVersion: "2026-11-v1" });
    expect(row.topics.sort()).toEqual(["CARE_WORK", "REMITTANCES"]);
    const outbox = await prisma().outboxMessage.findFirstOrThrow({ where: { toAddress: "reader@example.org" } });
    expect(outbox.priority).toBe("TRANSACTIONAL");
    const [mail] = await mailsTo("reader@example.org");
    expect(mail.parsed.subject).toBe("Confirmez votre abonnement à GenMig Hub");
    expect(String(mail.parsed.text)).toContain("48 heures");
    const link = linkIn(String(mail.parsed.text), /http:\/\/hub\.test\/subscribe\/confirm\/\S+/);
    expect(link).not.toBe("");
    // a link scanner's GET changes nothing
    expect((await fresh().get(new URL(link).pathname)).status).toBe(200);
    expect((await prisma().subscriber.findUniqueOrThrow({ where: { email: "reader@example.org" } })).status).toBe("PENDING");
    const confirmed = await fresh().post(new URL(link).pathname, {});
    expect(confirmed.status).toBe(200);
    const after = await prisma().subscriber.findUniqueOrThrow({ where: { email: "reader@example.org" } });
    expect(after.status).toBe("CONFIRMED");
    expect(after.confirmedAt).toBeInstanceOf(Date);
    // the link works once
    expect((await fresh().post(new URL(link).pathname, {})).status).toBe(400);
  });

  it("a repeat sign-up re-sends a new link (the old one stops working) and answers like any other", async () => {
    await fresh().post("/subscribe", form("again@example.org"));
    const first = linkIn(String((await mailsTo("again@example.org"))[0].parsed.text), /http:\/\/hub\.test\/subscribe\/confirm\/\S+/);
    await fresh().post("/subscribe", form("again@example.org", { language: "es" }));
    const mails = await mailsTo("again@example.org");
    expect(mails).toHaveLength(2);
    expect(mails[1].parsed.subject).toBe("Confirme su suscripción a GenMig Hub");
    const second = linkIn(String(mails[1].parsed.text), /http:\/\/hub\.test\/subscribe\/confirm\/\S+/);
    expect(second).not.toBe(first);
    const stale = await fresh().post(new URL(first).pathname, {});
    expect(stale.status).toBe(400);
    expect(await stale.text()).toContain("This link is invalid or no longer works");
    expect((await fresh().post(new URL(second).pathname, {})).status).toBe(200);
  });

  it("answers the same for a confirmed, a pending and an unknown address; the confirmed owner gets their preference link", async () => {
    await confirmedSubscriber("known@example.org");
    const before = await prisma().subscriber.findUniqueOrThrow({ where: { email: "known@example.org" } });
    const strip = (html: string, email: string) => html.replaceAll(email, "EMAIL");
    const known = await fresh().post("/subscribe", form("known@example.org", { language: "en", topics: ["TRAFFICKING"] }));
    const unknown = await fresh().post("/subscribe", form("nobody@example.org", { language: "en", topics: ["TRAFFICKING"] }));
    expect(known.status).toBe(unknown.status);
    expect(strip(await known.text(), "known@example.org")).toBe(strip(await unknown.text(), "nobody@example.org"));
    const gql = (email: string) =>
      fresh().graphql<{ subscribe: { ok: boolean } }>(`mutation($i: SubscribeInput!) { subscribe(input: $i) { ok } }`, {
        i: { email, language: "EN", topics: ["TRAFFICKING"], frequency: "MONTHLY" },
      });
    expect(await gql("known@example.org")).toEqual(await gql("stranger@example.org"));
    // a stranger's repeat sign-up changes nothing of a confirmed subscription
    const after = await prisma().subscriber.findUniqueOrThrow({ where: { email: "known@example.org" } });
    expect(after).toMatchObject({ language: before.language, topics: before.topics, frequency: before.frequency, status: "CONFIRMED" });
    const mails = await mailsTo("known@example.org");
    expect(mails.at(-1)!.parsed.subject).toBe("Vous êtes déjà abonné·e aux actualités de GenMig Hub");
    expect(String(mails.at(-1)!.parsed.text)).toMatch(/http:\/\/hub\.test\/subscription\/[\w.-]+/);
  });

  it("an expired link gives a clear error; the purge removes the stale sign-up", async () => {
    await fresh().post("/subscribe", form("late@example.org"));
    const link = linkIn(String((await mailsTo("late@example.org"))[0].parsed.text), /http:\/\/hub\.test\/subscribe\/confirm\/\S+/);
    await prisma().subscriber.update({ where: { email: "late@example.org" }, data: { confirmExpiresAt: new Date(Date.now() - 1000) } });
    const res = await fresh().post(new URL(link).pathname, {});
    expect(res.status).toBe(400);
    expect(await res.text()).toContain("This confirmation link has expired");
    const { data, errors } = await fresh().graphql(`mutation($t: String!) { confirmSubscription(token: $t) { status } }`, { t: new URL(link).pathname.split("/").pop() });
    expect(data).toBeNull();
    expect(errors?.[0].extensions?.code).toBe("BAD_USER_INPUT");
    expect((await purgeExpiredSignUps()).deleted).toBeGreaterThanOrEqual(1);
    expect(await prisma().subscriber.findUnique({ where: { email: "late@example.org" } })).toBeNull();
  });

  it("refuses bad input field by field and stores nothing", async () => {
    const cases: [Record<string, string | string[]>, string][] = [
      [form("not-an-email"), "email"],
      [form("a@example.org\r\nBcc: x@example.org"), "email"],
      [form("b@example.org", { topics: ["NOT_A_TOPIC"] }), "topics"],
      [form("c@example.org", { topics: [] }), "topics"],
      [form("d@example.org", { language: "de" }), "language"],
      [form("e@example.org", { frequency: "DAILY" }), "frequency"],
    ];
    for (const [fields, field] of cases) {
      const res = await fresh().post("/subscribe", fields);
      expect(res.status).toBe(400);
      expect(await res.text()).toContain(`id="f-${field}-error"`);
    }
    const gql = await fresh().graphql(`mutation($i: SubscribeInput!) { subscribe(input: $i) { ok } }`, {
      i: { email: "bad", language: "EN", topics: ["CARE_WORK"], frequency: "WEEKLY" },
    });
    expect(gql.errors?.[0].extensions?.code).toBe("BAD_USER_INPUT");
    expect(gql.errors?.[0].extensions?.fields).toHaveProperty("email");
    const unknownTopic = await fresh().graphql(`mutation($i: SubscribeInput!) { subscribe(input: $i) { ok } }`, {
      i: { email: "ok@example.org", language: "EN", topics: ["NOPE"], frequency: "WEEKLY" },
    });
    expect(unknownTopic.errors?.length).toBeGreaterThan(0);
    expect(await prisma().subscriber.count({ where: { email: { in: ["b@example.org", "c@example.org", "d@example.org", "e@example.org", "ok@example.org"] } } })).toBe(0);
  });

  it("limits anonymous sign-ups per requester", async () => {
    const client = fresh();
    const statuses: number[] = [];
    for (let i = 0; i < 12; i++) statuses.push((await client.post("/subscribe", form(`flood${i}@example.org`))).status);
    expect(statuses.slice(0, 10).every((s) => s === 200)).toBe(true);
    expect(statuses.at(-1)).toBe(429);
  });
});

describe("preference centre and unsubscribe", () => {
  it("changes language, topics and frequency without signing in; a bad link is not found", async () => {
    const token = await confirmedSubscriber("prefs@example.org");
    const page = await fresh().get(`/subscription/${token}`);
    expect(page.status).toBe(200);
    const saved = await fresh().post(`/subscription/${token}`, { intent: "save", language: "es", topics: ["DISPLACEMENT"], frequency: "MONTHLY" });
    expect(saved.status).toBe(200);
    expect(await prisma().subscriber.findUniqueOrThrow({ where: { email: "prefs@example.org" } })).toMatchObject({ language: "ES", topics: ["DISPLACEMENT"], frequency: "MONTHLY" });
    const bad = await fresh().post(`/subscription/${token}`, { intent: "save", topics: ["BOGUS"], frequency: "MONTHLY", language: "es" });
    expect(bad.status).toBe(400);
    expect((await prisma().subscriber.findUniqueOrThrow({ where: { email: "prefs@example.org" } })).topics).toEqual(["DISPLACEMENT"]);
    expect((await fresh().get(`/subscription/${token.slice(0, -3)}abc`)).status).toBe(404);
    const viaApi = await fresh().graphql<{ updateSubscription: { frequency: string; topics: string[] } }>(
      `mutation($t: String!) { updateSubscription(token: $t, input: { frequency: WEEKLY, topics: [CARE_WORK] }) { frequency topics } }`,
      { t: token },
    );
    expect(viaApi.data?.updateSubscription).toEqual({ frequency: "WEEKLY", topics: ["CARE_WORK"] });
  });

  it("GET /unsubscribe only asks; POST with the one-click body, without a body, or cross-origin unsubscribes", async () => {
    for (const [email, init] of [
      ["one-click@example.org", { method: "POST", body: "List-Unsubscribe=One-Click", headers: { "content-type": "application/x-www-form-urlencoded", origin: "https://mail.example.net" } }],
      ["no-body@example.org", { method: "POST", headers: { origin: "null" } }],
      ["no-origin@example.org", { method: "POST", headers: { origin: "" } }],
    ] as const) {
      const token = await confirmedSubscriber(email);
      const ask = await fresh().get(`/unsubscribe/${token}`);
      expect(ask.status).toBe(200);
      expect(await ask.text()).toContain(email);
      expect((await prisma().subscriber.findUniqueOrThrow({ where: { email } })).status).toBe("CONFIRMED");
      const headers = new Headers(init.headers as Record<string, string>);
      if (headers.get("origin") === "") headers.delete("origin");
      const client = fresh();
      const res = await (headers.has("origin")
        ? client.fetch(`/unsubscribe/${token}`, { ...init, headers: Object.fromEntries(headers) })
        : handleRequest(new Request(`http://hub.test/unsubscribe/${token}`, { method: "POST", headers: { host: "hub.test" } }), { ip: "192.0.2.1" }));
      expect(res.status).toBe(200);
      const row = await prisma().subscriber.findUniqueOrThrow({ where: { email } });
      expect(row.status).toBe("UNSUBSCRIBED");
      expect(await isSuppressed(prisma(), email)).toBe(true);
      // mail clients retry: the second POST answers the same
      expect((await client.fetch(`/unsubscribe/${token}`, { method: "POST", headers: { origin: "https://mail.example.net" } })).status).toBe(200);
    }
  });

  it("the Origin exception is only for POST /unsubscribe/<token>", async () => {
    const token = await confirmedSubscriber("narrow@example.org");
    const foreign = { origin: "https://evil.example" };
    const c = fresh();
    c.cookies.set("gmh_session", "x");
    expect((await c.fetch(`/subscription/${token}`, { method: "POST", headers: foreign, body: new URLSearchParams({ intent: "unsubscribe" }) })).status).toBe(403);
    expect((await c.fetch(`/unsubscribe/${token}?_data=routes%2Funsubscribe.%24token`, { method: "POST", headers: foreign })).status).toBe(403);
    expect((await c.fetch(`/unsubscribe/${token}/x`, { method: "POST", headers: foreign })).status).toBe(403);
    expect((await c.fetch(`/subscribe`, { method: "POST", headers: foreign, body: new URLSearchParams({ email: "csrf@example.org", language: "en", topics: "CARE_WORK", frequency: "WEEKLY" }) })).status).toBe(403);
    expect((await prisma().subscriber.findUniqueOrThrow({ where: { email: "narrow@example.org" } })).status).toBe("CONFIRMED");
    // an invented token unsubscribes nobody
    expect((await c.fetch(`/unsubscribe/s_abc_1.forged`, { method: "POST", headers: foreign })).status).toBe(404);
  });

  it("resubscribing from the preference centre lifts the unsubscribe suppression only once the mailed link is followed", async () => {
    const token = await confirmedSubscriber("back@example.org");
    await fresh().fetch(`/unsubscribe/${token}`, { method: "POST" });
    expect(await isSuppressed(prisma(), "back@example.org")).toBe(true);
    await fresh().post(`/subscription/${token}`, { intent: "resubscribe", language: "en", topics: ["CARE_WORK"], frequency: "WEEKLY" });
    expect((await prisma().subscriber.findUniqueOrThrow({ where: { email: "back@example.org" } })).status).toBe("PENDING");
    expect(await isSuppressed(prisma(), "back@example.org")).toBe(true);
    const confirm = linkIn(String((await mailsTo("back@example.org")).at(-1)!.parsed.text), /http:\/\/hub\.test\/subscribe\/confirm\/\S+/);
    expect((await fresh().post(new URL(confirm).pathname, {})).status).toBe(200);
    expect((await prisma().subscriber.findUniqueOrThrow({ where: { email: "back@example.org" } })).status).toBe("CONFIRMED");
    expect(await isSuppressed(prisma(), "back@example.org")).toBe(false);
  });
});

describe("suppression", () => {
  // A provider's server: no Origin, no cookie.
  const raw = (body: string, auth: Record<string, string>) =>
    handleRequest(new Request("http://hub.test/webhooks/email-events", { method: "POST", headers: { host: "hub.test", "content-type": "application/json", ...auth }, body }), { ip: "192.0.2.9" });
  const post = (body: unknown, auth: Record<string, string> = { authorization: `Bearer ${SECRET}` }) => raw(JSON.stringify(body), auth);
  // Each event names itself and when it happened (replays are refused: tests/security/email-events-replay.test.ts).
  let ids = 0;
  const at = () => ({ id: `evt-${Date.now()}-${++ids}`, timestamp: new Date().toISOString() });

  it("a webhook with a bad or missing secret is refused and changes nothing", async () => {
    const body = { events: [{ type: "complaint", email: "victim@example.org" }] };
    expect((await post(body, { authorization: "Bearer wrong-secret-wrong-secret-wrong" })).status).toBe(401);
    expect((await post(body, {})).status).toBe(401);
    expect((await post(body, { "x-signature": "sha256=" + "0".repeat(64) })).status).toBe(401);
    expect(await isSuppressed(prisma(), "victim@example.org")).toBe(false);
  });

  it("hard bounces and complaints suppress at once, soft bounces at the third; an HMAC signature works too", async () => {
    await confirmedSubscriber("complainer@example.org");
    const res = await post({
      events: [
        { ...at(), type: "bounce", bounceType: "hard", email: "Gone@Example.org", diagnostic: "550 5.1.1 no such user" },
        { ...at(), type: "complaint", email: "complainer@example.org" },
        { ...at(), type: "bounce", bounceType: "soft", email: "full@example.org" },
        { ...at(), type: "bounce", bounceType: "soft", email: "full@example.org" },
        { type: "delivered", email: "x@example.org" },
        { type: "bounce", email: "no-type@example.org" },
      ],
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ hardBounces: 1, complaints: 1, softBounces: 2, suppressed: 2, ignored: 1, invalid: 1 });
    expect(await isSuppressed(prisma(), "gone@example.org")).toBe(true);
    expect(await isSuppressed(prisma(), "complainer@example.org")).toBe(true);
    expect((await prisma().subscriber.findUniqueOrThrow({ where: { email: "complainer@example.org" } })).status).toBe("UNSUBSCRIBED");
    expect(await isSuppressed(prisma(), "full@example.org")).toBe(false);
    const body = JSON.stringify({ events: [{ ...at(), type: "bounce", bounceType: "soft", email: "full@example.org" }] });
    const signature = crypto.createHmac("sha256", SECRET).update(body).digest("hex");
    const signed = await raw(body, { "x-signature": `sha256=${signature}` });
    expect(signed.status).toBe(200);
    expect((await prisma().suppressionEntry.findUniqueOrThrow({ where: { addressHash: suppressionKey("full@example.org") } })).reason).toBe("SOFT_BOUNCE_THRESHOLD");
    expect((await post({ nope: true })).status).toBe(400);
  });

  it("a suppressed address still receives its sign-in link (transactional mail ignores the list)", async () => {
    const user = await makeUser({ email: "partner-person@example.org" });
    await prisma().suppressionEntry.create({ data: { addressHash: suppressionKey(user.email), reason: "UNSUBSCRIBED" } });
    await requestSignInLink({ email: user.email });
    const mails = await mailsTo(user.email);
    expect(mails.at(-1)!.parsed.subject).toBe("Your GenMig Hub sign-in link");
  });

  it("imports a list from the CLI and shows the counts", async () => {
    // Asynchronously: a blocked test worker misses its own heartbeats.
    const run = async (...args: string[]) => (await promisify(execFile)("npx", ["tsx", "cli.ts", ...args], { env, encoding: "utf8" })).stdout;
    // Its own process: an embedded database directory of its own, or this file's PostgreSQL database.
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "genmig-cli-"));
    const env: NodeJS.ProcessEnv = { ...process.env, DATA_DIR: dataDir, NODE_ENV: "production", DATABASE_URL: process.env.TEST_DATABASE_URL ? process.env.DATABASE_URL : "" };
    // It sends nothing: without the test's SMTP server a production start needs no real sender.
    delete env.SMTP_URL;
    await run("migrate");
    const file = path.join(os.tmpdir(), `suppress-${crypto.randomBytes(4).toString("hex")}.csv`);
    fs.writeFileSync(file, "email,name\nimported1@example.org,One\n\"Imported2@Example.org\";Two\nnot-an-address\nimported1@example.org\n");
    const out = await run("suppression:import", file);
    expect(out).toContain("Read 5 lines: 2 added, 1 already suppressed, 2 invalid.");
    expect(out).toContain("Invalid lines: 1, 4");
    const again = await run("suppression:import", file);
    expect(again).toContain("0 added, 3 already suppressed");
  }, 120_000);
});
