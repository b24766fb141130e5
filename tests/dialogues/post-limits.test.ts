import { beforeAll, describe, expect, it } from "vitest";
import { postBuckets } from "../../app/services/dialogues/contribution-limits.server.ts";
import { startThread } from "../../app/services/dialogues/threads.server.ts";
import { hit, LIMITS, type Limit } from "../../app/services/rate-limit.server.ts";
import { toDbLanguage } from "../../app/i18n/index.ts";
import { errorMessages } from "../../app/i18n/errors.ts";
import { prisma } from "../../app/utils/db.server.ts";
import { makeUser } from "../factories.ts";
import { Client } from "../helpers/app.ts";
import { signInAs } from "../helpers/sign-in.ts";
import { joinDialogue, makeDialogue } from "./factories.ts";

const POST = "mutation($t: ID!, $b: String!) { postInThread(threadId: $t, body: $b) { id } }";
const START = "mutation($d: ID!, $b: String!) { startThread(dialogueId: $d, input: { title: \"More\", body: $b }) { id } }";
const EDIT = "mutation($p: ID!, $b: String!) { editPost(postId: $p, body: $b) { id } }";
const codeOf = (r: { errors?: { extensions?: { code?: string } }[] }) => r.errors?.[0]?.extensions?.code ?? "OK";

/** Uses up a bucket as earlier attempts would, with a margin so a window boundary passing meanwhile changes nothing. */
async function fill(bucket: string, limit: Limit) {
  for (let i = 0; i < limit.max + 5; i++) await hit(bucket, limit);
}

let dialogueId: string;
let threadId: string;
let staffEmail: string;
let staff: Awaited<ReturnType<typeof makeUser>>;

async function member(tag: string, language: "en" | "fr" | "es" = "en") {
  const email = `${tag}-${dialogueId}@example.org`;
  const actor = await joinDialogue(dialogueId, staff, email);
  await prisma().user.update({ where: { id: actor.id }, data: { language: toDbLanguage(language) } });
  return { actor, client: await signInAs(new Client(), email) };
}

beforeAll(async () => {
  staff = await makeUser({ role: "STAFF" });
  staffEmail = staff.email;
  const d = await makeDialogue(staff);
  dialogueId = d.id;
  threadId = (await startThread(staff, d.id, { title: "Quotas", body: "Opening." })).id;
});

describe("dialogue post rate limits", () => {
  it("over GraphQL a person posts up to their limit, then new posts, threads and edits answer RATE_LIMITED and store nothing", async () => {
    const { client } = await member("busy");
    const max = LIMITS.dialoguePost.perUser.max;
    let lastId = "";
    for (let i = 0; i < max; i++) {
      const r = await client.graphql<{ postInThread: { id: string } }>(POST, { t: threadId, b: `Reply ${i}` });
      expect(codeOf(r), `post ${i}`).toBe("OK");
      lastId = r.data!.postInThread.id;
    }
    // A window boundary passing during the loop can let one or two more through; never more.
    let refused: Awaited<ReturnType<typeof client.graphql>> | undefined;
    for (let extra = 0; extra < 3 && !refused; extra++) {
      const r = await client.graphql(POST, { t: threadId, b: "One more" });
      if (codeOf(r) !== "OK") refused = r;
    }
    expect(refused && codeOf(refused)).toBe("RATE_LIMITED");
    expect(refused!.status).toBe(429);
    expect(refused!.errors![0].message).toBe(errorMessages.en.post_rate_limited);
    const stored = await prisma().dialoguePost.count({ where: { threadId } });
    expect(codeOf(await client.graphql(START, { d: dialogueId, b: "A new thread" }))).toBe("RATE_LIMITED");
    expect(codeOf(await client.graphql(EDIT, { p: lastId, b: "Rewritten" }))).toBe("RATE_LIMITED");
    expect(await prisma().dialoguePost.count({ where: { threadId } })).toBe(stored);
    expect(await prisma().dialogueThread.count({ where: { dialogueId } })).toBe(1);
    expect((await prisma().dialoguePost.findUniqueOrThrow({ where: { id: lastId } })).body).not.toBe("Rewritten");

    // Someone else in the same dialogue is not held back by one person's limit.
    const other = await member("calm");
    expect(codeOf(await other.client.graphql(POST, { t: threadId, b: "Meanwhile" }))).toBe("OK");
  });

  it("a dialogue that received its hourly share refuses everyone's new posts, other dialogues stay open", async () => {
    const busy = await makeDialogue(staff);
    const busyThread = await startThread(staff, busy.id, { title: "Flooded", body: "Opening." });
    await fill(postBuckets.dialogue(busy.id), LIMITS.dialoguePost.perDialogue);
    const email = `crowd-${busy.id}@example.org`;
    await joinDialogue(busy.id, staff, email);
    const client = await signInAs(new Client(), email);
    const refused = await client.graphql(POST, { t: busyThread.id, b: "Me too" });
    expect(codeOf(refused)).toBe("RATE_LIMITED");
    expect(refused.errors![0].message).toBe(errorMessages.en.dialogue_post_rate_limited);
    expect(codeOf(await (await signInAs(new Client(), staffEmail)).graphql(POST, { t: threadId, b: "Elsewhere" }))).toBe("OK");
  });

  it("outsiders cannot use up a dialogue's allowance: they are refused before anything counts", async () => {
    const outsider = await makeUser();
    const client = await signInAs(new Client(), outsider.email);
    for (let i = 0; i < 3; i++) expect(codeOf(await client.graphql(POST, { t: threadId, b: "Let me in" }))).toBe("NOT_FOUND");
    const counter = await prisma().rateLimitCounter.findFirst({ where: { bucket: postBuckets.person(outsider.id) } });
    expect(counter).toBeNull();
  });

  it.each([
    ["fr", "Vous avez publié beaucoup de messages"],
    ["es", "Ha publicado muchos mensajes"],
    ["en", "You have posted a lot"],
  ] as const)("the thread page answers 429 in %s with the message and keeps the text", async (language, words) => {
    const { actor, client } = await member(`page-${language}`, language);
    await fill(postBuckets.person(actor.id), LIMITS.dialoguePost.perUser);
    const path = `/dialogues/${dialogueId}/threads/${threadId}`;
    const before = await prisma().dialoguePost.count({ where: { threadId } });
    const response = await client.post(path, { body: `My long considered reply (${language})` });
    expect(response.status).toBe(429);
    const page = (await response.text()).replace(/&#x27;/g, "'").replace(/&quot;/g, '"').replace(/&amp;/g, "&");
    // French punctuation is preceded by a no-break space on the page.
    const spaced = (s: string) => s.replace(/[\u00a0\u202f]/g, " ");
    expect(page).toContain(words);
    expect(spaced(page)).toContain(spaced(errorMessages[language].post_rate_limited));
    expect(page).toContain(`My long considered reply (${language})`);
    expect(await prisma().dialoguePost.count({ where: { threadId } })).toBe(before);
  });
});
