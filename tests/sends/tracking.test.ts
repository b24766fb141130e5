import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { sendDigestNow } from "../../app/services/sends/digests.server.ts";
import { describeProgress } from "../../app/services/sends/describe.ts";
import { sendsProgress } from "../../app/services/sends/sends.server.ts";
import { trackingEnabled } from "../../app/services/sends/tracking.server.ts";
import { prisma } from "../../app/utils/db.server.ts";
import { deliverDue } from "../../emails/worker.ts";
import { makePartner, makeUser } from "../factories.ts";
import { Client } from "../helpers/app.ts";
import { signInAs } from "../helpers/sign-in.ts";
import { startSmtpSink, type ReceivedMail } from "../helpers/smtp-sink.ts";
import { makePublication } from "./publication-fixtures.ts";

// Aggregate open/click counting (docs/decisions/0024) over a real SMTP server and the real front door: off by
// default, switched by an administrator only, and when on the same pixel and links for every reader of a body.

const TRACKING_URL = /http:\/\/hub\.test\/t\/[oc]\/[^"'\s<>]+/g;
const trackingUrls = (html: string) => [...html.matchAll(TRACKING_URL)].map((m) => m[0]).sort();
const htmlOf = (m: ReceivedMail) => String(m.parsed.html || "");
const decode = (s: string) => s.replace(/&amp;/g, "&");

describe("aggregate mail tracking", () => {
  let sink: Awaited<ReturnType<typeof startSmtpSink>>;
  let admin: Client;
  let staff: Client;
  let partner: Client;
  beforeAll(async () => {
    sink = await startSmtpSink();
    admin = await signInAs(new Client("198.51.100.1"), (await makeUser({ role: "ADMIN" })).email);
    staff = await signInAs(new Client("198.51.100.2"), (await makeUser({ role: "STAFF" })).email);
    partner = await signInAs(new Client("198.51.100.3"), (await makePartner({ name: "Tracking Institute" })).focalPointEmail);
  });
  afterAll(() => sink.stop());
  beforeEach(() => {
    sink.received.length = 0;
  });

  async function subscriber(email: string) {
    return prisma().subscriber.create({
      data: {
        email,
        language: "EN",
        topics: ["CARE_WORK"],
        frequency: "WEEKLY",
        status: "CONFIRMED",
        confirmedAt: new Date(Date.now() - 60_000),
        consentSource: "web",
        consentWordingVersion: "test",
      },
    });
  }

  async function digestTo(emails: string[]) {
    const send = await sendDigestNow("WEEKLY");
    await deliverDue();
    const mails = emails.map((e) => sink.received.find((m) => m.to === e)!);
    expect(mails.every(Boolean)).toBe(true);
    return { send, mails };
  }

  const counts = async (id: string) => prisma().bulkSend.findUniqueOrThrow({ where: { id }, select: { opens: true, clicks: true, tracked: true } });

  it("is off by default: mail carries no pixel and its links as written; nothing to count", async () => {
    expect(await trackingEnabled()).toBe(false);
    await subscriber("plain-a@example.org");
    await makePublication({ titles: { EN: "Care chains, before tracking" } });
    const { send, mails } = await digestTo(["plain-a@example.org"]);
    const html = htmlOf(mails[0]);
    expect(html).toMatch(/href="http:\/\/hub\.test\/publications\/[^"]+"/);
    expect(trackingUrls(html)).toEqual([]);
    expect(html).not.toContain("/t/o/");
    expect(await counts(send.id)).toEqual({ opens: 0, clicks: 0, tracked: false });
    const [progress] = await sendsProgress(prisma(), { ids: [send.id] });
    expect(progress).toMatchObject({ opens: null, clicks: null });
    expect(describeProgress(progress)).not.toContain("opens");

    // Not tracked: the pixel of that send is unknown.
    const anon = new Client("192.0.2.50");
    expect((await anon.get(`/t/o/${send.id}.gif`)).status).toBe(404);
    expect((await counts(send.id)).opens).toBe(0);
    const page = await (await staff.get("/admin/sends")).text();
    expect(page).toContain('data-tracking="off"');
    expect(page).not.toContain("data-opens");
  });

  it("is switched by administrators only, from our own origin, and the change is audited", async () => {
    const foreign = await admin.fetch("/admin/sends", {
      method: "POST",
      body: new URLSearchParams({ tracking: "on" }),
      headers: { "content-type": "application/x-www-form-urlencoded", origin: "http://evil.example" },
    });
    expect(foreign.status).toBe(403);
    expect((await staff.post("/admin/sends", { tracking: "on" })).status).toBe(403);
    expect((await partner.post("/admin/sends", { tracking: "on" })).status).toBe(403);
    const anonymous = await new Client().post("/admin/sends", { tracking: "on" });
    expect(anonymous.status).not.toBe(200);
    expect(await trackingEnabled()).toBe(false);
    expect((await staff.graphql("mutation { setMailTracking(enabled: true) }")).errors?.[0].extensions?.code).toBe("FORBIDDEN");
    // Staff see the state, without the button.
    const staffPage = await (await staff.get("/admin/sends")).text();
    expect(staffPage).not.toContain('name="tracking"');

    const done = await admin.post("/admin/sends", { tracking: "on", confirmed: "yes" });
    expect(done.status).toBe(200);
    expect(await trackingEnabled()).toBe(true);
    expect(await (await admin.get("/admin/sends")).text()).toContain('data-tracking="on"');
    const audit = await prisma().auditEntry.findMany({ where: { action: { startsWith: "mail.tracking" } }, include: { actor: true } });
    expect(audit.map((a) => [a.action, a.actor?.role])).toEqual([["mail.tracking_enabled", "ADMIN"]]);
    expect((await admin.graphql<{ mailTracking: boolean }>("{ mailTracking }")).data?.mailTracking).toBe(true);
  });

  it("when on, every reader of a body gets the same pixel and redirect links; list links and the text part stay", async () => {
    expect(await trackingEnabled()).toBe(true);
    await subscriber("reader-c@example.org");
    await subscriber("reader-d@example.org");
    const publication = await makePublication({ titles: { EN: "Care chains, counted" } });
    const { send, mails } = await digestTo(["reader-c@example.org", "reader-d@example.org"]);
    const [c, d] = mails.map(htmlOf);
    expect((await counts(send.id)).tracked).toBe(true);

    // One pixel for the send; publication links through the signed redirect.
    expect(c).toContain(`<img src="http://hub.test/t/o/${send.id}.gif" width="1" height="1" alt=""`);
    expect(c).not.toMatch(/href="http:\/\/hub\.test\/publications\//);
    expect(c).toContain(`href="http://hub.test/t/c/${send.id}?u=${encodeURIComponent(`http://hub.test/publications/${publication.id}`)}&amp;s=`);
    // Each reader's own unsubscribe and preference links are untouched.
    expect(c).toMatch(/href="http:\/\/hub\.test\/unsubscribe\/[^"]+"/);
    expect(c).toMatch(/href="http:\/\/hub\.test\/subscription\/[^"]+"/);
    // Aggregate by construction: both readers' tracking URLs are identical and name neither of them.
    expect(trackingUrls(c).length).toBeGreaterThanOrEqual(2);
    expect(trackingUrls(c)).toEqual(trackingUrls(d));
    expect(c).not.toEqual(d); // their list links differ
    for (const url of trackingUrls(c)) expect(url).not.toMatch(/reader-|unsubscribe|subscription/);
    // The text part is as without tracking.
    for (const m of mails) {
      expect(m.parsed.text).toContain(`http://hub.test/publications/${publication.id}`);
      expect(m.parsed.text).not.toContain("/t/");
    }

    // The pixel: a GIF, never stored, no cookie, each fetch counted.
    const reader = new Client("192.0.2.10");
    for (const expected of [1, 2]) {
      const pixel = await reader.get(`/t/o/${send.id}.gif`);
      expect(pixel.status).toBe(200);
      expect(pixel.headers.get("content-type")).toBe("image/gif");
      expect(pixel.headers.get("cache-control")).toContain("no-store");
      expect(pixel.headers.get("set-cookie")).toBeNull();
      expect(Buffer.from(await pixel.arrayBuffer()).subarray(0, 6).toString()).toBe("GIF89a");
      expect((await counts(send.id)).opens).toBe(expected);
    }

    // A click: counted, then to the publication.
    const target = encodeURIComponent(`http://hub.test/publications/${publication.id}`);
    const link = decode(trackingUrls(c).find((u) => u.includes(`u=${target}&`))!).replace("http://hub.test", "");
    const click = await reader.get(link);
    expect(click.status).toBe(302);
    expect(click.headers.get("location")).toBe(`http://hub.test/publications/${publication.id}`);
    expect(click.headers.get("cache-control")).toContain("no-store");
    expect((await counts(send.id)).clicks).toBe(1);

    // Not an open redirect: another target, a tampered signature, or none → 404, nothing counted.
    const evil = link.replace(/u=[^&]+/, `u=${encodeURIComponent("https://evil.example/phish")}`);
    const tampered = link.replace(/s=(.)/, (_, ch: string) => `s=${ch === "A" ? "B" : "A"}`);
    for (const bad of [evil, tampered, link.replace(/&s=.*$/, ""), `/t/c/${send.id}?u=${encodeURIComponent("https://evil.example/")}`]) {
      const response = await reader.get(bad);
      expect(response.status).toBe(404);
      expect(response.headers.get("location")).toBeNull();
    }
    expect((await counts(send.id)).clicks).toBe(1);

    // Progress everywhere: totals, with the note that they are not people.
    const [progress] = await sendsProgress(prisma(), { ids: [send.id] });
    expect(progress).toMatchObject({ opens: 2, clicks: 1 });
    expect(describeProgress(progress)).toContain("2 opens, 1 click (totals, not people)");
    const page = await (await staff.get("/admin/sends")).text();
    expect(page).toContain(`data-opens="2" data-clicks="1"`);
    expect(page).toContain("totals, not people");
    const gql = await admin.graphql<{ sends: { id: string; opens: number | null; clicks: number | null }[] }>("{ sends { id opens clicks } }");
    expect(gql.data?.sends.find((s) => s.id === send.id)).toMatchObject({ opens: 2, clicks: 1 });
    expect(gql.data?.sends.some((s) => s.opens === null)).toBe(true); // the untracked send of the first test

    // Nothing per recipient: the send's outbox rows and their merge data hold no tracking trace.
    const rows = await prisma().outboxMessage.findMany({ where: { sendId: send.id } });
    for (const row of rows) expect(JSON.stringify(row)).not.toMatch(/\/t\/[oc]\//);
  });

  it("cannot be pumped: unknown sends are 404 without a write, and one address counts a bounded number of hits", async () => {
    const pumped = await prisma().bulkSend.findFirstOrThrow({ where: { tracked: true } });
    const before = await prisma().rateLimitCounter.count();
    const stranger = new Client("192.0.2.77");
    for (const path of ["/t/o/nosuchsend.gif", "/t/o/nosuchsend.png", "/t/o/.gif", `/t/o/${pumped.id}x.gif`]) {
      expect((await stranger.get(path)).status).toBe(404);
    }
    expect(await prisma().rateLimitCounter.count()).toBe(before);

    const start = (await counts(pumped.id)).opens;
    for (let i = 0; i < 55; i++) expect((await stranger.get(`/t/o/${pumped.id}.gif`)).status).toBe(200);
    expect((await counts(pumped.id)).opens).toBe(start + 50);
    // Another address still counts.
    await new Client("192.0.2.78").get(`/t/o/${pumped.id}.gif`);
    expect((await counts(pumped.id)).opens).toBe(start + 51);
  });
});
