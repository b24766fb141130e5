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
