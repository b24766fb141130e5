import { afterEach, describe, expect, it } from "vitest";
import { handleRequest } from "../../app/http/handler.server.ts";
import { confirmSubscription } from "../../app/services/subscriptions/subscriptions.server.ts";
import { isSuppressed } from "../../app/services/subscriptions/suppression.server.ts";
import { prisma } from "../../app/utils/db.server.ts";
import { resetEnv } from "../../app/utils/env.server.ts";
import { deliverDue } from "../../emails/worker.ts";
import { preferenceToken } from "../../app/services/subscriptions/links.server.ts";
import { makeUser } from "../factories.ts";
import { Client } from "../helpers/app.ts";
import { signInAs } from "../helpers/sign-in.ts";
import { useWebhookAndSmtpSink } from "../helpers/webhook-mail.ts";

// Links in list mail travel: digests are forwarded, mailboxes shared. What a link can still do once its owner has
// unsubscribed, and how long a confirmation link lives, decide who controls a subscription (ADR 0041).
const SECRET = "webhook-secret-for-link-tests-0123456789";
const mail = useWebhookAndSmtpSink(SECRET);
afterEach(() => {
  delete process.env.SUBSCRIPTION_CONFIRM_HOURS;
  resetEnv();
});

let seq = 0;
const fresh = () => new Client(`198.51.100.${100 + (++seq % 150)}`);
const form = (email: string, extra: Record<string, string | string[]> = {}) => ({
  email,
  language: "en",
  topics: ["CARE_WORK"],
  frequency: "WEEKLY",
  wording: "2026-11-v1",
  ...extra,
});

async function mailsTo(to: string) {
  await deliverDue();
  return mail.sink.received.filter((m) => m.to === to);
}
const CONFIRM = /http:\/\/hub\.test\/subscribe\/confirm\/\S+/;
const confirmPathIn = (mail: { parsed: { text?: string } }) => new URL(CONFIRM.exec(String(mail.parsed.text))![0]).pathname;
const latestConfirmPath = async (email: string) => confirmPathIn((await mailsTo(email)).at(-1)!);
const row = (email: string) => prisma().subscriber.findUniqueOrThrow({ where: { email } });

/** Signs up and confirms through the pages; the preference token the confirmation page links to. */
async function confirmedSubscriber(email: string) {
  await fresh().post("/subscribe", form(email));
  const page = await fresh().post(await latestConfirmPath(email), {});
  expect(page.status).toBe(200);
  return /\/subscription\/([\w.-]+)/.exec(await page.text())![1];
}

const oneClick = (token: string) =>
  handleRequest(
    new Request(`http://hub.test/unsubscribe/${token}`, {
      method: "POST",
      headers: { host: "hub.test", origin: "https://mail.example.net", "content-type": "application/x-www-form-urlencoded" },
      body: "List-Unsubscribe=One-Click",
    }),
    { ip: "192.0.2.44" },
  );

