import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { inviteInstitutionToDialogue } from "../../app/services/dialogues/invitations.server.ts";
import { removeDialogueMember } from "../../app/services/dialogues/membership.server.ts";
import { runDialogueDigests, setDialogueNotifications } from "../../app/services/dialogues/notifications.server.ts";
import { editPost, postInThread, startThread } from "../../app/services/dialogues/threads.server.ts";
import { inviteToWebinar } from "../../app/services/webinar-invitations.server.ts";
import { scheduleWebinar } from "../../app/services/webinars.server.ts";
import { prisma } from "../../app/utils/db.server.ts";
import { deliverDue } from "../../emails/worker.ts";
import { actorOf, makePartner, makeUser } from "../factories.ts";
import { Client } from "../helpers/app.ts";
import { signInAs } from "../helpers/sign-in.ts";
import { startSmtpSink, type ReceivedMail } from "../helpers/smtp-sink.ts";
import { invitationMail, joinDialogue, makeDialogue } from "./factories.ts";
import { browserProof } from "../../app/services/auth.server.ts";
import { sha256 } from "../../app/services/crypto.server.ts";
import { acceptDialogueInvite } from "../../app/services/dialogues/invitations.server.ts";
import { ANONYMOUS } from "../../app/services/policy.server.ts";

let sink: Awaited<ReturnType<typeof startSmtpSink>>;
beforeAll(async () => {
  sink = await startSmtpSink();
});
afterAll(() => sink.stop());

const DAY = 86400_000;

/** Delivers everything queued over real SMTP and returns what arrived. */
async function drain(): Promise<ReceivedMail[]> {
  const before = sink.received.length;
  const r = await deliverDue({ workerId: "activity-test" });
  return (await sink.waitFor(before + r.sent)).slice(before);
}
const to = (mails: ReceivedMail[], address: string) => mails.filter((m) => m.to === address);

