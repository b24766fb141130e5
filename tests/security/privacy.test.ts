import { describe, expect, it } from "vitest";
import { acceptPartnerInvitation, invitationPreview, INVITATION_DAYS } from "../../app/services/partner-invitations.server.ts";
import { sha256 } from "../../app/services/crypto.server.ts";
import { ANONYMOUS } from "../../app/services/policy.server.ts";
import { scheduleWebinar } from "../../app/services/webinars.server.ts";
import { prisma } from "../../app/utils/db.server.ts";
import { focalPointOf, makePartner, makeUser } from "../factories.ts";
import { Client } from "../helpers/app.ts";
import { signInAs } from "../helpers/sign-in.ts";

const HOUR = 3600_000;
let n = 0;
const unique = (prefix: string) => `${prefix}-${++n}-${Math.random().toString(36).slice(2, 8)}`;
const codeOf = (r: { errors?: { extensions?: { code?: string } }[] }) => r.errors?.[0]?.extensions?.code ?? "OK";

const REGISTER_WEBINAR =
  "mutation($id: ID!, $input: WebinarRegistrationInput!) { registerForWebinar(webinarId: $id, input: $input) { status checkEmail registration { id } } }";
const REGISTER_PARTNER = "mutation($input: PartnerRegistrationInput!) { registerPartner(input: $input) { status } }";
const INVITE = "mutation($p: ID!, $e: String!) { invitePartnerMember(partnerId: $p, email: $e, role: MEMBER) { id email role expiresAt } }";

async function publicWebinar() {
  const staff = await makeUser({ role: "STAFF" });
  const start = new Date(Date.now() + 10 * 24 * HOUR);
  return scheduleWebinar(staff, {
    translations: [{ language: "en", title: "Migration and gender", description: "Panel" }],
    startsAt: start,
    endsAt: new Date(start.getTime() + HOUR),
    timeZone: "UTC",
    meetingUrl: "https://meet.example.org/p",
  });
}

const lastMailTo = (address: string) => prisma().outboxMessage.findFirstOrThrow({ where: { toAddress: address }, orderBy: { createdAt: "desc" } });
const withoutEmail = (html: string, email: string) => html.replaceAll(email, "EMAIL");

