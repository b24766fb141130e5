import { describe, expect, it } from "vitest";
import { prisma } from "../../app/utils/db.server.ts";
import { makeUser } from "../factories.ts";
import { Client } from "../helpers/app.ts";
import { countQueries } from "../helpers/query-count.ts";
import { signInAs } from "../helpers/sign-in.ts";
import { makeDialogue } from "./factories.ts";

const LIST = "{ dialogues(first: 100) { totalCount edges { node { id title description viewerRole chathamHouse members { name email } } } } }";

describe("dialogue list statements", () => {
  it("costs the same number of SQL statements for 5 and 50 dialogues, members included", async () => {
    const staff = await makeUser({ role: "STAFF" });
    const counts: number[] = [];
    for (const n of [5, 50]) {
      const person = await makeUser();
      for (let i = 0; i < n; i++) {
        const d = await makeDialogue(staff, { chathamHouse: i % 2 === 0 });
        // Set up directly: the invitation round trip is covered by invite-flow.test.ts.
        await prisma().dialogueMember.create({ data: { dialogueId: d.id, userId: person.id, role: i % 3 === 0 ? "FACILITATOR" : "MEMBER" } });
      }
      const client = await signInAs(new Client(), person.email);
      const { result, queries } = await countQueries(() => client.graphql<{ dialogues: { totalCount: number; edges: { node: { members: unknown[] } }[] } }>(LIST));
      expect(result.data?.dialogues.totalCount).toBe(n);
      // Chatham House dialogues hide the list from plain members; facilitators still see it.
      expect(result.data?.dialogues.edges.some((e) => e.node.members.length === 0)).toBe(true);
      counts.push(queries);
    }
    expect(counts[1]).toBe(counts[0]);
  });
});

const THREADS = `query($id: ID!) { dialogue(id: $id) { threads(first: 100) { totalCount edges { node { id
  posts(first: 2) { totalCount pageInfo { hasNextPage } edges { node { id body isMine author { name affiliation } } } } } } } } }`;

type ThreadsAnswer = { dialogue: { threads: { totalCount: number; edges: { node: { posts: { totalCount: number; pageInfo: { hasNextPage: boolean }; edges: { node: { body: string; author: { name: string } | null } }[] } } }[] } } };

describe("thread list statements", () => {
  it("costs the same number of SQL statements for 5 and 50 threads, their first posts and authors included", async () => {
    const staff = await makeUser({ role: "STAFF" });
    const counts: number[] = [];
    for (const n of [5, 50]) {
      const person = await makeUser();
      const other = await makeUser({ name: "Named Author" });
      const d = await makeDialogue(staff, { chathamHouse: true });
      for (const u of [person, other]) await prisma().dialogueMember.create({ data: { dialogueId: d.id, userId: u.id, role: "MEMBER" } });
      // Set up directly: starting and answering threads is covered by the thread tests. Each thread has three posts:
      // the reader's own, one attributable and one not (named and hidden under Chatham House).
      for (let i = 0; i < n; i++) {
        const thread = await prisma().dialogueThread.create({ data: { dialogueId: d.id, title: `Thread ${i}`, createdById: person.id } });
        await prisma().dialoguePost.createMany({
          data: [
            { threadId: thread.id, authorId: person.id, body: `first ${i}`, html: "", createdAt: new Date(Date.UTC(2026, 0, 1, 0, i)) },
            { threadId: thread.id, authorId: other.id, body: `second ${i}`, html: "", attributable: i % 2 === 0, createdAt: new Date(Date.UTC(2026, 0, 1, 1, i)) },
            { threadId: thread.id, authorId: other.id, body: `third ${i}`, html: "", createdAt: new Date(Date.UTC(2026, 0, 1, 2, i)) },
          ],
        });
      }
      const client = await signInAs(new Client(), person.email);
      const { result, queries } = await countQueries(() => client.graphql<ThreadsAnswer>(THREADS, { id: d.id }));
      const threads = result.data!.dialogue.threads;
      expect(threads.totalCount).toBe(n);
      for (const { node } of threads.edges) {
        const i = Number(node.posts.edges[0].node.body.split(" ")[1]);
        expect(node.posts.totalCount).toBe(3);
        expect(node.posts.pageInfo.hasNextPage).toBe(true);
        expect(node.posts.edges.map((e) => e.node.body)).toEqual([`first ${i}`, `second ${i}`]);
        expect(node.posts.edges[1].node.author).toEqual(i % 2 === 0 ? { name: "Named Author", affiliation: [] } : null);
      }
      counts.push(queries);
    }
    expect(counts[1]).toBe(counts[0]);
  });
});
