import { beforeAll, describe, expect, it } from "vitest";
import { inviteToDialogue } from "../../app/services/dialogues/invitations.server.ts";
import type { SignedInActor } from "../../app/services/policy.server.ts";
import { prisma } from "../../app/utils/db.server.ts";
import { joinDialogue, makeDialogue } from "../dialogues/factories.ts";
import { actorOf, makeUser } from "../factories.ts";
import { Client } from "../helpers/app.ts";
import { signInAs } from "../helpers/sign-in.ts";

// Leaving a dialogue, removing a member and withdrawing an invitation each take a confirmation step that names the
// consequence, look unlike Save, and end with a notice. A post without the step only opens the step.
let staff: SignedInActor;
let dialogueId = "";
const isMember = async (userId: string) => !!(await prisma().dialogueMember.findFirst({ where: { dialogueId, userId } }));

beforeAll(async () => {
  staff = await actorOf((await makeUser({ role: "STAFF" })).id);
  dialogueId = (await makeDialogue(staff, { title: "Care corridors talks" })).id;
});

describe("destructive actions on a dialogue page", () => {
  it("a member leaves only after a step that says what leaving does, then reads that they left", async () => {
    const member = await joinDialogue(dialogueId, staff, "leaver@example.org");
    const browser = await signInAs(new Client("198.51.100.80"), "leaver@example.org");
    const page = await (await browser.get(`/dialogues/${dialogueId}`)).text();
    expect(page).toContain(`<a class="button danger-outline" data-discover="true" href="/dialogues/${dialogueId}?confirm=leave#confirm">Leave this dialogue</a>`);
    expect(page).not.toContain('value="leave"');

    const oneClick = await browser.post(`/dialogues/${dialogueId}`, { intent: "leave" });
    expect(oneClick.status).toBe(302);
    expect(oneClick.headers.get("location")).toBe(`/dialogues/${dialogueId}?confirm=leave#confirm`);
    expect(await isMember(member.id)).toBe(true);

    const step = await (await browser.get(`/dialogues/${dialogueId}?confirm=leave`)).text();
    expect(step).toContain("Leave “Care corridors talks”?");
    expect(step).toContain("You will no longer see its threads, sessions or documents");
    expect(step).toMatch(/<button type="submit" class="danger">Yes, leave this dialogue<\/button>/);
    expect(step).toContain(`href="/dialogues/${dialogueId}">No, go back</a>`);

    const done = await browser.post(`/dialogues/${dialogueId}`, { intent: "leave", confirmed: "yes" });
    expect(done.headers.get("location")).toBe("/dialogues?left=1");
    expect(await isMember(member.id)).toBe(false);
    expect(await (await browser.get("/dialogues?left=1")).text()).toContain("You have left the dialogue.");
  });

  it("a facilitator removes a member and withdraws an invitation through the same steps, in Spanish too", async () => {
    const member = await joinDialogue(dialogueId, staff, "removed@example.org");
    await prisma().user.update({ where: { id: member.id }, data: { name: "Ana Ruiz" } });
    const invitation = await inviteToDialogue(staff, dialogueId, { email: "not-coming@example.org", role: "MEMBER" });
    const facilitator = await signInAs(new Client("198.51.100.81"), staff.email);

    const page = await (await facilitator.get(`/dialogues/${dialogueId}`)).text();
    expect(page).toContain(`href="/dialogues/${dialogueId}?confirm=remove%3A${member.id}#confirm"`);
    expect(page).toContain(`href="/dialogues/${dialogueId}?confirm=revoke%3A${invitation.id}#confirm"`);
    expect((await facilitator.post(`/dialogues/${dialogueId}`, { intent: "remove", userId: member.id })).status).toBe(302);
    expect(await isMember(member.id)).toBe(true);

    const step = await (await facilitator.get(`/dialogues/${dialogueId}?confirm=remove%3A${member.id}`)).text();
    expect(step).toContain("Remove Ana Ruiz from this dialogue?");
    const removed = await (await facilitator.post(`/dialogues/${dialogueId}?confirm=remove%3A${member.id}`, { intent: "remove", userId: member.id, name: "Ana Ruiz", confirmed: "yes" })).text();
    expect(removed).toContain("Ana Ruiz no longer belongs to this dialogue.");
    expect(removed).not.toContain("data-confirm");
    expect(await isMember(member.id)).toBe(false);

    const es = await signInAs(new Client("198.51.100.82", { "accept-language": "es" }), staff.email);
    await prisma().user.update({ where: { email: staff.email }, data: { language: "ES" } });
    const stepEs = await (await es.get(`/dialogues/${dialogueId}?confirm=revoke%3A${invitation.id}`)).text();
    expect(stepEs).toContain("¿Retirar la invitación a not-coming@example.org?");
    const revoked = await (await es.post(`/dialogues/${dialogueId}`, { intent: "revoke", invitationId: invitation.id, who: "not-coming@example.org", confirmed: "yes" })).text();
    expect(revoked).toContain("La invitación a not-coming@example.org está retirada");
    expect((await prisma().dialogueInvitation.findUniqueOrThrow({ where: { id: invitation.id } })).revokedAt).not.toBeNull();
  });
});