describe("anonymous webinar registration reveals nothing about who is registered", () => {
  it("answers the same over GraphQL and the form; the registrant gets a reminder with their own link, the data is untouched", async () => {
    const webinar = await publicWebinar();
    const attendee = await makeUser({ name: "Real Attendee" });
    const owner = await signInAs(new Client("203.0.113.10"), attendee.email);
    await owner.post(`/webinars/${webinar.id}`, { intent: "register", name: "Real Attendee", timeZone: "UTC" });
    const registered = await prisma().webinarRegistration.findFirstOrThrow({ where: { email: attendee.email } });
    expect(registered.status).toBe("CONFIRMED");
    const stranger = `${unique("nobody")}@example.org`;

    const probe = new Client("198.51.100.30");
    const known = await probe.graphql(REGISTER_WEBINAR, { id: webinar.id, input: { email: attendee.email, name: "Probe", institution: "Probe Inc", timeZone: "UTC" } });
    const unknown = await probe.graphql(REGISTER_WEBINAR, { id: webinar.id, input: { email: stranger, name: "Probe", institution: "Probe Inc", timeZone: "UTC" } });
    expect(known).toEqual(unknown);
    expect(known.data).toEqual({ registerForWebinar: { status: "UNCONFIRMED", checkEmail: true, registration: null } });

    // Each from the same state (a registration remembers the chosen zone in a cookie, which changes later pages).
    const formKnown = await new Client("198.51.100.30").post(`/webinars/${webinar.id}`, { intent: "register", email: attendee.email, name: "Probe", timeZone: "UTC" });
    const formUnknown = await new Client("198.51.100.30").post(`/webinars/${webinar.id}`, { intent: "register", email: stranger, name: "Probe", timeZone: "UTC" });
    expect(formKnown.status).toBe(formUnknown.status);
    expect(withoutEmail(await formKnown.text(), attendee.email)).toBe(withoutEmail(await formUnknown.text(), stranger));

    const reminder = await lastMailTo(attendee.email);
    expect(reminder.subject).toBe("You are already registered: Migration and gender");
    expect(reminder.text).toMatch(/http:\/\/hub\.test\/r\/[\w.-]+/);
    expect(reminder.text).not.toContain("Probe");
    const confirm = await lastMailTo(stranger);
    expect(confirm.subject).toBe("Confirm your registration: Migration and gender");
    expect(await prisma().webinarRegistration.findUniqueOrThrow({ where: { id: registered.id } })).toEqual(registered);
  });

  it("an unconfirmed anonymous registration neither overwrites a cancelled one nor blocks the owner's one-click registration", async () => {
    const webinar = await publicWebinar();
    const person = await makeUser({ name: "Amina Owner" });
    const owner = await signInAs(new Client("203.0.113.11"), person.email);
    await owner.post(`/webinars/${webinar.id}`, { intent: "register", name: "Amina Owner", institution: "Real Institute", country: "SN", timeZone: "UTC" });
    const mine = await prisma().webinarRegistration.findFirstOrThrow({ where: { email: person.email } });
    await owner.graphql("mutation($id: ID!) { cancelWebinarRegistration(id: $id) { status } }", { id: mine.id });
    const cancelled = await prisma().webinarRegistration.findUniqueOrThrow({ where: { id: mine.id } });
    expect(cancelled.status).toBe("CANCELLED");

    const attacker = new Client("198.51.100.31");
    await attacker.post(`/webinars/${webinar.id}`, {
      intent: "register",
      email: person.email,
      name: "Someone Else",
      institution: "Fake Org",
      country: "FR",
      timeZone: "UTC",
    });
    expect(await prisma().webinarRegistration.findUniqueOrThrow({ where: { id: mine.id } })).toEqual(cancelled);
    const page = await (await owner.get(`/webinars/${webinar.id}`)).text();
    expect(page).toContain('value="register"');

    const again = await owner.graphql<{ registerForWebinar: { status: string } }>(REGISTER_WEBINAR, { id: webinar.id, input: { timeZone: "UTC" } });
    expect(again.data?.registerForWebinar.status).toBe("CONFIRMED");
    const now = await prisma().webinarRegistration.findUniqueOrThrow({ where: { id: mine.id } });
    expect(now).toMatchObject({ status: "CONFIRMED", name: "Amina Owner", institution: null });

    // the stale confirmation link, used later, changes nothing of the owner's registration
    const confirmMail = await prisma().outboxMessage.findFirstOrThrow({ where: { toAddress: person.email, subject: { startsWith: "Confirm" } } });
    const link = /http:\/\/hub\.test(\/r\/[\w.-]+)\?confirm=1/.exec(confirmMail.text)![1];
    await attacker.post(link, { intent: "confirm" });
    expect(await prisma().webinarRegistration.findUniqueOrThrow({ where: { id: mine.id } })).toMatchObject({ name: "Amina Owner", country: null });
  });
});

describe("partner registration reveals nothing about unlisted institutions", () => {
  it("answers a duplicate of a pending or unlisted institution exactly like a new one, and tells its focal point", async () => {
    const pending = await makePartner({ name: unique("Pending Shelter Network"), country: "GT", status: "PENDING" });
    const unlisted = await makePartner({ name: unique("Quiet Research Unit"), country: "GT", publicListing: false });
    const probe = new Client("198.51.100.32");
    const input = (name: string) => ({ name, sector: "NGO", country: "GT", focalPointName: "Probe", focalPointEmail: `${unique("probe")}@example.org`, consent: true });
    const answers = await Promise.all([pending.name, unlisted.name, unique("Brand New Institute")].map((name) => probe.graphql(REGISTER_PARTNER, { input: input(name.toUpperCase()) })));
    expect(answers.map(codeOf)).toEqual(["OK", "OK", "OK"]);
    expect(new Set(answers.map((a) => JSON.stringify(a))).size).toBe(1);
    for (const existing of [pending, unlisted]) {
      const told = await lastMailTo(existing.focalPointEmail);
      expect(told.subject).toBe("A new application names your institution");
      expect(told.text).not.toMatch(/probe-/);
    }

    const listed = await makePartner({ name: unique("Open Data Lab"), country: "GT", publicListing: true });
    const conflict = await probe.graphql(REGISTER_PARTNER, { input: input(listed.name) });
    expect(codeOf(conflict)).toBe("CONFLICT");
  });
});

