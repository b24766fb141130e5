import { describe, expect, it } from "vitest";
import { browserProof } from "../../app/services/auth.server.ts";
import { sha256 } from "../../app/services/crypto.server.ts";
import { inviteToDialogue } from "../../app/services/dialogues/invitations.server.ts";
import { LIMITS } from "../../app/services/rate-limit.server.ts";
import { prisma } from "../../app/utils/db.server.ts";
import { addMember, focalPointOf, makePartner, makeUser } from "../factories.ts";
import { Client } from "../helpers/app.ts";
import { signInAs } from "../helpers/sign-in.ts";
import { invitationMail, joinDialogue, makeDialogue } from "../dialogues/factories.ts";

// Dialogue invitations as partner facilitators and invitees meet them (docs/decisions/0044).
let n = 0;
const unique = (prefix: string) => `${prefix}-${++n}-${Math.random().toString(36).slice(2, 7)}@example.org`;
const proofOf = (html: string) => /name="proof" value="([^"]+)"/.exec(html)?.[1] ?? "";

/** A dialogue run by staff, with a partner person (of their own institution) as facilitator, signed in. */
async function partnerFacilitated() {
  const staff = await makeUser({ role: "STAFF" });
  const d = await makeDialogue(staff);
  const home = await makePartner({ name: `Home Institute ${++n}`, focalPointEmail: unique("home-focal") });
  const person = await focalPointOf(home);
  await joinDialogue(d.id, staff, person.email, "FACILITATOR");
  const client = await signInAs(new Client(`198.51.100.${(n % 200) + 20}`), person.email);
  return { staff, d, person, client };
}

/** Another institution with two focal points, whose addresses its outsiders never see. */
async function otherInstitution() {
  const other = await makePartner({ name: `Other Institute ${++n}`, focalPointEmail: unique("other-focal") });
  const second = await addMember(other.id, await focalPointOf(other), unique("other-second"));
  await prisma().membership.updateMany({ where: { partnerId: other.id, userId: second.id }, data: { role: "FOCAL_POINT" } });
  return { other, addresses: [other.focalPointEmail, second.email] };
}

describe("inviting an institution", () => {
  it("tells a partner facilitator how many were invited and where, never the focal points' addresses", async () => {
    const { staff, d, client } = await partnerFacilitated();
    const { other, addresses } = await otherInstitution();
    // Partner.members hides them from this facilitator in the first place.
    const members = await client.graphql<{ partner: { members: { email: string }[] } }>("query($id: ID!) { partner(id: $id) { members { email } } }", { id: other.id });
    expect(JSON.stringify(members)).not.toContain(addresses[1]);

    const sent = await client.graphql<{ inviteInstitutionToDialogue: { id: string; email: string | null; institution: string | null }[] }>(
      "mutation($d: ID!, $p: ID!) { inviteInstitutionToDialogue(dialogueId: $d, partnerId: $p) { id email institution } }",
      { d: d.id, p: other.id },
    );
    expect(sent.errors).toBeUndefined();
    expect(sent.data!.inviteInstitutionToDialogue).toHaveLength(2);
    expect(sent.data!.inviteInstitutionToDialogue.every((i) => i.email === null && i.institution === other.name)).toBe(true);
    const seen = [JSON.stringify(sent)];

    const listed = await client.graphql<{ dialogue: { invitations: { email: string | null; institution: string | null }[] } }>(
      "query($id: ID!) { dialogue(id: $id) { invitations { id email institution } } }",
      { id: d.id },
    );
    expect(listed.data!.dialogue.invitations.filter((i) => i.institution === other.name)).toHaveLength(2);
    seen.push(JSON.stringify(listed));
    const page = await (await client.get(`/dialogues/${d.id}`)).text();
    expect(page).toContain(other.name);
    seen.push(page);
    // The page's own form, and its notice afterwards.
    const posted = await client.post(`/dialogues/${d.id}`, { intent: "invite-institution", partnerId: other.id, institutionRole: "MEMBER" });
    expect(posted.status).toBe(200);
    seen.push(await posted.text());
    const revoked = await client.graphql("mutation($id: ID!) { revokeDialogueInvite(id: $id) { email revoked } }", { id: sent.data!.inviteInstitutionToDialogue[0].id });
    seen.push(JSON.stringify(revoked));
    for (const text of seen) for (const address of addresses) expect(text).not.toContain(address);

    // The mail did go to each focal point, and the research team (who may see an institution's people) sees where.
    for (const address of addresses) expect(await prisma().outboxMessage.count({ where: { toAddress: address, key: { startsWith: "dialogue-invited:" } } })).toBeGreaterThan(0);
    const staffView = await (await signInAs(new Client("198.51.100.250"), staff.email)).graphql<{ dialogue: { invitations: { email: string | null }[] } }>(
      "query($id: ID!) { dialogue(id: $id) { invitations { email } } }",
      { id: d.id },
    );
    expect(staffView.data!.dialogue.invitations.map((i) => i.email)).toEqual(expect.arrayContaining(addresses));
    // The first page of a file also loads the server build: allow for a busy machine.
  }, 120_000);
});

