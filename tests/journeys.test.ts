import crypto from "node:crypto";
import { describe, expect, it } from "vitest";
import { createApiToken } from "../app/services/api-tokens.server.ts";
import { signId } from "../app/services/signed-links.server.ts";
import { registerForWebinar } from "../app/services/webinar-registrations.server.ts";
import { cancelWebinar, scheduleWebinar } from "../app/services/webinars.server.ts";
import { BROWSER_ZONE_SCRIPT } from "../app/utils/browser-zone-script.ts";
import { prisma } from "../app/utils/db.server.ts";
import { addMember, focalPointOf, makePartner, makeUser } from "./factories.ts";
import { Client } from "./helpers/app.ts";
import { signInAs } from "./helpers/sign-in.ts";

const HOUR = 3600_000;
let ips = 0;
const visitor = (lang = "en") => new Client(`198.51.100.${(ips++ % 200) + 1}`, { "accept-language": lang });

async function webinar(overrides: Record<string, unknown> = {}, startsIn = 5 * 24 * HOUR) {
  const staff = await makeUser({ role: "STAFF" });
  const start = new Date(Math.floor((Date.now() + startsIn) / 60_000) * 60_000);
  const w = await scheduleWebinar(staff, {
    translations: [{ language: "en", title: "Care and borders", description: "First paragraph\nsecond line\n\n- one point\n- <script>alert(1)</script>\n\nAgenda:\n- welcome\n- talk" }],
    startsAt: start,
    endsAt: new Date(start.getTime() + HOUR),
    timeZone: "America/Bogota",
    meetingUrl: "https://meet.example.org/care",
    ...overrides,
  });
  return { w, staff };
}

