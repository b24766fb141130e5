import { beforeAll, describe, expect, it } from "vitest";
import { createApiToken } from "../../app/services/api-tokens.server.ts";
import { editPost, startThread } from "../../app/services/dialogues/threads.server.ts";
import { prisma } from "../../app/utils/db.server.ts";
import type { SignedInActor } from "../../app/services/policy.server.ts";
import { makeUser } from "../factories.ts";
import { Client } from "../helpers/app.ts";
import { signInAs } from "../helpers/sign-in.ts";
import { joinDialogue, makeDialogue } from "./factories.ts";

// An adversary with staff or admin rights tries to learn who said what under the Chatham House Rule: by lifting
// the rule after the fact, or by reading the audit trail that every write leaves.
const SPEAKER = "Samira Speakwell";

let staff: Client;
let admin: Client;
let adminToken: string;
let creator: SignedInActor;
let speaker: SignedInActor;

const LIFT = `mutation ($id: ID!) { updateDialogue(id: $id, input: { chathamHouse: false }) { id chathamHouse } }`;
const POSTS = `query ($id: ID!) { dialogueThread(id: $id) { posts { edges { node { body author { name } } } } } }`;

beforeAll(async () => {
  creator = await makeUser({ role: "STAFF", name: "Creator Staff" });
  const adminUser = await makeUser({ role: "ADMIN", name: "Auditing Admin" });
  speaker = await makeUser({ name: SPEAKER });
  adminToken = (await createApiToken(adminUser, { name: "audit" })).token;
  staff = await signInAs(new Client(), creator.email);
  admin = new Client("203.0.113.9", { authorization: `Bearer ${adminToken}` });
});

describe("the Chatham House Rule stays once people have spoken under it", () => {
  it("refuses to lift the rule after a post, with a field error, and keeps the author unnamed", async () => {
    const dialogue = await makeDialogue(creator, { chathamHouse: true });
    speaker = await joinDialogue(dialogue.id, creator, speaker.email);
    const thread = await startThread(speaker, dialogue.id, { title: "Off the record", body: "What our ministry really thinks." });

    const lifted = await staff.graphql<{ updateDialogue: unknown }>(LIFT, { id: dialogue.id });
    expect(lifted.data?.updateDialogue ?? null).toBeNull();
    expect(lifted.errors?.[0]?.extensions?.code).toBe("CONFLICT");
    expect(lifted.errors?.[0]?.extensions?.fields).toHaveProperty("chathamHouse");
    expect((await prisma().dialogue.findUniqueOrThrow({ where: { id: dialogue.id } })).chathamHouse).toBe(true);

    const read = await staff.graphql<{ dialogueThread: { posts: { edges: { node: { body: string; author: unknown } }[] } } }>(POSTS, { id: thread.id });
    expect(read.data?.dialogueThread.posts.edges.map((e) => e.node)).toEqual([{ body: "What our ministry really thinks.", author: null }]);
    expect(JSON.stringify(read)).not.toContain(SPEAKER);
  });

  it("refuses to lift the rule after a document was shared", async () => {
    const dialogue = await makeDialogue(creator, { chathamHouse: true });
    await prisma().dialogueDocument.create({
      data: { dialogueId: dialogue.id, uploaderId: creator.id, fileName: "notes.pdf", storageKey: `kept-${dialogue.id}`, size: 10, contentType: "application/pdf", sha256: "0".repeat(64) },
    });
    const lifted = await staff.graphql(LIFT, { id: dialogue.id });
    expect(lifted.errors?.[0]?.extensions?.code).toBe("CONFLICT");
  });

  it("lets staff lift the rule while nobody has spoken yet, and switch it on at any time", async () => {
    const dialogue = await makeDialogue(creator, { chathamHouse: true });
    const lifted = await staff.graphql<{ updateDialogue: { chathamHouse: boolean } }>(LIFT, { id: dialogue.id });
    expect(lifted.errors).toBeUndefined();
    expect(lifted.data?.updateDialogue.chathamHouse).toBe(false);

    const open = await makeDialogue(creator, { chathamHouse: false });
    await startThread(creator, open.id, { title: "On the record", body: "Named." });
    const on = await staff.graphql<{ updateDialogue: { chathamHouse: boolean } }>(
      `mutation ($id: ID!) { updateDialogue(id: $id, input: { chathamHouse: true }) { chathamHouse } }`,
      { id: open.id },
    );
    expect(on.data?.updateDialogue.chathamHouse).toBe(true);
  });
});

describe("the audit trail does not name who spoke under Chatham House", () => {
  it("records thread starts, edits and shared documents without the person, and still names them elsewhere", async () => {
    const hidden = await makeDialogue(creator, { chathamHouse: true });
    const open = await makeDialogue(creator, { chathamHouse: false });
    const member = await joinDialogue(hidden.id, creator, (await makeUser({ name: "Tariq Talker" })).email);
    await joinDialogue(open.id, creator, member.email);
    const hiddenThread = await startThread(member, hidden.id, { title: "Hidden", body: "First." });
    await startThread(member, open.id, { title: "Open", body: "Named." });
    const firstPost = await prisma().dialoguePost.findFirstOrThrow({ where: { threadId: hiddenThread.id } });
    await editPost(member, firstPost.id, { body: "First, edited." });

    const byPerson = await admin.graphql<{ auditEntries: { edges: { node: { action: string; targetId: string } }[] } }>(
      `query ($email: String) { auditEntries(filter: { actorEmail: $email, action: "dialogue." }) { edges { node { action targetId } } } }`,
      { email: member.email },
    );
    const actions = byPerson.data!.auditEntries.edges.map((e) => e.node);
    // The open dialogue's thread is theirs on the record; nothing of the hidden one is.
    expect(actions.some((a) => a.action === "dialogue.threadStarted")).toBe(true);
    expect(actions.filter((a) => a.targetId === hiddenThread.id || a.targetId === firstPost.id)).toEqual([]);

    const entries = await prisma().auditEntry.findMany({ where: { targetId: { in: [hiddenThread.id, firstPost.id] } } });
    expect(entries.map((e) => e.action).sort()).toEqual(["dialogue.postEdited", "dialogue.threadStarted"]);
    expect(entries.map((e) => e.actorId)).toEqual([null, null]);
  });
});