describe("dialogue activity emails over real SMTP", () => {
  it("invite → accept → post: immediate notices keep Chatham House, the daily digest reaches members only, once", async () => {
    const staff = await makeUser({ role: "STAFF", name: "Stella Staff" });
    const d = await makeDialogue(staff, { title: "Care corridors", chathamHouse: true });
    const author = await joinDialogue(d.id, staff, "author@example.org");
    await prisma().user.update({ where: { id: author.id }, data: { name: "Aurelia Author" } });
    const reader = await joinDialogue(d.id, staff, "reader@example.org");
    await prisma().user.update({ where: { id: reader.id }, data: { language: "FR" } });
    const eager = await joinDialogue(d.id, staff, "eager@example.org");
    const removed = await joinDialogue(d.id, staff, "removed@example.org");
    const quiet = await joinDialogue(d.id, staff, "quiet@example.org");
    const outsider = await makeUser({ email: "outsider@example.org" });
    await setDialogueNotifications(eager, d.id, "IMMEDIATE");
    await setDialogueNotifications(removed, d.id, "IMMEDIATE");
    await setDialogueNotifications(quiet, d.id, "NEVER");
    await expect(setDialogueNotifications(outsider, d.id, "IMMEDIATE")).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(setDialogueNotifications(reader, d.id, "HOURLY")).rejects.toMatchObject({ code: "BAD_USER_INPUT" });
    await removeDialogueMember(staff, d.id, removed.id);
    await drain(); // the invitations

    const thread = await startThread(await actorOf(author.id), d.id, { title: "Seasonal visas", body: "The quota **doubles** next year." });
    const immediate = await drain();
    expect(immediate.map((m) => m.to)).toEqual(["eager@example.org"]);
    const notice = immediate[0];
    expect(notice.parsed.subject).toBe("New post in a closed dialogue on GenMig Hub");
    expect(notice.parsed.text).toContain("The quota **doubles** next year.");
    expect(notice.parsed.text).toContain("Seasonal visas");
    expect(notice.parsed.text).toContain("Chatham House Rule");
    expect(notice.parsed.html).toContain("Chatham House Rule");
    expect(notice.parsed.text).toContain("A participant");
    expect(notice.raw).not.toContain("Aurelia");
    expect((await prisma().outboxMessage.findFirstOrThrow({ where: { toAddress: "eager@example.org", key: { startsWith: "dialogue-post:" } } })).priority).toBe("BULK");

    // An attributable post names its author, even under Chatham House.
    await postInThread(await actorOf(author.id), thread.id, { body: "On the record: we support it.", attributable: true });
    const named = await drain();
    expect(named.map((m) => m.to)).toEqual(["eager@example.org"]);
    expect(named[0].parsed.text).toContain("Aurelia Author posted");

    // Nothing is due before a day has passed.
    expect((await runDialogueDigests("DAILY")).sent).toBe(0);
    const tomorrow = new Date(Date.now() + DAY + 2 * 60_000);
    const run = await runDialogueDigests("DAILY", { now: tomorrow });
    const digests = await drain();
    // The reader and the facilitator (staff) — not the author (their own posts), not the immediate, quiet,
    // removed or outside people.
    expect(digests.map((m) => m.to).sort()).toEqual(["reader@example.org", staff.email].sort());
    expect(run.sent).toBe(2);
    const fr = to(digests, "reader@example.org")[0];
    expect(fr.parsed.subject).toBe("Aujourd'hui dans votre dialogue fermé sur GenMig Hub");
    expect(fr.parsed.text).toContain("The quota **doubles** next year.");
    expect(fr.parsed.text).toContain("Seasonal visas");
    expect(fr.parsed.text).toContain("règle de Chatham House");
    expect(fr.raw.replace(/=\r?\n/g, "")).not.toContain("Aurelia Author (");
    // The first post is anonymous, the attributable one is named.
    expect(fr.parsed.text?.match(/Aurelia Author/g)?.length).toBe(1);
    const staffDigest = to(digests, staff.email)[0];
    expect(staffDigest.parsed.subject).toBe("Today in your closed dialogue on GenMig Hub");
    expect(staffDigest.parsed.text).toContain("A participant");

    // Run again (another worker, or the same after a crash): the cursor moved with the enqueue, nothing twice.
    expect((await runDialogueDigests("DAILY", { now: tomorrow })).sent).toBe(0);
    expect((await runDialogueDigests("DAILY", { now: new Date(tomorrow.getTime() + 1000), force: true })).sent).toBe(0);
    // An empty period sends nothing, even on demand.
    expect((await runDialogueDigests("DAILY", { now: new Date(tomorrow.getTime() + DAY + 2 * 60_000) })).sent).toBe(0);
    expect(await drain()).toEqual([]);
    expect(sink.received.filter((m) => ["outsider@example.org", "removed@example.org", "quiet@example.org"].includes(m.to) && !/Invitation|invitation/.test(m.parsed.subject ?? ""))).toEqual([]);
  });

  it("authors edit their posts; facilitators see the history, others see 'edited'; nobody else may edit", async () => {
    const staff = await makeUser({ role: "STAFF" });
    const d = await makeDialogue(staff, { chathamHouse: true });
    const author = await joinDialogue(d.id, staff, `edit-author-${d.id}@example.org`);
    const other = await joinDialogue(d.id, staff, `edit-other-${d.id}@example.org`);
    const thread = await startThread(author, d.id, { title: "Draft", body: "First version." });
    const post = await prisma().dialoguePost.findFirstOrThrow({ where: { threadId: thread.id } });
    const edited = await editPost(author, post.id, { body: "Second version." });
    expect(edited.editedAt).not.toBeNull();
    await expect(editPost(other, post.id, { body: "Hijack" })).rejects.toMatchObject({ code: "FORBIDDEN" });
    await expect(editPost(staff, post.id, { body: "Staff rewrite" })).rejects.toMatchObject({ code: "FORBIDDEN" });
    const outsider = await makeUser();
    const missing = await editPost(outsider, "cmissingpost0000000000000", { body: "x" }).catch((e) => e);
    const hidden = await editPost(outsider, post.id, { body: "x" }).catch((e) => e);
    expect([hidden.code, hidden.message]).toEqual([missing.code, missing.message]);
    expect(hidden.code).toBe("NOT_FOUND");
    await expect(editPost(author, post.id, { body: "   " })).rejects.toMatchObject({ code: "BAD_USER_INPUT" });

    const query = "query($id: ID!) { dialogueThread(id: $id) { posts { edges { node { body editedAt revisions { body } } } } } }";
    type R = { dialogueThread: { posts: { edges: { node: { body: string; editedAt: string | null; revisions: { body: string }[] } }[] } } };
    const staffView = (await (await signInAs(new Client(), staff.email)).graphql<R>(query, { id: thread.id })).data!.dialogueThread.posts.edges[0].node;
    expect(staffView.body).toBe("Second version.");
    expect(staffView.revisions).toEqual([{ body: "First version." }]);
    const memberView = (await (await signInAs(new Client(), other.email)).graphql<R>(query, { id: thread.id })).data!.dialogueThread.posts.edges[0].node;
    expect(memberView.editedAt).not.toBeNull();
    expect(memberView.revisions).toEqual([]);

    // Over the page: the author's form edits, the facilitator's page shows the earlier version, a member's does not.
    const authorClient = await signInAs(new Client(), author.email);
    const path = `/dialogues/${d.id}/threads/${thread.id}`;
    expect((await authorClient.post(path, { intent: "edit", postId: post.id, body: "Third version." })).status).toBe(302);
    const staffPage = await (await signInAs(new Client(), staff.email)).get(path).then((r) => r.text());
    expect(staffPage).toContain("data-post-history");
    expect(staffPage).toContain("Second version.");
    const memberPage = await (await signInAs(new Client(), other.email)).get(path).then((r) => r.text());
    expect(memberPage).toContain("Third version.");
    expect(memberPage).toContain("edited");
    expect(memberPage).not.toContain("Second version.");
    expect(memberPage).not.toContain("data-edit-post");
  });

  it("an invited-only webinar invites a whole dialogue, and people who join it later", async () => {
    const staff = await makeUser({ role: "STAFF" });
    const d = await makeDialogue(staff);
    await joinDialogue(d.id, staff, `early-${d.id}@example.org`);
    const start = new Date(Date.now() + 3 * DAY);
    const schedule = (audience: "INVITED" | "PUBLIC") =>
      scheduleWebinar(staff, {
        timeZone: "UTC",
        meetingUrl: "https://meet.example.org/room",
        translations: [{ language: "en", title: `Briefing ${audience}` }],
        startsAt: start,
        endsAt: new Date(start.getTime() + 3600_000),
        audience,
      });
    const invited = await schedule("INVITED");
    const result = await inviteToWebinar(staff, invited.id, { dialogueId: d.id });
    expect(result.invited.sort()).toEqual([staff.email, `early-${d.id}@example.org`].sort());
    await expect(inviteToWebinar(staff, (await schedule("PUBLIC")).id, { dialogueId: d.id })).rejects.toMatchObject({ code: "CONFLICT" });
    const partner = await makeUser();
    await expect(inviteToWebinar(partner, invited.id, { dialogueId: d.id })).rejects.toMatchObject({ code: "FORBIDDEN" });

    await joinDialogue(d.id, staff, `late-${d.id}@example.org`);
    const reg = await prisma().webinarRegistration.findUniqueOrThrow({ where: { webinarId_email: { webinarId: invited.id, email: `late-${d.id}@example.org` } } });
    // The webinar has no capacity: a member who joins later is confirmed at once, like those invited before.
    expect(reg.status).toBe("CONFIRMED");
    expect(await prisma().outboxMessage.count({ where: { toAddress: `late-${d.id}@example.org`, NOT: { key: { startsWith: "dialogue-" } } } })).toBeGreaterThan(0);

    // The Manage page offers the action and shows the link.
    const page = await (await signInAs(new Client(), staff.email)).get(`/webinars/${invited.id}/manage`).then((r) => r.text());
    expect(page).toContain("data-invite-dialogue");
    expect(page).toContain("Dialogues invited:");
  });

  it("a focal-point invitation reaches the institution's address and links the new account to it", async () => {
    const staff = await makeUser({ role: "STAFF" });
    const d = await makeDialogue(staff);
    const institution = await makePartner({ name: "Sahel Mobility Lab", focalPointEmail: "focal-sahel@example.org", focalPointName: "Fatou Focal" });
    // The focal point registered the institution and has an account; remove it to prove a new one is linked.
    await prisma().user.delete({ where: { email: "focal-sahel@example.org" } });
    const r = await inviteInstitutionToDialogue(staff, d.id, { partnerId: institution.id });
    expect(r.invitations.map((i) => i.email)).toEqual(["focal-sahel@example.org"]);
    const { token } = await invitationMail(r.invitations[0].id);
    const proof = browserProof("invitation", sha256(token), "focal-browser");
    const accepted = await acceptDialogueInvite({ token, actor: ANONYMOUS, browser: { value: "focal-browser", proof } });
    const user = await prisma().user.findUniqueOrThrow({ where: { id: accepted.userId }, include: { memberships: true } });
    expect(user.name).toBe("Fatou Focal");
    expect(user.memberships).toMatchObject([{ partnerId: institution.id, role: "FOCAL_POINT" }]);
    // A member may not invite; an unknown or unapproved institution is a field error.
    const member = await joinDialogue(d.id, staff, `plain-${d.id}@example.org`);
    await expect(inviteInstitutionToDialogue(member, d.id, { partnerId: institution.id })).rejects.toMatchObject({ code: "FORBIDDEN" });
    const pending = await makePartner({ status: "PENDING" });
    await expect(inviteInstitutionToDialogue(staff, d.id, { partnerId: pending.id })).rejects.toMatchObject({ code: "BAD_USER_INPUT" });
  });

  it("My dialogues on the home and account pages, with an empty state that says what to do", async () => {
    const staff = await makeUser({ role: "STAFF" });
    const d = await makeDialogue(staff, { title: "Dialogue on care work" });
    const member = await joinDialogue(d.id, staff, `mine-${d.id}@example.org`);
    const client = await signInAs(new Client(), member.email);
    for (const path of ["/", "/account"]) {
      const html = await client.get(path).then((r) => r.text());
      expect(html, path).toContain("data-my-dialogues");
      expect(html, path).toContain("Dialogue on care work");
    }
    const dialoguePage = await client.get(`/dialogues/${d.id}`).then((r) => r.text());
    expect(dialoguePage).toContain("data-notifications");
    expect((await client.post(`/dialogues/${d.id}`, { intent: "notify", notify: "WEEKLY" })).status).toBe(200);
    expect((await prisma().dialogueMember.findFirstOrThrow({ where: { dialogueId: d.id, userId: member.id } })).notify).toBe("WEEKLY");
    const lonely = await signInAs(new Client(), (await makeUser()).email);
    const empty = await lonely.get("/").then((r) => r.text());
    expect(empty).toContain("data-my-dialogues-empty");
    expect(empty).not.toContain("Dialogue on care work");
  });
});
