import { beforeAll, describe, expect, it } from "vitest";
import { createApiToken } from "../../app/services/api-tokens.server.ts";
import { inviteToDialogue } from "../../app/services/dialogues/invitations.server.ts";
import { postInThread, startThread } from "../../app/services/dialogues/threads.server.ts";
import { scheduleWebinar } from "../../app/services/webinars.server.ts";
import { prisma } from "../../app/utils/db.server.ts";
import type { SignedInActor } from "../../app/services/policy.server.ts";
import { focalPointOf, makePartner, makeUser } from "../factories.ts";
import { Client } from "../helpers/app.ts";
import { signInAs } from "../helpers/sign-in.ts";
import { joinDialogue, makeDialogue } from "./factories.ts";

type Who = "anonymous" | "partner" | "member" | "facilitator" | "staff" | "admin";
const WHO: Who[] = ["anonymous", "partner", "member", "facilitator", "staff", "admin"];

// Words that must never reach anyone outside the secret dialogue, and names Chatham House hides from members.
const SECRET_TITLE = "Return corridors consultation";
const SECRET_THREAD = "Draft position on readmission";
const SECRET_POST = "Our ministry will not sign the readmission clause";
const MEMBER_NAME = "Alice Memberlyn";
const MEMBER_INSTITUTE = "Alice Institute of Migration";
const FACILITATOR_NAME = "Fiona Facilitada";
const PRIVATE_THREAD = "Private thread about remittance data";

let clients: Record<Who, Client>;
let staffActor: SignedInActor;
let facilitator: SignedInActor;
let secretId: string;
let privateId: string;
let secretThreadId: string;
let privateThreadId: string;
let outsiderPartnerId: string;
let invitedWebinarId: string;
let firstPostId: string;
const MISSING = "cmissingdialogue000000000";

beforeAll(async () => {
  const creator = await makeUser({ role: "STAFF", name: "Creator Staff" });
  staffActor = await makeUser({ role: "STAFF", name: "Other Staff" });
  const admin = await makeUser({ role: "ADMIN", name: "Admin Person" });
  const outsider = await makePartner({ name: "Outsider Institute", focalPointName: "Pat Outsider" });
  const memberPartner = await makePartner({ name: MEMBER_INSTITUTE, focalPointName: MEMBER_NAME });
  const memberUser = await focalPointOf(memberPartner);
  const secret = await makeDialogue(creator, { title: SECRET_TITLE, chathamHouse: true });
  const priv = await makeDialogue(creator, { title: "Remittances working group", visibility: "PRIVATE" });
  secretId = secret.id;
  privateId = priv.id;
  const facUser = await makeUser({ name: FACILITATOR_NAME });
  facilitator = await joinDialogue(secretId, creator, facUser.email, "FACILITATOR");
  const member = await joinDialogue(secretId, facilitator, memberUser.email);
  await joinDialogue(privateId, creator, memberUser.email);
  const thread = await startThread(member, secretId, { title: SECRET_THREAD, body: `${SECRET_POST}.` });
  secretThreadId = thread.id;
  await postInThread(facilitator, secretThreadId, { body: "On the record: the facilitator's summary.", attributable: true });
  privateThreadId = (await startThread(member, privateId, { title: PRIVATE_THREAD, body: "Members only." })).id;
  firstPostId = (await prisma().dialoguePost.findFirstOrThrow({ where: { threadId: secretThreadId }, orderBy: { createdAt: "asc" } })).id;
  outsiderPartnerId = outsider.id;
  const start = new Date(Date.now() + 5 * 86400_000);
  invitedWebinarId = (
    await scheduleWebinar(creator, {
      timeZone: "UTC",
      meetingUrl: "https://meet.example.org/room",
      translations: [{ language: "en", title: "Closed briefing" }],
      startsAt: start,
      endsAt: new Date(start.getTime() + 3600_000),
      audience: "INVITED",
    })
  ).id;
  clients = {
    anonymous: new Client(),
    partner: await signInAs(new Client(), outsider.focalPointEmail),
    member: await signInAs(new Client(), memberUser.email),
    facilitator: await signInAs(new Client(), facUser.email),
    staff: await signInAs(new Client(), staffActor.email),
    admin: new Client("203.0.113.9", { authorization: `Bearer ${(await createApiToken(admin, { name: "dialogues" })).token}` }),
  };
});