const mailsTo = (to: string) => prisma().outboxMessage.findMany({ where: { toAddress: to }, orderBy: { createdAt: "asc" } });
const text = (html: string) => html.replace(/<!-- -->/g, "").replace(/&#x27;/g, "'");

describe("sign-in returns to the page it was asked from", () => {
  it("carries a same-site path through the emailed link, the verify POST and the other-browser confirmation", async () => {
    const { w } = await webinar();
    const member = await makeUser({ email: `back-${Date.now()}@example.org` });
    const browser = visitor();
    const path = `/webinars/${w.id}`;
    const form = await browser.get(`/auth/sign-in?redirectTo=${encodeURIComponent(path)}`);
    expect(await form.text()).toContain(`name="redirectTo" value="${path}"`);
    await browser.post("/auth/sign-in", { email: member.email, redirectTo: path });
    const [mail] = await mailsTo(member.email);
    const link = /\/auth\/verify\?token=([\w-]+)&(?:amp;)?redirectTo=([^\s"<]+)/.exec(mail.text)!;
    expect(decodeURIComponent(link[2])).toBe(path);
    const page = await (await browser.get(`/auth/verify?token=${link[1]}&redirectTo=${link[2]}`)).text();
    expect(page).toContain(`name="redirectTo" value="${path}"`);
    const done = await browser.post("/auth/verify", { token: link[1], redirectTo: path });
    expect(done.status).toBe(302);
    expect(done.headers.get("location")).toBe(path);

    // Another browser (the link opened on a phone): the confirmation step keeps the destination.
    await visitor().post("/auth/sign-in", { email: member.email, redirectTo: path });
    const second = (await mailsTo(member.email)).at(-1)!;
    const token = /\/auth\/verify\?token=([\w-]+)/.exec(second.text)![1];
    const phone = visitor();
    const ask = await phone.post("/auth/verify", { token, redirectTo: path });
    const html = await ask.text();
    expect(html).toContain(`name="redirectTo" value="${path}"`);
    const proof = /name="confirmation" value="([^"]+)"/.exec(html)![1];
    const confirmed = await phone.post("/auth/verify", { token, confirmation: proof, redirectTo: path });
    expect(confirmed.headers.get("location")).toBe(path);
  });

  it("never leaves the site", async () => {
    const member = await makeUser({ email: `evil-${Date.now()}@example.org` });
    const browser = visitor();
    await browser.post("/auth/sign-in", { email: member.email, redirectTo: "//evil.example/x" });
    const [mail] = await mailsTo(member.email);
    expect(mail.text).not.toContain("evil.example");
    const token = /\/auth\/verify\?token=([\w-]+)/.exec(mail.text)![1];
    const done = await browser.post("/auth/verify", { token, redirectTo: "https://evil.example/" });
    expect(done.headers.get("location")).toBe("/account");
  });
});

describe("after registering, a status card replaces the form", () => {
  it("an anonymous visitor is told to check their email, and can ask for their link again without learning anything", async () => {
    const { w } = await webinar();
    const registered = `known-${Date.now()}@example.org`;
    await registerForWebinar(await makeUser({ email: registered }), w.id, { timeZone: "Asia/Manila" });
    const v = visitor("fr");
    const done = text(await (await v.post(`/webinars/${w.id}`, { intent: "register", email: "new@example.org", name: "Awa", language: "fr", timeZone: "Europe/Paris" })).text());
    expect(done).toContain("Consultez votre messagerie");
    expect(done).toContain("new@example.org");
    expect(done).not.toContain('id="f-name"');
    expect(done).toContain('name="intent" value="resend"');

    const answer = async (email: string) => text(await (await visitor().post(`/webinars/${w.id}`, { intent: "resend", email })).text()).replaceAll(email, "ADDRESS");
    const before = await prisma().outboxMessage.count({ where: { toAddress: registered } });
    const forKnown = await answer(registered);
    const forStranger = await answer("stranger@example.org");
    expect(forKnown).toBe(forStranger);
    expect(forKnown).toContain("Send me my link again");
    expect(await prisma().outboxMessage.count({ where: { toAddress: registered } })).toBe(before + 1);
    expect((await mailsTo(registered)).at(-1)!.text).toMatch(/\/r\/[\w.-]+/);
    expect(await prisma().outboxMessage.count({ where: { toAddress: "stranger@example.org" } })).toBe(0);
    // an address that registered but never confirmed gets its confirmation link again
    await visitor().post(`/webinars/${w.id}`, { intent: "resend", email: "new@example.org" });
    const confirms = (await mailsTo("new@example.org")).filter((m) => /\/r\/[\w.-]+\?confirm=1/.test(m.text));
    expect(confirms).toHaveLength(2);
  });

  it("a member sees status, calendar, join when open, and cancels after a confirmation step", async () => {
    const { w } = await webinar({}, 10 * 60_000);
    const member = await makeUser({ email: `m-${Date.now()}@example.org` });
    const client = await signInAs(visitor(), member.email);
    const page = `/webinars/${w.id}`;
    expect(await (await client.get(page)).text()).toContain('id="f-timeZone"');
    await client.post(page, { intent: "register", language: "en", timeZone: "Asia/Manila" });
    expect(client.cookies.get("gmh_tz")).toBe("Asia%2FManila");
    const html = text(await (await client.get(page)).text());
    expect(html).toContain("You are registered");
    expect(html).toMatch(/href="\/j\/[\w.-]+"[^>]*>Join the webinar/);
    expect(html).toContain("calendar.google.com");
    expect(html).not.toContain('id="f-name"');
    expect(html).toContain("Manila (UTC+08:00)");
    const ask = text(await (await client.get(`${page}?cancel=1`)).text());
    expect(ask).toContain("Cancel your registration?");
    expect(ask).toContain('value="cancel-mine"');
    const reg = await prisma().webinarRegistration.findFirstOrThrow({ where: { webinarId: w.id, email: member.email } });
    expect(reg.status).toBe("CONFIRMED");
    const cancelled = text(await (await client.post(page, { intent: "cancel-mine", registrationId: reg.id })).text());
    expect(cancelled).toContain("Your registration is cancelled.");
    expect((await prisma().webinarRegistration.findUniqueOrThrow({ where: { id: reg.id } })).status).toBe("CANCELLED");
    // someone else's registration cannot be cancelled from here
    const other = await registerForWebinar(await makeUser(), w.id, { timeZone: "UTC" });
    expect((await client.post(page, { intent: "cancel-mine", registrationId: other.id })).status).toBe(404);
  });

  it("shows the waiting list position, and the join button only from 30 minutes before", async () => {
    const { w } = await webinar({ capacity: 1 });
    const first = await signInAs(visitor(), (await makeUser()).email);
    const second = await signInAs(visitor(), (await makeUser()).email);
    await first.post(`/webinars/${w.id}`, { intent: "register", language: "en", timeZone: "Europe/Berlin" });
    await second.post(`/webinars/${w.id}`, { intent: "register", language: "en", timeZone: "Europe/Berlin" });
    const firstPage = text(await (await first.get(`/webinars/${w.id}`)).text());
    expect(firstPage).toContain("The Join button appears here 30 minutes before the start.");
    expect(firstPage).not.toContain('href="/j/');
    expect(text(await (await second.get(`/webinars/${w.id}`)).text())).toContain("You are on the waiting list (number 1)");
  });

  it("a partner member signs in from a partners-only page and lands back on it, then sees pending approval", async () => {
    const { w } = await webinar({ audience: "PARTNERS", requiresApproval: true });
    const partner = await makePartner();
    const member = await addMember(partner.id, await focalPointOf(partner));
    const anon = text(await (await visitor().get(`/webinars/${w.id}`)).text());
    expect(anon).toContain(`/auth/sign-in?redirectTo=${encodeURIComponent(`/webinars/${w.id}`)}`);
    const client = await signInAs(visitor(), member.email);
    await client.post(`/webinars/${w.id}`, { intent: "register", language: "en", timeZone: "Africa/Dakar" });
    expect(text(await (await client.get(`/webinars/${w.id}`)).text())).toContain("Waiting for approval");
  });
});

describe("my webinars and times on the account page", () => {
  it("lists upcoming and past registrations in the person's zone, never in UTC by default", async () => {
    const member = await makeUser();
    const actor = member;
    const { w: soon } = await webinar();
    const { w: old } = await webinar({}, 2 * 24 * HOUR);
    await registerForWebinar(actor, soon.id, { timeZone: "Asia/Manila" });
    await registerForWebinar(actor, old.id, { timeZone: "Asia/Manila" });
    await prisma().webinar.update({ where: { id: old.id }, data: { startsAt: new Date(Date.now() - 3 * 24 * HOUR), endsAt: new Date(Date.now() - 3 * 24 * HOUR + HOUR) } });
    const client = await signInAs(visitor(), member.email);
    const html = text(await (await client.get("/account")).text());
    expect(html).toContain("My webinars");
    const upcoming = html.indexOf("Upcoming");
    const past = html.indexOf("Past");
    expect(upcoming).toBeGreaterThan(-1);
    expect(past).toBeGreaterThan(upcoming);
    expect(html.indexOf(`/webinars/${soon.id}`)).toBeLessThan(past);
    expect(html.indexOf(`/webinars/${old.id}`)).toBeGreaterThan(past);
    expect(html).toContain("Manila (UTC+08:00)");
    expect(html).not.toContain("UTC+00:00");
    expect(html).not.toMatch(/\bUTC\b(?!\+|-|−)/);
  });
});

describe("time zones are asked, not assumed", () => {
  it("the form has no zone chosen for a new visitor; the tiny script that fills it is allowed by its hash only", async () => {
    const { w } = await webinar();
    const response = await visitor().get(`/webinars/${w.id}`);
    const html = await response.text();
    const select = /<select id="f-timeZone"[^>]*>([\s\S]*?)<\/select>/.exec(html)!;
    expect(select[0]).toContain("required");
    expect(select[1].match(/selected/g)).toHaveLength(1);
    expect(select[1]).toContain('<option value="" selected="">Choose your time zone…</option>');
    const hash = crypto.createHash("sha256").update(BROWSER_ZONE_SCRIPT).digest("base64");
    expect(response.headers.get("content-security-policy")).toContain(`script-src 'sha256-${hash}'`);
    expect(html).toContain(`<script>${BROWSER_ZONE_SCRIPT.replace(/'/g, "'")}</script>`);
    expect(html).toContain("Event time:");
    expect(html).toMatch(/Bogota \(UTC-05:00\)/);
    const known = visitor();
    known.cookies.set("gmh_tz", "Europe%2FBerlin");
    const mine = await (await known.get(`/webinars/${w.id}`)).text();
    expect(mine).toMatch(/<option value="Europe\/Berlin" selected="">/);
    expect(mine).toContain("Berlin (UTC+01:00)");
  });

  it("emails state the time in the zone the registrant chose", async () => {
    const { w } = await webinar();
    const v = visitor();
    await v.post(`/webinars/${w.id}`, { intent: "register", email: "zone@example.org", name: "Zoe", language: "en", timeZone: "Asia/Manila" });
    const [mail] = await mailsTo("zone@example.org");
    expect(mail.text).toContain("your time zone, Asia/Manila");
    const empty = await visitor().post(`/webinars/${w.id}`, { intent: "register", email: "nozone@example.org", name: "No", language: "en", timeZone: "" });
    expect(empty.status).toBe(400);
  });
});

describe("descriptions keep their shape", () => {
  it("renders paragraphs, line breaks and lists with classes, never raw HTML or inline styles", async () => {
    const { w } = await webinar();
    const html = await (await visitor().get(`/webinars/${w.id}`)).text();
    const rich = /<div class="rich">([\s\S]*?)<\/div>/.exec(html)![1];
    expect(rich).toContain("<p><span>First paragraph</span><span><br/>second line</span></p>");
    expect(rich).toContain("<ul><li>one point</li><li>&lt;script&gt;alert(1)&lt;/script&gt;</li></ul>");
    expect(rich).toContain("<p><span>Agenda:</span></p><ul><li>welcome</li><li>talk</li></ul>");
    expect(html).not.toContain("style=");
  });
});

describe("invited-only webinars", () => {
  it("staff invite addresses and a partner's members; each gets a registration and the usual invite", async () => {
    const { w, staff } = await webinar({ audience: "INVITED", requiresApproval: true });
    const partner = await makePartner();
    const member = await addMember(partner.id, await focalPointOf(partner));
    const client = await signInAs(visitor(), staff.email);
    // the invite list is a staff tool: on the Manage view, never on the public page
    expect(text(await (await client.get(`/webinars/${w.id}`)).text())).not.toContain("Invite people");
    expect((await client.post(`/webinars/${w.id}`, { intent: "invite", emails: "nobody@example.org" })).status).toBe(400);
    expect(text(await (await client.get(`/webinars/${w.id}/manage`)).text())).toContain("Invite people");
    const bad = await client.post(`/webinars/${w.id}/manage`, { intent: "invite", emails: "ok@example.org, not-an-address" });
    expect(bad.status).toBe(400);
    const done = text(await (await client.post(`/webinars/${w.id}/manage`, { intent: "invite", emails: "guest1@example.org\nGuest2@Example.org; guest1@example.org", partnerId: partner.id, language: "fr" })).text());
    expect(done).toMatch(/4 people invited; nobody was already registered/);
    const regs = await prisma().webinarRegistration.findMany({ where: { webinarId: w.id }, orderBy: { email: "asc" } });
    expect(regs.map((r) => [r.email, r.status])).toEqual(
      expect.arrayContaining([["guest1@example.org", "CONFIRMED"], ["guest2@example.org", "CONFIRMED"], [member.email, "CONFIRMED"]]),
    );
    const guestMail = (await mailsTo("guest2@example.org"))[0];
    expect(guestMail.icalContent).toContain("METHOD:REQUEST");
    expect(regs.find((r) => r.email === "guest2@example.org")!.language).toBe("FR");
    // an invitee without an account chooses their own zone from the emailed link (the event's zone until then)
    expect(regs.find((r) => r.email === "guest2@example.org")!.timeZone).toBe("America/Bogota");
    const manage = /http:\/\/hub\.test(\/r\/[\w.-]+)/.exec(guestMail.text)![1];
    const guest = visitor("fr");
    expect(text(await (await guest.get(manage)).text())).toContain("Bogota (UTC-05:00)");
    expect((await guest.post(manage, { intent: "zone", timeZone: "Mars/Olympus" })).status).toBe(400);
    const saved = text(await (await guest.post(manage, { intent: "zone", timeZone: "Asia/Manila" })).text());
    expect(saved).toContain("Manila (UTC+08:00)");
    expect((await prisma().webinarRegistration.findFirstOrThrow({ where: { webinarId: w.id, email: "guest2@example.org" } })).timeZone).toBe("Asia/Manila");
    // the member (with an account) now sees the invited-only page and their card
    const memberClient = await signInAs(visitor(), member.email);
    expect(text(await (await memberClient.get(`/webinars/${w.id}`)).text())).toContain("You are registered");
  });

  it("inviteToWebinar over GraphQL: typed errors, research team only", async () => {
    const { w, staff } = await webinar({ audience: "INVITED" });
    const { token } = await createApiToken(staff, { name: "invites" });
    const MUTATION = `mutation($id: ID!, $emails: [String!]!) { inviteToWebinar(webinarId: $id, emails: $emails) { invited alreadyRegistered invitedCount } }`;
    const ok = await new Client().graphql(MUTATION, { id: w.id, emails: ["api1@example.org", "api2@example.org"] }, token);
    expect(ok.data).toEqual({ inviteToWebinar: { invited: ["api1@example.org", "api2@example.org"], alreadyRegistered: [], invitedCount: 2 } });
    const again = await new Client().graphql(MUTATION, { id: w.id, emails: ["api1@example.org"] }, token);
    expect(again.data).toEqual({ inviteToWebinar: { invited: [], alreadyRegistered: ["api1@example.org"], invitedCount: 0 } });
    for (const emails of [["nope"], [""], []]) {
      const bad = await new Client().graphql(MUTATION, { id: w.id, emails }, token);
      expect(bad.errors![0].extensions).toMatchObject({ code: "BAD_USER_INPUT", fields: { emails: expect.any(String) } });
    }
    const anonymous = await new Client().graphql(MUTATION, { id: w.id, emails: ["x@example.org"] });
    expect(anonymous.errors![0].extensions!.code).toBe("UNAUTHENTICATED");
    const member = await signInAs(visitor(), (await makeUser()).email);
    const refused = await member.graphql(MUTATION, { id: w.id, emails: ["x@example.org"] });
    expect(refused.errors![0].extensions!.code).toBe("FORBIDDEN");
    expect(await prisma().webinarRegistration.count({ where: { email: "x@example.org" } })).toBe(0);
  });
});

describe("a cancelled webinar's join link", () => {
  it("shows the hub's page saying so, not a bare 404", async () => {
    const { w, staff } = await webinar();
    const member = await makeUser();
    const reg = await registerForWebinar(member, w.id, { timeZone: "UTC" });
    await cancelWebinar(staff, w.id, "The speakers cannot travel.");
    const response = await visitor("es").get(`/j/${signId("join", reg.id)}`);
    expect(response.status).toBe(410);
    const html = text(await response.text());
    expect(html).toContain("Este seminario web fue cancelado");
    expect(html).toContain("The speakers cannot travel.");
    expect(html).toContain(`/webinars/${w.id}`);
    expect(html).not.toContain("meet.example.org");
    expect((await visitor().get("/j/forged-token")).status).toBe(404);
  });
});
