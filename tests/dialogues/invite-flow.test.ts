import { describe, expect, it } from "vitest";
import { acceptDialogueInvite, inviteToDialogue } from "../../app/services/dialogues/invitations.server.ts";
import { redactSecrets } from "../../app/services/mail-redaction.ts";
import { ANONYMOUS } from "../../app/services/policy.server.ts";
import { prisma } from "../../app/utils/db.server.ts";
import { makeUser } from "../factories.ts";
import { Client } from "../helpers/app.ts";
import { signInAs } from "../helpers/sign-in.ts";
import { invitationMail, makeDialogue } from "./factories.ts";

const proofOf = (html: string) => /name="proof" value="([^"]+)"/.exec(html)![1];

describe("dialogue invitation over HTTP", () => {
  it("a facilitator invites, the invitee accepts from the emailed link, posts, and Markdown stays inert", async () => {
    const staff = await makeUser({ role: "STAFF", name: "Stella Staff" });
    const facilitator = await signInAs(new Client(), staff.email);
    const created = await facilitator.graphql<{ createDialogue: { id: string } }>(
      "mutation($i: DialogueInput!) { createDialogue(input: $i) { id } }",
      { i: { chathamHouse: true, translations: [{ language: "EN", title: "Labour mobility roundtable" }, { language: "FR", title: "Table ronde mobilité" }] } },
    );
    const id = created.data!.createDialogue.id;
    const invited = await facilitator.post(`/dialogues/${id}`, { intent: "invite", email: "Invitee@Example.org", role: "MEMBER" });
    expect(invited.status).toBe(200);
    expect(await invited.text()).toContain("An invitation was emailed to");

    const mail = await prisma().outboxMessage.findFirstOrThrow({ where: { toAddress: "invitee@example.org", key: { startsWith: "dialogue-invited:" } } });
    expect(mail.priority).toBe("TRANSACTIONAL");
    expect(mail.text).toContain("Labour mobility roundtable");
    expect(mail.text).toContain("Chatham House Rule");
    expect(mail.html).toContain("Chatham House Rule");
    const path = /\/dialogue-invite\/[\w-]+/.exec(mail.text)![0];
    // Admins reading the mail log cannot use the link: accepting it would sign them in as the invitee.
    expect(redactSecrets(mail.text)).not.toContain(path);
    expect(redactSecrets(mail.text)).toContain("/dialogue-invite/[redacted]");

    const invitee = new Client("203.0.113.20");
    const page = await invitee.get(path);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain("data-chatham-house");
    // GET changed nothing: no membership yet.
    expect(await prisma().dialogueMember.count({ where: { dialogueId: id, user: { email: "invitee@example.org" } } })).toBe(0);
    const accepted = await invitee.post(path, { proof: proofOf(html) });
    expect(accepted.status).toBe(302);
    expect(accepted.headers.get("location")).toBe(`/dialogues/${id}?joined=1`);
    // Single use.
    expect((await new Client().get(path)).status).toBe(400);

    const dialoguePage = await invitee.get(`/dialogues/${id}?joined=1`);
    expect(dialoguePage.status).toBe(200);
    const dialogueHtml = await dialoguePage.text();
    expect(dialogueHtml).toContain("you are now a member");
    expect(dialogueHtml).toContain("data-chatham-house");
    expect(dialogueHtml).not.toContain("Stella Staff"); // member list hidden under Chatham House

    const started = await invitee.post(`/dialogues/${id}`, { intent: "thread", title: "Seasonal visas", body: "First **point**." });
    expect(started.status).toBe(302);
    const threadPath = started.headers.get("location")!;
    const xss = [
      "<script>alert(1)</script>",
      "[click](javascript:alert(1))",
      "<img src=x onerror=alert(1)>",
      "[ok](https://example.org/brief)",
    ].join("\n\n");
    expect((await invitee.post(threadPath, { body: xss })).status).toBe(302);

    const threadHtml = await (await facilitator.get(threadPath)).text();
    expect(threadHtml).toContain("<strong>point</strong>");
    expect(threadHtml).toContain('<a href="https://example.org/brief" rel="nofollow noopener noreferrer ugc">ok</a>');
    expect(threadHtml).not.toMatch(/<script>alert|href="javascript|<img src=x/);
    expect(threadHtml).toContain("&lt;script&gt;alert(1)&lt;/script&gt;");
    expect(threadHtml).toContain("data-chatham-house");
    // Under Chatham House the facilitator does not see who wrote it.
    expect(threadHtml).toContain("A participant");
    expect(threadHtml).not.toContain("invitee@example.org");
  });

  it("invitations are bound to one address, expire, can be revoked and re-sent", async () => {
    const staff = await makeUser({ role: "STAFF" });
    const d = await makeDialogue(staff);
    const first = await inviteToDialogue(staff, d.id, { email: "bound@example.org" });
    const { token: oldToken } = await invitationMail(first.id);
    // Sending again replaces the open invitation: the old link stops working.
    const sentAt = new Date();
    const second = await inviteToDialogue(staff, d.id, { email: "bound@example.org" }, sentAt);
    const { token } = await invitationMail(second.id);
    const stranger = await makeUser({ email: "stranger@example.org" });
    // Over the API, only the invited address may accept.
    await expect(acceptDialogueInvite({ token, actor: stranger })).rejects.toMatchObject({ code: "BAD_USER_INPUT" });
    await expect(acceptDialogueInvite({ token: oldToken, actor: ANONYMOUS, browser: { value: "b", proof: "x" } })).rejects.toMatchObject({ code: "BAD_USER_INPUT" });
    // 14 days later it has expired.
    const later = new Date(second.expiresAt.getTime() + 1);
    const invitee = await makeUser({ email: "bound@example.org" });
    await expect(acceptDialogueInvite({ token, actor: invitee, now: later })).rejects.toMatchObject({ code: "BAD_USER_INPUT" });
    expect(second.expiresAt.getTime() - sentAt.getTime()).toBe(14 * 86400_000);
    // Revoked over GraphQL, it no longer works.
    const client = await signInAs(new Client(), staff.email);
    const revoked = await client.graphql<{ revokeDialogueInvite: { revoked: boolean } }>("mutation($id: ID!) { revokeDialogueInvite(id: $id) { revoked } }", { id: second.id });
    expect(revoked.data?.revokeDialogueInvite.revoked).toBe(true);
    await expect(acceptDialogueInvite({ token, actor: invitee })).rejects.toMatchObject({ code: "BAD_USER_INPUT" });
    // A fresh one, accepted over the API by the signed-in invitee.
    const third = await inviteToDialogue(staff, d.id, { email: "bound@example.org" });
    const inviteeClient = await signInAs(new Client(), "bound@example.org");
    const ok = await inviteeClient.graphql<{ acceptDialogueInvite: { id: string; viewerRole: string } }>(
      "mutation($t: String!) { acceptDialogueInvite(token: $t) { id viewerRole } }",
      { t: (await invitationMail(third.id)).token },
    );
    expect(ok.data?.acceptDialogueInvite).toEqual({ id: d.id, viewerRole: "MEMBER" });
    // Already a member: a new invitation is a conflict, not a second membership.
    await expect(inviteToDialogue(staff, d.id, { email: "bound@example.org" })).rejects.toMatchObject({ code: "CONFLICT" });
  });

  it("a member who leaves, or is removed, no longer finds the dialogue", async () => {
    const staff = await makeUser({ role: "STAFF" });
    const d = await makeDialogue(staff);
    const staffClient = await signInAs(new Client(), staff.email);
    for (const how of ["leave", "remove"] as const) {
      const email = `${how}-${d.id}@example.org`;
      const inv = await inviteToDialogue(staff, d.id, { email });
      await makeUser({ email });
      const member = await signInAs(new Client(), email);
      await member.graphql("mutation($t: String!) { acceptDialogueInvite(token: $t) { id } }", { t: (await invitationMail(inv.id)).token });
      expect((await member.get(`/dialogues/${d.id}`)).status).toBe(200);
      if (how === "leave") expect((await member.post(`/dialogues/${d.id}`, { intent: "leave", confirmed: "yes" })).status).toBe(302);
      else {
        const user = await prisma().user.findUniqueOrThrow({ where: { email } });
        expect((await staffClient.post(`/dialogues/${d.id}`, { intent: "remove", userId: user.id, confirmed: "yes" })).status).toBe(200);
      }
      expect((await member.get(`/dialogues/${d.id}`)).status).toBe(404);
      const gone = await member.graphql<{ dialogues: { totalCount: number } }>("{ dialogues { totalCount } }");
      expect(gone.data?.dialogues.totalCount).toBe(0);
    }
    // The last facilitator cannot leave a dialogue unmanaged.
    const last = await staffClient.graphql("mutation($id: ID!) { leaveDialogue(id: $id) }", { id: d.id });
    expect(last.errors?.[0]?.extensions?.code).toBe("CONFLICT");
  });
});