type Result = { status: number; data?: unknown; errors?: { message: string; extensions?: { code?: string } }[] };
const codeOf = (r: Result) => r.errors?.[0]?.extensions?.code ?? "OK";
const sameFailure = (a: Result, b: Result) => {
  expect(a.status).toBe(b.status);
  expect(a.errors?.map((e) => [e.message, e.extensions?.code])).toEqual(b.errors?.map((e) => [e.message, e.extensions?.code]));
};

const DEEP = `
  fragment D on Dialogue {
    id title description chathamHouse viewerRole translations { title }
    members { name affiliation email }
    invitations { email }
    threads(first: 50) { totalCount edges { node { id title } } }
  }`;
// Nested member and thread fields are read through dialogue(id) below (the cost limit caps one document).
const LIST = "{ dialogues(first: 100) { totalCount edges { node { id title description viewerRole threads { totalCount } } } } }";
// Posts are read per thread: the abuse limits cap query depth at 8.
const POSTS = "query($id: ID!) { dialogueThread(id: $id) { title dialogue { title } posts(first: 50) { totalCount edges { node { body html isMine attributable author { name affiliation } } } } } }";

// Expected outcome of each operation per caller: OK or the typed error code.
const MATRIX: Record<string, Record<Who, string>> = {
  dialogueSecret: { anonymous: "NOT_FOUND", partner: "NOT_FOUND", member: "OK", facilitator: "OK", staff: "OK", admin: "OK" },
  dialoguePrivate: { anonymous: "NOT_FOUND", partner: "OK", member: "OK", facilitator: "NOT_FOUND", staff: "OK", admin: "OK" },
  threadSecret: { anonymous: "NOT_FOUND", partner: "NOT_FOUND", member: "OK", facilitator: "OK", staff: "OK", admin: "OK" },
  threadPrivate: { anonymous: "NOT_FOUND", partner: "NOT_FOUND", member: "OK", facilitator: "NOT_FOUND", staff: "OK", admin: "OK" },
  dialogues: { anonymous: "UNAUTHENTICATED", partner: "OK", member: "OK", facilitator: "OK", staff: "OK", admin: "OK" },
  createDialogue: { anonymous: "UNAUTHENTICATED", partner: "FORBIDDEN", member: "FORBIDDEN", facilitator: "FORBIDDEN", staff: "OK", admin: "OK" },
  updateDialogue: { anonymous: "NOT_FOUND", partner: "NOT_FOUND", member: "FORBIDDEN", facilitator: "FORBIDDEN", staff: "OK", admin: "OK" },
  inviteToDialogue: { anonymous: "UNAUTHENTICATED", partner: "NOT_FOUND", member: "FORBIDDEN", facilitator: "OK", staff: "OK", admin: "OK" },
  revokeDialogueInvite: { anonymous: "NOT_FOUND", partner: "NOT_FOUND", member: "NOT_FOUND", facilitator: "OK", staff: "OK", admin: "OK" },
  removeDialogueMember: { anonymous: "NOT_FOUND", partner: "NOT_FOUND", member: "FORBIDDEN", facilitator: "OK", staff: "OK", admin: "OK" },
  leaveDialogue: { anonymous: "NOT_FOUND", partner: "NOT_FOUND", member: "OK", facilitator: "OK", staff: "NOT_FOUND", admin: "NOT_FOUND" },
  startThread: { anonymous: "UNAUTHENTICATED", partner: "NOT_FOUND", member: "OK", facilitator: "OK", staff: "OK", admin: "OK" },
  postInThread: { anonymous: "UNAUTHENTICATED", partner: "NOT_FOUND", member: "OK", facilitator: "OK", staff: "OK", admin: "OK" },
  startThreadPrivate: { anonymous: "UNAUTHENTICATED", partner: "NOT_FOUND", member: "OK", facilitator: "NOT_FOUND", staff: "OK", admin: "OK" },
  // Notification settings are a member's own; staff who are not members have none.
  setDialogueNotifications: { anonymous: "UNAUTHENTICATED", partner: "NOT_FOUND", member: "OK", facilitator: "OK", staff: "NOT_FOUND", admin: "NOT_FOUND" },
  notificationsField: { anonymous: "NOT_FOUND", partner: "NOT_FOUND", member: "OK", facilitator: "OK", staff: "OK", admin: "OK" },
  // The first post is the member's: only its author edits it; others who can read it are refused.
  editPost: { anonymous: "UNAUTHENTICATED", partner: "NOT_FOUND", member: "OK", facilitator: "FORBIDDEN", staff: "FORBIDDEN", admin: "FORBIDDEN" },
  inviteInstitutionToDialogue: { anonymous: "UNAUTHENTICATED", partner: "NOT_FOUND", member: "FORBIDDEN", facilitator: "OK", staff: "OK", admin: "OK" },
  inviteDialogueToWebinar: { anonymous: "UNAUTHENTICATED", partner: "FORBIDDEN", member: "FORBIDDEN", facilitator: "FORBIDDEN", staff: "OK", admin: "OK" },
};