describe("invitation limits", () => {
  it("a partner facilitator's invitations stop at the per-facilitator limit with RATE_LIMITED, in the page's language too", async () => {
    const { d, client, person } = await partnerFacilitated();
    const invite = (email: string) =>
      client.graphql<{ inviteToDialogue: { id: string } }>("mutation($d: ID!, $e: String!) { inviteToDialogue(dialogueId: $d, email: $e) { id } }", { d: d.id, e: email });
    const max = LIMITS.dialogueInvitation.perFacilitator.max;
    for (let i = 0; i < max; i++) expect((await invite(unique("guest"))).errors).toBeUndefined();
    const over = await invite(unique("one-too-many"));
    expect(over.errors?.[0]?.extensions?.code).toBe("RATE_LIMITED");
    expect(over.errors?.[0]?.message).toMatch(/invitations/i);
    expect(await prisma().dialogueInvitation.count({ where: { dialogueId: d.id, invitedById: person.id } })).toBe(max);
    // The page says so in French to a French-speaking facilitator.
    await prisma().user.update({ where: { id: person.id }, data: { language: "FR" } });
    const page = await client.post(`/dialogues/${d.id}`, { intent: "invite", email: unique("french"), role: "MEMBER" });
    expect(page.status).toBe(429);
    expect(await page.text()).toContain("Vous avez envoyé beaucoup d’invitations");
  });

  it("all partner facilitators of one dialogue together stop at the per-dialogue limit", async () => {
    const { staff, d, client } = await partnerFacilitated();
    const home2 = await makePartner({ focalPointEmail: unique("second-home") });
    await joinDialogue(d.id, staff, home2.focalPointEmail, "FACILITATOR");
    const second = await signInAs(new Client("198.51.100.251"), home2.focalPointEmail);
    const perDialogue = LIMITS.dialogueInvitation.perDialogue.max;
    const perFacilitator = LIMITS.dialogueInvitation.perFacilitator.max;
    expect(perDialogue).toBeLessThan(2 * perFacilitator);
    const codes: string[] = [];
    for (let i = 0; i < 2 * perFacilitator; i++) {
      const who = i % 2 ? second : client;
      const r = await who.graphql("mutation($d: ID!, $e: String!) { inviteToDialogue(dialogueId: $d, email: $e) { id } }", { d: d.id, e: unique("many") });
      codes.push(String(r.errors?.[0]?.extensions?.code ?? "OK"));
    }
    expect(codes.filter((c) => c === "OK")).toHaveLength(perDialogue);
    expect(codes.slice(perDialogue).every((c) => c === "RATE_LIMITED")).toBe(true);
  });
});

describe("accepting an invitation for an existing account", () => {
  it("never signs a browser in as staff or admin (or any existing account): they sign in first, then the link attaches", async () => {
    const staff = await makeUser({ role: "STAFF" });
    const d = await makeDialogue(staff);
    const admin = await makeUser({ role: "ADMIN" });
    const invitation = await inviteToDialogue(staff, d.id, { email: admin.email });
    const { token } = await invitationMail(invitation.id);
    const path = `/dialogue-invite/${token}`;

    const browser = new Client("203.0.113.61");
    const page = await browser.get(path);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain(`/auth/sign-in?redirectTo=${encodeURIComponent(path)}`);
    // The page offers no Join button; a POST with this browser's valid proof is refused all the same.
    expect(proofOf(html)).toBe("");
    const proof = browserProof("invitation", sha256(token), browser.cookies.get("gmh_signin")!);
    const accepted = await browser.post(path, { proof });
    expect(accepted.status).not.toBe(302);
    expect(accepted.headers.getSetCookie().some((c) => c.startsWith("gmh_session="))).toBe(false);
    expect(await accepted.text()).toContain("sign in");
    expect(await prisma().session.count({ where: { userId: admin.id } })).toBe(0);
    expect(await prisma().dialogueMember.count({ where: { dialogueId: d.id, userId: admin.id } })).toBe(0);

    // Signed in as someone else, the browser cannot take it either.
    const stranger = await makeUser();
    const other = await signInAs(new Client("203.0.113.62"), stranger.email);
    await other.get(path);
    expect((await other.post(path, { proof: browserProof("invitation", sha256(token), other.cookies.get("gmh_signin")!) })).status).not.toBe(302);
    expect(await prisma().dialogueMember.count({ where: { dialogueId: d.id, userId: { in: [admin.id, stranger.id] } } })).toBe(0);

    // After signing in as the invited account, the same link joins the dialogue.
    await signInAs(browser, admin.email);
    const again = await (await browser.get(path)).text();
    const joined = await browser.post(path, { proof: proofOf(again) });
    expect(joined.status).toBe(302);
    expect(joined.headers.get("location")).toBe(`/dialogues/${d.id}?joined=1`);
    expect(await prisma().dialogueMember.count({ where: { dialogueId: d.id, userId: admin.id } })).toBe(1);
  });
});