describe("a link from a forwarded digest, after its owner unsubscribed", () => {
  it("cannot re-subscribe nor lift the suppression from the preference page; it mails the owner a fresh confirmation instead", async () => {
    const email = "forwarded@example.org";
    const token = await confirmedSubscriber(email);
    expect((await oneClick(token)).status).toBe(200);
    expect(await isSuppressed(prisma(), email)).toBe(true);
    const before = (await mailsTo(email)).length;

    const page = await fresh().post(`/subscription/${token}`, { intent: "resubscribe", language: "en", topics: ["CARE_WORK"], frequency: "WEEKLY" });
    expect(page.status).toBe(200);
    expect(await page.text()).toContain("confirmation link");
    expect((await row(email)).status).not.toBe("CONFIRMED");
    expect(await isSuppressed(prisma(), email)).toBe(true);
    // The owner, not the link holder, decides: a new confirmation mail goes to the address.
    const mails = await mailsTo(email);
    expect(mails.length).toBe(before + 1);
    const confirmPath = confirmPathIn(mails.at(-1)!);
    expect(await isSuppressed(prisma(), email)).toBe(true);
    expect((await fresh().post(confirmPath, {})).status).toBe(200);
    expect((await row(email)).status).toBe("CONFIRMED");
    expect(await isSuppressed(prisma(), email)).toBe(false);
  });

  it("cannot re-subscribe or change topics through GraphQL either", async () => {
    const email = "forwarded-api@example.org";
    const token = await confirmedSubscriber(email);
    const gone = await fresh().graphql<{ unsubscribe: { status: string; active: boolean } }>(`mutation($t: String!) { unsubscribe(token: $t) { status active } }`, { t: token });
    expect(gone.data?.unsubscribe).toEqual({ status: "UNSUBSCRIBED", active: false });

    const change = await fresh().graphql(`mutation($t: String!) { updateSubscription(token: $t, input: { topics: [TRAFFICKING], frequency: MONTHLY }) { topics } }`, { t: token });
    expect(change.errors?.[0].extensions?.code).toBe("BAD_USER_INPUT");
    expect(await row(email)).toMatchObject({ topics: ["CARE_WORK"], frequency: "WEEKLY" });

    const again = await fresh().graphql<{ updateSubscription: { status: string; active: boolean } }>(
      `mutation($t: String!) { updateSubscription(token: $t, input: { resubscribe: true }) { status active } }`,
      { t: token },
    );
    expect(again.errors).toBeUndefined();
    expect(again.data?.updateSubscription.active).toBe(false);
    expect((await row(email)).status).not.toBe("CONFIRMED");
    expect(await isSuppressed(prisma(), email)).toBe(true);
    expect(String((await mailsTo(email)).at(-1)!.parsed.subject)).toBe("Confirm your GenMig Hub subscription");
  });

  it("still unsubscribes with one click (mail already sent), and does nothing once its owner subscribed again", async () => {
    const email = "rotation@example.org";
    const token = await confirmedSubscriber(email);
    expect((await oneClick(token)).status).toBe(200);
    // Mail clients retry, and older mail carries the same link: it keeps answering while the address is unsubscribed.
    expect((await oneClick(token)).status).toBe(200);
    expect((await fresh().get(`/unsubscribe/${token}`)).status).toBe(200);

    await fresh().post("/subscribe", form(email, { topics: ["TRAFFICKING"] }));
    const page = await fresh().post(await latestConfirmPath(email), {});
    const renewed = /\/subscription\/([\w.-]+)/.exec(await page.text())![1];
    expect(renewed).not.toBe(token);
    // The old link belongs to the earlier subscription: it can neither open the new one nor end it.
    expect((await fresh().get(`/subscription/${token}`)).status).toBe(404);
    expect((await oneClick(token)).status).toBe(404);
    expect((await row(email)).status).toBe("CONFIRMED");
    expect((await fresh().get(`/subscription/${renewed}`)).status).toBe(200);
    expect((await oneClick(renewed)).status).toBe(200);
    expect((await row(email)).status).toBe("UNSUBSCRIBED");
  });
});

describe("confirmation links", () => {
  it("work once: a second use confirms nothing more and reveals no preference link", async () => {
    const email = "once@example.org";
    await fresh().post("/subscribe", form(email));
    const path = await latestConfirmPath(email);
    expect((await fresh().post(path, {})).status).toBe(200);
    const second = await fresh().post(path, {});
    expect(second.status).toBe(400);
    const html = await second.text();
    expect(html).toContain("already been used");
    expect(html).not.toMatch(/\/subscription\/[\w.-]+/);
    const api = await fresh().graphql(`mutation($t: String!) { confirmSubscription(token: $t) { preferenceToken } }`, { t: path.split("/").pop() });
    expect(api.data).toBeNull();
    expect(api.errors?.[0].extensions?.code).toBe("BAD_USER_INPUT");
  });

  it("expire after SUBSCRIPTION_CONFIRM_HOURS (48 by default), as the mail and the page say", async () => {
    const email = "hours@example.org";
    const done = await fresh().post("/subscribe", form(email));
    expect(await done.text()).toContain("The link expires in 48 hours");
    const mail = (await mailsTo(email)).at(-1)!;
    expect(String(mail.parsed.text)).toContain("The link expires in 48 hours");
    const token = decodeURIComponent(confirmPathIn(mail).split("/").pop()!);
    const asked = (await row(email)).consentRequestedAt.getTime();
    await expect(confirmSubscription(token, new Date(asked + 49 * 3600_000))).rejects.toMatchObject({ key: "subscription_link_expired" });
    expect((await row(email)).status).toBe("PENDING");
    expect((await confirmSubscription(token, new Date(asked + 47 * 3600_000))).status).toBe("CONFIRMED");

    process.env.SUBSCRIPTION_CONFIRM_HOURS = "2";
    resetEnv();
    await fresh().post("/subscribe", form("short@example.org"));
    const short = await row("short@example.org");
    expect(short.confirmExpiresAt!.getTime() - short.consentRequestedAt.getTime()).toBe(2 * 3600_000);
    expect(String((await mailsTo("short@example.org")).at(-1)!.parsed.text)).toContain("The link expires in 2 hours");
  });

  it("from before an unsubscribe cannot undo it", async () => {
    const email = "old-confirm@example.org";
    await fresh().post("/subscribe", form(email));
    const path = await latestConfirmPath(email);
    const page = await fresh().post(path, {});
    const token = /\/subscription\/([\w.-]+)/.exec(await page.text())![1];
    await oneClick(token);
    expect((await fresh().post(path, {})).status).toBe(400);
    expect((await row(email)).status).toBe("UNSUBSCRIBED");
    expect(await isSuppressed(prisma(), email)).toBe(true);
  });
});