describe("dialogue authorization matrix over GraphQL", () => {
  it.each(WHO)("%s", async (who) => {
    const c = clients[who];
    const outcome: Record<string, string> = {};
    const q = (query: string, variables?: Record<string, unknown>) => c.graphql(query, variables) as Promise<Result>;
    outcome.dialogueSecret = codeOf(await q(`${DEEP} query($id: ID!) { dialogue(id: $id) { ...D } }`, { id: secretId }));
    outcome.dialoguePrivate = codeOf(await q(`${DEEP} query($id: ID!) { dialogue(id: $id) { ...D } }`, { id: privateId }));
    const threadQuery = "query($id: ID!) { dialogueThread(id: $id) { title posts { edges { node { body } } } } }";
    outcome.threadSecret = codeOf(await q(threadQuery, { id: secretThreadId }));
    outcome.threadPrivate = codeOf(await q(threadQuery, { id: privateThreadId }));
    outcome.dialogues = codeOf(await q(LIST));
    outcome.createDialogue = codeOf(
      await q("mutation($i: DialogueInput!) { createDialogue(input: $i) { id } }", { i: { translations: [{ language: "EN", title: `By ${who}` }] } }),
    );
    outcome.updateDialogue = codeOf(await q("mutation($id: ID!) { updateDialogue(id: $id, input: { chathamHouse: true }) { id } }", { id: secretId }));
    outcome.inviteToDialogue = codeOf(
      await q("mutation($d: ID!, $e: String!) { inviteToDialogue(dialogueId: $d, email: $e) { id } }", { d: secretId, e: `invitee-${who}@example.org` }),
    );
    const invitation = await inviteToDialogue(facilitator, secretId, { email: `revoke-${who}@example.org` });
    outcome.revokeDialogueInvite = codeOf(await q("mutation($id: ID!) { revokeDialogueInvite(id: $id) { revoked } }", { id: invitation.id }));
    const victim = await joinDialogue(secretId, facilitator, `victim-${who}@example.org`);
    outcome.removeDialogueMember = codeOf(
      await q("mutation($d: ID!, $u: ID!) { removeDialogueMember(dialogueId: $d, userId: $u) { id } }", { d: secretId, u: victim.id }),
    );
    outcome.startThread = codeOf(
      await q("mutation($d: ID!) { startThread(dialogueId: $d, input: { title: \"T\", body: \"B\" }) { id } }", { d: secretId }),
    );
    outcome.postInThread = codeOf(await q("mutation($t: ID!) { postInThread(threadId: $t, body: \"Reply\") { id } }", { t: secretThreadId }));
    outcome.startThreadPrivate = codeOf(
      await q("mutation($d: ID!) { startThread(dialogueId: $d, input: { title: \"T\", body: \"B\" }) { id } }", { d: privateId }),
    );
    outcome.setDialogueNotifications = codeOf(
      await q("mutation($d: ID!) { setDialogueNotifications(dialogueId: $d, notify: WEEKLY) }", { d: secretId }),
    );
    const notifications = await q("query($id: ID!) { dialogue(id: $id) { notifications } }", { id: secretId });
    outcome.notificationsField = codeOf(notifications);
    // Only members have a setting; for others who may see the dialogue it is null.
    if (codeOf(notifications) === "OK") expect((notifications.data as { dialogue: { notifications: string | null } }).dialogue.notifications, who).toBe(who === "member" || who === "facilitator" ? "WEEKLY" : null);
    outcome.editPost = codeOf(await q("mutation($p: ID!, $b: String!) { editPost(postId: $p, body: $b) { id } }", { p: firstPostId, b: `${SECRET_POST}.` }));
    outcome.inviteInstitutionToDialogue = codeOf(
      await q("mutation($d: ID!, $p: ID!) { inviteInstitutionToDialogue(dialogueId: $d, partnerId: $p) { id } }", { d: secretId, p: outsiderPartnerId }),
    );
    outcome.inviteDialogueToWebinar = codeOf(
      await q("mutation($w: ID!, $d: ID!) { inviteToWebinar(webinarId: $w, emails: [], dialogueId: $d) { invitedCount } }", { w: invitedWebinarId, d: secretId }),
    );
    // Leaving is last: a member who leaves no longer sees anything (checked below on a fresh dialogue).
    const leaveTarget = who === "member" || who === "facilitator" ? await freshDialogueWith(who) : secretId;
    outcome.leaveDialogue = codeOf(await q("mutation($id: ID!) { leaveDialogue(id: $id) }", { id: leaveTarget }));
    expect(outcome).toEqual(Object.fromEntries(Object.entries(MATRIX).map(([op, row]) => [op, row[who]])));
  });

  // Each role leaves a dialogue of its own, so the shared fixtures stay intact.
  async function freshDialogueWith(who: "member" | "facilitator") {
    const d = await makeDialogue(staffActor);
    const email = (await clients[who].graphql<{ me: { email: string } }>("{ me { email } }")).data!.me.email;
    await joinDialogue(d.id, staffActor, email, who === "facilitator" ? "FACILITATOR" : "MEMBER");
    return d.id;
  }

  it("answers a missing id and a forbidden one alike, for every operation", async () => {
    const ops: [string, (id: string) => Record<string, unknown>][] = [
      ["query($id: ID!) { dialogue(id: $id) { id } }", (id) => ({ id })],
      ["query($id: ID!) { dialogueThread(id: $id) { id } }", (id) => ({ id: id === secretId ? secretThreadId : id })],
      ["mutation($id: ID!) { updateDialogue(id: $id, input: { chathamHouse: true }) { id } }", (id) => ({ id })],
      ["mutation($id: ID!) { inviteToDialogue(dialogueId: $id, email: \"x@example.org\") { id } }", (id) => ({ id })],
      ["mutation($id: ID!) { leaveDialogue(id: $id) }", (id) => ({ id })],
      ["mutation($id: ID!) { removeDialogueMember(dialogueId: $id, userId: \"u\") { id } }", (id) => ({ id })],
      ["mutation($id: ID!) { startThread(dialogueId: $id, input: { title: \"T\", body: \"B\" }) { id } }", (id) => ({ id })],
      ["mutation($id: ID!) { postInThread(threadId: $id, body: \"B\") { id } }", (id) => ({ id: id === secretId ? secretThreadId : id })],
      ["mutation($id: ID!) { revokeDialogueInvite(id: $id) { id } }", (id) => ({ id })],
      ["mutation($id: ID!) { setDialogueNotifications(dialogueId: $id, notify: DAILY) }", (id) => ({ id })],
      ["mutation($id: ID!) { inviteInstitutionToDialogue(dialogueId: $id, partnerId: \"p\") { id } }", (id) => ({ id })],
      ["mutation($id: ID!) { editPost(postId: $id, body: \"B\") { id } }", (id) => ({ id: id === secretId ? firstPostId : id })],
    ];
    for (const who of ["anonymous", "partner"] as const) {
      for (const [query, vars] of ops) {
        const forbidden = (await clients[who].graphql(query, vars(secretId))) as Result;
        const missing = (await clients[who].graphql(query, vars(MISSING))) as Result;
        expect(codeOf(forbidden), `${who}: ${query}`).not.toBe("OK");
        sameFailure(forbidden, missing);
      }
    }
  });

  it("leaks no secret dialogue content or member to outsiders, on any GraphQL path", async () => {
    for (const who of ["anonymous", "partner"] as const) {
      const text = JSON.stringify([
        await clients[who].graphql(LIST),
        await clients[who].graphql(`${DEEP} query($id: ID!) { dialogue(id: $id) { ...D } }`, { id: privateId }),
        await clients[who].graphql("{ partners(first: 100) { edges { node { name members { name } } } } }"),
        await clients[who].graphql(POSTS, { id: secretThreadId }),
        await clients[who].graphql(POSTS, { id: privateThreadId }),
      ]);
      for (const secret of [SECRET_TITLE, SECRET_THREAD, SECRET_POST, FACILITATOR_NAME, PRIVATE_THREAD, "Members only."]) expect(text, who).not.toContain(secret);
    }
    // The listed private dialogue shows its existence to a partner, and nothing inside it.
    const listed = await clients.partner.graphql<{ dialogue: { title: string; threads: { totalCount: number }; members: unknown[]; invitations: unknown[] } }>(
      `${DEEP} query($id: ID!) { dialogue(id: $id) { ...D } }`,
      { id: privateId },
    );
    expect(listed.data?.dialogue).toMatchObject({ title: "Remittances working group", threads: { totalCount: 0 }, members: [], invitations: [] });
  });

  it("under Chatham House hides the member list from members and authors from everyone but themselves", async () => {
    type Post = { body: string; isMine: boolean; author: { name: string; affiliation: string[] } | null };
    type T = { dialogueThread: { posts: { edges: { node: Post }[] } } };
    const members = async (who: Who) =>
      (await clients[who].graphql<{ dialogue: { members: { name: string; email: string | null }[] } }>("query($id: ID!) { dialogue(id: $id) { members { name email } } }", { id: secretId })).data!.dialogue.members;
    expect(await members("member")).toEqual([]);
    for (const who of ["member", "facilitator", "staff", "admin"] as const) {
      const posts = (await clients[who].graphql<T>(POSTS, { id: secretThreadId })).data!.dialogueThread.posts.edges.map((e) => e.node);
      const [first, summary] = posts;
      // The first post is the member's own: only its author sees a name on it.
      expect(first.author, who).toEqual(who === "member" ? { name: MEMBER_NAME, affiliation: [MEMBER_INSTITUTE] } : null);
      expect(first.isMine).toBe(who === "member");
      expect(summary.author, who).toEqual({ name: FACILITATOR_NAME, affiliation: [] });
      if (who !== "member") expect(JSON.stringify(posts), who).not.toContain(MEMBER_NAME);
      if (who !== "member") expect(JSON.stringify(posts), who).not.toContain(MEMBER_INSTITUTE);
    }
    const facilitatorView = await members("facilitator");
    expect(facilitatorView.map((m) => m.name)).toEqual(expect.arrayContaining([MEMBER_NAME, FACILITATOR_NAME]));
    expect(facilitatorView.every((m) => m.email)).toBe(true);
    // Without Chatham House, members see each other (not their addresses) and who wrote what.
    expect((await members("member")).length).toBe(0);
    const open = await clients.member.graphql<{ dialogue: { members: { email: string | null }[] } }>("query($id: ID!) { dialogue(id: $id) { members { name email } } }", { id: privateId });
    expect(open.data!.dialogue.members.map((m) => m.email)).toEqual([null, null]);
    const openPosts = await clients.member.graphql<T>(POSTS, { id: privateThreadId });
    expect(openPosts.data!.dialogueThread.posts.edges[0].node.author?.name).toBe(MEMBER_NAME);
  });

  it("pages: outsiders get the same answer for secret and missing ids, members see the banner and no hidden names", async () => {
    const paths = (id: string, tid: string) => [`/dialogues/${id}`, `/dialogues/${id}/threads/${tid}`];
    for (const [i, path] of paths(secretId, secretThreadId).entries()) {
      const missing = paths(MISSING, "cmissingthread")[i];
      const anon = [await clients.anonymous.get(path), await clients.anonymous.get(missing)];
      expect(anon.map((r) => r.status)).toEqual([302, 302]);
      const partner = [await clients.partner.get(path), await clients.partner.get(missing)];
      expect(partner.map((r) => r.status)).toEqual([404, 404]);
      const bodies = await Promise.all(partner.map((r) => r.text()));
      expect(bodies[0]).toBe(bodies[1].replaceAll(missing, path));
      for (const secret of [SECRET_TITLE, SECRET_THREAD, SECRET_POST]) expect(bodies[0]).not.toContain(secret);
    }
    // A thread id under another dialogue's address is not found either.
    expect((await clients.member.get(`/dialogues/${privateId}/threads/${secretThreadId}`)).status).toBe(404);
    const partnerList = await (await clients.partner.get("/dialogues")).text();
    expect(partnerList).toContain("Remittances working group");
    expect(partnerList).not.toContain(SECRET_TITLE);
    const partnerPrivate = await (await clients.partner.get(`/dialogues/${privateId}`)).text();
    expect(partnerPrivate).not.toContain(PRIVATE_THREAD);
    expect(partnerPrivate).not.toContain(MEMBER_NAME);
    for (const who of ["member", "facilitator", "staff"] as const) {
      for (const path of paths(secretId, secretThreadId)) {
        const response = await clients[who].get(path);
        expect(response.status, `${who} ${path}`).toBe(200);
        expect(response.headers.get("cache-control")).toContain("no-store");
        const html = await response.text();
        expect(html).toContain("data-chatham-house");
        // On the dialogue page facilitators and staff see the member list; members do not, and no post names anyone.
        if (path.includes("threads") || who === "member") {
          expect(html, `${who} ${path}`).not.toContain(MEMBER_NAME);
          expect(html, `${who} ${path}`).not.toContain(MEMBER_INSTITUTE);
        } else expect(html).toContain(`${MEMBER_NAME}<!-- --> (${MEMBER_INSTITUTE})`);
      }
    }
  });

  it("the new-dialogue page is for staff only", async () => {
    const expected: Record<Who, number> = { anonymous: 302, partner: 403, member: 403, facilitator: 403, staff: 200, admin: 200 };
    for (const who of WHO) expect((await clients[who].get("/dialogues/new")).status, who).toBe(expected[who]);
    expect((await clients.partner.post("/dialogues/new", { title_en: "Sneaky", visibility: "PRIVATE" })).status).toBe(403);
    const created = await clients.staff.post("/dialogues/new", { title_en: "Care work dialogue", title_fr: "Dialogue travail de soin", visibility: "PRIVATE", chathamHouse: "on" });
    expect(created.status).toBe(302);
    const page = await clients.staff.fetch(created.headers.get("location")!, { headers: { "accept-language": "fr" } });
    const html = await page.text();
    expect(html).toContain("Dialogue travail de soin");
    expect(html).toContain("règle de Chatham House");
  });
});
