import { beforeAll, describe, expect, it } from "vitest";
import { startThread } from "../../app/services/dialogues/threads.server.ts";
import { prisma } from "../../app/utils/db.server.ts";
import { makeUser } from "../factories.ts";
import { Client } from "../helpers/app.ts";
import { signInAs } from "../helpers/sign-in.ts";
import { joinDialogue, makeDialogue } from "./factories.ts";

// Posts shaped to exhaust the old renderer: quotes nested past the stack, a line of brackets it scanned again and again.
const DEEP_QUOTES = `${"> ".repeat(5000)}deep`;
const BRACKETS = "[".repeat(20_000);
const POST = "mutation($t: ID!, $b: String!) { postInThread(threadId: $t, body: $b) { id html } }";

let dialogueId: string;
let threadId: string;
let memberEmail: string;

beforeAll(async () => {
  const staff = await makeUser({ role: "STAFF" });
  const d = await makeDialogue(staff);
  dialogueId = d.id;
  memberEmail = `hostile-md-${d.id}@example.org`;
  const member = await joinDialogue(d.id, staff, memberEmail);
  threadId = (await startThread(member, d.id, { title: "Markdown limits", body: "First." })).id;
});

describe("hostile Markdown in dialogue posts", () => {
  it.each([
    ["quotes nested 5,000 deep", DEEP_QUOTES],
    ["a line of 20,000 [", BRACKETS],
  ])("GraphQL postInThread stores %s and answers with bounded HTML", async (_name, body) => {
    const client = await signInAs(new Client(), memberEmail);
    const result = await client.graphql<{ postInThread: { id: string; html: string } }>(POST, { t: threadId, b: body });
    expect(result.errors).toBeUndefined();
    expect(result.status).toBe(200);
    const { html } = result.data!.postInThread;
    expect(html.length).toBeLessThan(3 * body.length);
    expect(html).not.toMatch(/<(?!\/?(p|blockquote|br)>)/);
    expect((await prisma().dialoguePost.findUniqueOrThrow({ where: { id: result.data!.postInThread.id } })).body).toBe(body);
  });

  it("the thread page accepts both posts from its form and shows them", async () => {
    const client = await signInAs(new Client(), memberEmail);
    const path = `/dialogues/${dialogueId}/threads/${threadId}`;
    const before = await prisma().dialoguePost.count({ where: { threadId } });
    expect((await client.post(path, { body: DEEP_QUOTES })).status).toBe(302);
    expect((await client.post(path, { body: `last words\n\n${BRACKETS.slice(12)}` })).status).toBe(302);
    expect(await prisma().dialoguePost.count({ where: { threadId } })).toBe(before + 2);
    const page = await client.get(path);
    expect(page.status).toBe(200);
    const text = await page.text();
    expect(text).toContain("last words");
    expect(text).toContain("[".repeat(1000));
  });
});