describe("a bounce or complaint suppression", () => {
  it("is lifted only by a completed fresh double opt-in", async () => {
    const email = "complained@example.org";
    const token = await confirmedSubscriber(email);
    const hook = await handleRequest(
      new Request("http://hub.test/webhooks/email-events", {
        method: "POST",
        headers: { host: "hub.test", "content-type": "application/json", authorization: `Bearer ${SECRET}` },
        body: JSON.stringify({ events: [{ id: `complaint-${email}`, timestamp: new Date().toISOString(), type: "complaint", email }] }),
      }),
      { ip: "192.0.2.9" },
    );
    expect(hook.status).toBe(200);
    expect(await isSuppressed(prisma(), email)).toBe(true);
    await fresh().post(`/subscription/${token}`, { intent: "resubscribe", language: "en", topics: ["CARE_WORK"], frequency: "WEEKLY" });
    expect(await isSuppressed(prisma(), email)).toBe(true);
    await fresh().post("/subscribe", form(email));
    expect(await isSuppressed(prisma(), email)).toBe(true);
    expect((await fresh().post(await latestConfirmPath(email), {})).status).toBe(200);
    expect(await isSuppressed(prisma(), email)).toBe(false);
  });
});

describe("a partner person's digest", () => {
  it("turned back on from the account while suppressed starts only once the mailed confirmation is followed", async () => {
    const person = await makeUser({ role: "PARTNER", email: "digest-partner@example.org" });
    const browser = await signInAs(new Client("198.51.100.250"), person.email);
    const digestForm = { intent: "digest", enabled: "on", frequency: "WEEKLY", topics: ["CARE_WORK"], language: "" };
    expect((await browser.post("/account", digestForm)).status).toBe(200);
    const pref = await prisma().userDigestPreference.findUniqueOrThrow({ where: { userId: person.id } });
    const token = preferenceToken({ kind: "user", userId: person.id, preferenceTokenVersion: pref.preferenceTokenVersion });
    expect((await oneClick(token)).status).toBe(200);
    expect(await isSuppressed(prisma(), person.email)).toBe(true);
    // The old link cannot bring it back.
    await fresh().post(`/subscription/${token}`, { intent: "resubscribe", language: "en", topics: ["CARE_WORK"], frequency: "WEEKLY" });
    expect((await prisma().userDigestPreference.findUniqueOrThrow({ where: { userId: person.id } })).enabled).toBe(false);

    const before = (await mailsTo(person.email)).length;
    const saved = await browser.post("/account", digestForm);
    expect(await saved.text()).toContain("We sent it a confirmation link");
    expect(await isSuppressed(prisma(), person.email)).toBe(true);
    const mails = await mailsTo(person.email);
    expect(mails.length).toBe(before + 1);
    const confirmPath = confirmPathIn(mails.at(-1)!);
    expect((await fresh().post(confirmPath, {})).status).toBe(200);
    expect(await isSuppressed(prisma(), person.email)).toBe(false);
    // Once: a second use lifts nothing again later.
    expect((await fresh().post(confirmPath, {})).status).toBe(400);
  });
});

describe("link pages", () => {
  it("are never stored by a cache and send no Referer to other sites", async () => {
    const email = "cache@example.org";
    await fresh().post("/subscribe", form(email));
    const confirmPath = await latestConfirmPath(email);
    const confirmGet = await fresh().get(confirmPath);
    const confirmPost = await fresh().post(confirmPath, {});
    const token = /\/subscription\/([\w.-]+)/.exec(await confirmPost.clone().text())![1];
    const responses = {
      confirmGet,
      confirmPost,
      prefsGet: await fresh().get(`/subscription/${token}`),
      prefsPost: await fresh().post(`/subscription/${token}`, { intent: "save", language: "en", topics: ["CARE_WORK"], frequency: "WEEKLY" }),
      unsubscribeGet: await fresh().get(`/unsubscribe/${token}`),
      unsubscribePost: await oneClick(token),
    };
    for (const [name, res] of Object.entries(responses)) {
      expect(res.status, name).toBe(200);
      expect(res.headers.get("cache-control"), name).toMatch(/no-store/);
      // Never to another site; a stricter no-referrer would make browsers send `Origin: null` with the page's forms.
      expect(res.headers.get("referrer-policy"), name).toBe("same-origin");
    }
  });
});