describe("inviting a member", () => {
  it("returns nothing of an existing account and attaches it only when the invitee accepts through the emailed link", async () => {
    const partner = await makePartner();
    const focal = await signInAs(new Client("203.0.113.12"), partner.focalPointEmail);
    const existing = await makeUser({ name: "Confidential Stored Name" });
    const invited = await focal.graphql<{ invitePartnerMember: Record<string, string> }>(INVITE, { p: partner.id, e: existing.email });
    expect(codeOf(invited)).toBe("OK");
    expect(JSON.stringify(invited)).not.toContain("Confidential");
    expect(JSON.stringify(invited)).not.toContain(existing.id);
    expect(Object.keys(invited.data!.invitePartnerMember).sort()).toEqual(["email", "expiresAt", "id", "role"]);
    expect(await prisma().membership.count({ where: { userId: existing.id } })).toBe(0);
    const members = await focal.graphql<{ partner: { members: { email: string }[] } }>("query($id: ID!) { partner(id: $id) { members { email } } }", { id: partner.id });
    expect(members.data?.partner.members.map((m) => m.email)).not.toContain(existing.email);

    const mail = await lastMailTo(existing.email);
    expect(mail.subject).toBe(`Invitation to join ${partner.name} on GenMig Hub`);
    const link = /http:\/\/hub\.test(\/invite\/[\w-]+)/.exec(mail.text)![1];
    const invitee = new Client("203.0.113.13");
    const page = await invitee.get(link);
    expect(page.status).toBe(200);
    expect(await prisma().membership.count({ where: { userId: existing.id } })).toBe(0);
    const proof = /name="proof" value="([^"]+)"/.exec(await page.text())![1];
    const accepted = await invitee.post(link, { proof });
    expect(accepted.status).toBe(302);
    expect(accepted.headers.get("location")).toBe(`/partners/${partner.id}?joined=1`);
    expect(await (await invitee.get(`/partners/${partner.id}?joined=1`)).text()).toContain(`you are now a member of ${partner.name}`);
    const me = await invitee.graphql<{ me: { id: string; memberships: { partnerId: string }[] } }>("{ me { id memberships { partnerId } } }");
    expect(me.data?.me.id).toBe(existing.id);
    expect(me.data?.me.memberships.map((m) => m.partnerId)).toContain(partner.id);

    const reuse = await new Client().get(link);
    expect(reuse.status).toBe(400);
  });

  it("a new invitee gets an account on acceptance; invitations expire and are replaced by newer ones", async () => {
    const partner = await makePartner();
    const focal = await focalPointOf(partner);
    const { invitePartnerMember } = await import("../../app/services/partners.server.ts");
    const email = `${unique("newcomer")}@example.org`;
    const first = await invitePartnerMember(focal, partner.id, { email });
    const second = await invitePartnerMember(focal, partner.id, { email });
    const tokenOf = async (id: string) => /\/invite\/([\w-]+)/.exec((await prisma().outboxMessage.findUniqueOrThrow({ where: { key: `member-invited:${id}` } })).text)![1];
    await expect(invitationPreview(await tokenOf(first.id), "b")).rejects.toMatchObject({ key: "invitation_invalid" });
    const token = await tokenOf(second.id);
    const late = new Date(Date.now() + (INVITATION_DAYS + 1) * 86400_000);
    const { browserProof } = await import("../../app/services/auth.server.ts");
    const proof = browserProof("invitation", sha256(token), "b");
    await expect(acceptPartnerInvitation({ token, browser: "b", proof, actor: ANONYMOUS, now: late })).rejects.toMatchObject({ key: "invitation_invalid" });
    expect(await prisma().user.count({ where: { email } })).toBe(0);
    const done = await acceptPartnerInvitation({ token, browser: "b", proof, actor: ANONYMOUS });
    expect(done.sessionSecret).toBeTruthy();
    expect(await prisma().membership.count({ where: { partnerId: partner.id, user: { email } } })).toBe(1);
  });

  it("an accept POST without the page's browser proof (another site's form) changes nothing", async () => {
    const partner = await makePartner();
    const focal = await focalPointOf(partner);
    const { invitePartnerMember } = await import("../../app/services/partners.server.ts");
    const email = `${unique("target")}@example.org`;
    const invitation = await invitePartnerMember(focal, partner.id, { email });
    const mail = await prisma().outboxMessage.findUniqueOrThrow({ where: { key: `member-invited:${invitation.id}` } });
    const link = /http:\/\/hub\.test(\/invite\/[\w-]+)/.exec(mail.text)![1];
    const victim = new Client("203.0.113.14");
    const forged = await victim.post(link, { proof: "guess" });
    expect(forged.status).toBe(400);
    expect(forged.headers.get("set-cookie") ?? "").not.toContain("gmh_session");
    expect(await prisma().membership.count({ where: { partnerId: partner.id, user: { email } } })).toBe(0);
  });
});
