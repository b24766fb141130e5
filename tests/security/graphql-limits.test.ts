import fc from "fast-check";
import { parse } from "graphql";
import { beforeAll, describe, expect, it } from "vitest";
import { scheduleDialogueSession } from "../../app/services/dialogues/sessions.server.ts";
import { startThread } from "../../app/services/dialogues/threads.server.ts";
import { scheduleWebinar } from "../../app/services/webinars.server.ts";
import { prisma } from "../../app/utils/db.server.ts";
import { costOf, GRAPHQL_LIMITS } from "../../graphql/limits.ts";
import { chosenOperation, LIST_SIZES, operationDepth } from "../../graphql/query-shape.ts";
import { schema } from "../../graphql/schema.ts";
import { makeDialogue } from "../dialogues/factories.ts";
import { actorOf, makeUser } from "../factories.ts";
import { Client } from "../helpers/app.ts";
import { countQueries } from "../helpers/query-count.ts";
import { signInAs } from "../helpers/sign-in.ts";

const HOUR = 3600_000;
const THREADS = 10;
const POSTS = 20;

let webinarId = "";
let dialogueId = "";
let threadId = "";
let sessionId = "";
let admin: Client;

beforeAll(async () => {
  const staffUser = await makeUser({ role: "ADMIN", name: "Ada Admin" });
  const staff = await actorOf(staffUser.id);
  for (let i = 0; i < 3; i++) {
    const start = new Date(Date.now() + (5 + i) * 24 * HOUR);
    const w = await scheduleWebinar(staff, {
      translations: [{ language: "en", title: `Limits ${i}` }],
      startsAt: start,
      endsAt: new Date(start.getTime() + HOUR),
      timeZone: "UTC",
      meetingUrl: "https://meet.example.org/l",
      speakers: [{ name: "Ana" }, { name: "Bo" }],
      questions: [{ id: "q1", labels: [{ language: "en", label: "Why?" }] }],
    });
    webinarId = w.id;
  }
  // A dialogue of 10 threads × 20 posts: the thread opens with its first post, the other 19 are written directly.
  const dialogue = await makeDialogue(staff, { title: "Limits dialogue" });
  dialogueId = dialogue.id;
  for (let t = 0; t < THREADS; t++) {
    const thread = await startThread(staff, dialogue.id, { title: `Thread ${t}`, body: "Opening post", attributable: true });
    threadId = thread.id;
    await prisma().dialoguePost.createMany({
      data: Array.from({ length: POSTS - 1 }, (_, p) => ({
        threadId: thread.id,
        authorId: staffUser.id,
        body: `Reply ${p}`,
        html: `<p>Reply ${p}</p>`,
        attributable: true,
        createdAt: new Date(Date.now() + (p + 1) * 1000),
      })),
    });
  }
  const start = new Date(Date.now() + 3 * 24 * HOUR);
  sessionId = (
    await scheduleDialogueSession(staff, dialogue.id, {
      title: "Limits session",
      agenda: "Agenda",
      startsAt: start,
      endsAt: new Date(start.getTime() + HOUR),
      timeZone: "UTC",
      meetingUrl: "https://meet.example.org/s",
    })
  ).id;
  admin = await signInAs(new Client(), staffUser.email);
});

const aliases = (n: number, selection = "webinars { edges { node { speakers { name } } } }") =>
  `{ ${Array.from({ length: n }, (_, i) => `a${i}: ${selection}`).join(" ")} }`;

async function post(body: string, headers: Record<string, string> = {}) {
  const response = await new Client().fetch("/graphql", { method: "POST", body, headers: { "content-type": "application/json", ...headers } });
  const text = await response.text();
  let json: { data?: unknown; errors?: { message: string; extensions?: { code?: string } }[] } = {};
  try {
    json = JSON.parse(text);
  } catch {
    // a plain-text rejection
  }
  return { status: response.status, ...json };
}

const query = (q: string) => post(JSON.stringify({ query: q }));

describe("GraphQL abuse limits are enforced before execution", () => {
  it("an ordinary list query runs (and the query counter sees it)", async () => {
    const { result, queries } = await countQueries(() => query(aliases(3)));
    expect(result.status).toBe(200);
    expect(result.errors).toBeUndefined();
    expect(queries).toBeGreaterThan(0);
  });

  it("500 aliases of webinars { speakers } are refused with 400 BAD_USER_INPUT and run no SQL", async () => {
    const { result, queries } = await countQueries(() => query(aliases(500)));
    expect(result.status).toBe(400);
    expect(result.errors?.[0].extensions?.code).toBe("BAD_USER_INPUT");
    expect(result.errors?.map((e) => e.message).join(" ")).toMatch(/alias|token limit/i);
    expect(result.data).toBeUndefined();
    expect(queries).toBe(0);
  });

  it("15 aliases pass, 16 do not", async () => {
    expect((await query(aliases(15, "webinars { totalCount }"))).status).toBe(200);
    const refused = await query(aliases(16, "webinars { totalCount }"));
    expect(refused.status).toBe(400);
    expect(refused.errors?.[0].message).toMatch(/alias/i);
  });

  it("a 3.9 MB document of 200,000 aliases is refused with 413 before parsing, running no SQL", async () => {
    const doc = aliases(200_000, "webinars { totalCount }");
    expect(doc.length).toBeGreaterThan(3_900_000);
    const { result, queries } = await countQueries(() => query(doc));
    expect(result.status).toBe(413);
    expect(result.errors?.[0].extensions?.code).toBe("PAYLOAD_TOO_LARGE");
    expect(queries).toBe(0);
  });

  it("a body over 100 KB is refused with 413 even when it is mostly variables", async () => {
    const body = JSON.stringify({ query: "query($s: String) { partners(search: $s) { id } }", variables: { s: "x".repeat(110 * 1024) } });
    expect((await post(body)).status).toBe(413);
  });

  it("a document over 2,000 tokens is refused", async () => {
    const doc = `{ webinars { edges { node { ${Array.from({ length: 2100 }, () => "id").join(" ")} } } } }`;
    const { result, queries } = await countQueries(() => query(doc));
    expect(result.status).toBe(400);
    expect(result.errors?.[0].extensions?.code).toBe("BAD_USER_INPUT");
    expect(result.errors?.[0].message).toMatch(/token/i);
    expect(queries).toBe(0);
  });

  it("a fragment bomb costing more than 5,000 is refused and runs no SQL", async () => {
    const levels = ["A", "B", "C", "D", "E", "F"];
    const fragments = levels.map((name, i) =>
      i < levels.length - 1
        ? `fragment ${name} on Query { ...${levels[i + 1]} ...${levels[i + 1]} ...${levels[i + 1]} ...${levels[i + 1]} }`
        : `fragment ${name} on Query { webinars { edges { node { id title speakers { name } } } } }`,
    );
    const doc = `query { ...A } ${fragments.join(" ")}`;
    const { result, queries } = await countQueries(() => query(doc));
    expect(result.status).toBe(400);
    expect(result.errors?.map((e) => e.message).join(" ")).toMatch(/cost/i);
    expect(queries).toBe(0);
  });

  it("depth beyond 8 is refused, even in fields the schema does not have", async () => {
    const deep = `{ webinars { speakers { a { b { c { d { e { f { g } } } } } } } } }`;
    const result = await query(deep);
    expect(result.status).toBe(400);
    expect(result.errors?.map((e) => e.extensions?.code)).toEqual(expect.arrayContaining(["BAD_USER_INPUT"]));
    expect(result.errors?.filter((e) => e.extensions?.code !== "BAD_USER_INPUT")).toEqual([]);
    expect(result.errors?.map((e) => e.message).join(" ")).toMatch(/depth limit of 8 exceeded, found 9/i);
  });

  it("more than 20 directives are refused", async () => {
    const doc = `{ webinars ${Array.from({ length: 21 }, () => "@include(if: true)").join(" ")} { totalCount } }`;
    const result = await query(doc);
    expect(result.status).toBe(400);
    expect(result.errors?.map((e) => e.message).join(" ")).toMatch(/directive/i);
  });

  it("error messages do not suggest field names", async () => {
    const result = await query("{ webinar { titl } partnr }");
    expect(result.status).toBe(400);
    expect(JSON.stringify(result.errors)).not.toMatch(/Did you mean/);
  });

  it("batched requests are not accepted", async () => {
    const result = await post(JSON.stringify([{ query: "{ webinars { id } }" }, { query: "{ webinars { id } }" }]));
    expect(result.status).toBeGreaterThanOrEqual(400);
    expect(result.status).toBeLessThan(500);
  });
});

/** The issue's own example: dialogue → threads → edges → node → posts → edges → node → author → name. */
const DEEP = `query Deep($id: ID!, $threads: Int, $posts: Int) {
  dialogue(id: $id) { threads(first: $threads) { edges { node { posts(first: $posts) { edges { node { author { name } } } } } } } }
}`;

/**
 * What the portal's deepest pages show, asked for through the API with the pages' own page sizes (the pages call
 * the services directly; these are the same data in the resolvers' shape).
 */
const PAGES: Record<string, { query: string; variables: () => Record<string, unknown> }> = {
  "dialogues/$id (50 threads, 50 sessions, 5 documents, members, invitations)": {
    query: `query DialoguePage($id: ID!) { dialogue(id: $id) {
      id title(language: EN) description(language: EN) visibility chathamHouse viewerRole notifications
      members { userId name affiliation email role } invitations { id email role }
      threads(first: 50) { pageInfo { hasNextPage endCursor } edges { node { id title lastPostAt } } }
      sessions(first: 50) { edges { node { id title startsAt timeZone status outcome { publishedAt } } } }
      documents(first: 5) { pageInfo { hasNextPage } edges { node { id fileName size contentType createdAt downloadUrl isMine uploader { name } } } }
    } }`,
    variables: () => ({ id: dialogueId }),
  },
  "dialogues/$id/threads/$tid (50 posts with authors and revisions)": {
    query: `query ThreadPage($id: ID!) { dialogueThread(id: $id) {
      id title dialogue { id title(language: EN) chathamHouse }
      posts(first: 50) { pageInfo { hasNextPage endCursor } edges { cursor node {
        id body html createdAt editedAt isMine attributable author { name affiliation } revisions { id body writtenAt }
      } } }
    } }`,
    variables: () => ({ id: threadId }),
  },
  "dialogues/$id/sessions/$sid (outcome, attached files, 50 files to choose from)": {
    query: `query SessionPage($id: ID!) { dialogueSession(id: $id) {
      id title status agenda agendaHtml startsAt endsAt timeZone location meetingUrl calendarUrl outcome { html publishedAt }
      outcomeDocuments { id fileName downloadUrl }
      dialogue { id title(language: EN) chathamHouse documents(first: 50) { edges { node { id fileName } } } }
    } }`,
    variables: () => ({ id: sessionId }),
  },
  "webinars/$id/manage (50 registrations with answers, panel, questions)": {
    query: `query ManagePage($id: ID!) { webinar(id: $id) {
      id title(language: EN) status startsAt endsAt capacity registeredCount waitlistCount pendingCount seatsLeft
      panelBalance { singleGender speakers { woman man nonBinary selfDescribed undisclosed } moderators { woman man nonBinary selfDescribed undisclosed } }
      speakers { name affiliation gender role } questions { id label(language: EN) labels { language label } }
      registrations(first: 50) { totalCount pageInfo { hasNextPage endCursor } edges { node {
        id name email status institution country captions signLanguage interpretationLanguage attended answers { questionId answer }
      } } }
    } }`,
    variables: () => ({ id: webinarId }),
  },
  "home page and webinars list (20 webinars with speakers, 3 publications)": {
    query: `{
      webinars(first: 20) { totalCount pageInfo { hasNextPage endCursor } edges { node { id title(language: EN) startsAt endsAt timeZone status seatsLeft speakers { name affiliation } } } }
      publications(first: 3) { edges { node { id type publishedAt version(language: EN) { title summary } } } }
    }`,
    variables: () => ({}),
  },
  "admin/audit and admin/requests (50 entries each), distribute (100 dialogues)": {
    query: `{
      auditEntries(first: 50) { pageInfo { hasNextPage endCursor } edges { node { id action createdAt targetType targetId data actor { id name email } } } }
      supportRequests(first: 50) { totalCount edges { node { id type status label createdAt institution { id name } requester { id name } assignee { id name } } } }
      dialogues(first: 100) { edges { node { id title(language: EN) } } }
    }`,
    variables: () => ({}),
  },
};

/** Counts the SQL a signed-in request runs beyond identifying its caller (what `{ __typename }` costs). */
async function sqlBeyondSignIn<T>(fn: () => Promise<T>) {
  const signIn = (await countQueries(() => admin.graphql("{ __typename }"))).queries;
  const { result, queries } = await countQueries(fn);
  return { result, queries: queries - signIn };
}

const measure = (q: string, variables: Record<string, unknown> = {}) => {
  const doc = parse(q);
  return { depth: operationDepth(schema, doc, chosenOperation(doc)!), cost: costOf(schema, doc, variables) };
};

describe("limits fit the hub's own shape", () => {
  it("depth leaves out edges, node and pageInfo; cost counts the objects a page can hold", () => {
    // A connection is one statement (10) plus its nodes; each thread's posts are a statement of their own.
    expect(measure(DEEP, { threads: THREADS, posts: POSTS })).toEqual({ depth: 5, cost: 1 + 10 + 10 * (1 + 10 + 20 * (1 + 1)) });
    expect(measure(DEEP, { threads: THREADS, posts: POSTS }).cost).toBe(521);
    // Without first, a connection holds its default page of 20.
    expect(measure(DEEP).cost).toBe(1 + 10 + 20 * (1 + 10 + 20 * 2));
    // auditEntries says "Pages of 50 by default": its own default counts.
    expect(measure("{ auditEntries { edges { node { actor { id } } } } }").cost).toBe(10 + 50 * 2);
    // Scalars are free, totalCount is one COUNT statement, a plain list holds its declared maximum.
    expect(measure("{ webinars(first: 10) { totalCount edges { node { id title speakers { name } } } } }").cost).toBe(10 + 10 + 10 * (1 + 1 + 30));
    // A hundred tiny nested pages are a hundred statements, and cost like it.
    expect(measure(DEEP, { threads: 100, posts: 0 }).cost).toBe(1 + 10 + 100 * 11);
    // The same costs whether a fragment is spread or inlined, and whatever wraps it.
    const spread = `query Deep($id: ID!) { dialogue(id: $id) { threads(first: 10) { ...T } } }
      fragment T on DialogueThreadConnection { edges { node { posts(first: 20) { edges { node { ... on DialoguePost { author { name } } } } } } } }`;
    expect(measure(spread)).toEqual({ depth: 5, cost: 521 });
  });

  it("every plain list the cost table names exists in the schema", () => {
    for (const key of Object.keys(LIST_SIZES)) {
      const [type, field] = key.split(".");
      const fields = (schema.getType(type) as { getFields?: () => Record<string, unknown> } | undefined)?.getFields?.();
      expect(fields && Object.keys(fields), key).toContain(field);
    }
  });

  it(`dialogue → threads → posts → author → name with ${THREADS} threads × ${POSTS} posts returns every post`, async () => {
    type Deep = { dialogue: { threads: { edges: { node: { posts: { edges: { node: { author: { name: string } | null } }[] } } }[] } } };
    const result = await admin.graphql<Deep>(DEEP, { id: dialogueId, threads: THREADS, posts: POSTS });
    expect(result.errors).toBeUndefined();
    expect(result.status).toBe(200);
    const threads = result.data!.dialogue.threads.edges;
    expect(threads).toHaveLength(THREADS);
    expect(threads.map((t) => t.node.posts.edges.length)).toEqual(Array(THREADS).fill(POSTS));
    expect(threads.flatMap((t) => t.node.posts.edges.map((e) => e.node.author?.name))).toEqual(Array(THREADS * POSTS).fill("Ada Admin"));
  });

  for (const [page, { query: q, variables }] of Object.entries(PAGES)) {
    it(`the portal's ${page} fits in one query and runs`, async () => {
      const { depth, cost } = measure(q, variables());
      expect(depth).toBeLessThanOrEqual(GRAPHQL_LIMITS.depth);
      expect(cost).toBeLessThanOrEqual(GRAPHQL_LIMITS.cost);
      const result = await admin.graphql(q, variables());
      expect(result.errors).toBeUndefined();
      expect(result.status).toBe(200);
      expect(Object.entries(result.data ?? {}).filter(([, v]) => v === null)).toEqual([]);
    });
  }

  it("100 × 100 × 100 nested pages are refused by cost with a typed error, running no SQL", async () => {
    const nested = `{ dialogues(first: 100) { edges { node { threads(first: 100) { edges { node { posts(first: 100) { edges { node { id body } } } } } } } } } }`;
    const { result, queries } = await sqlBeyondSignIn(() => admin.graphql(nested));
    expect(result.status).toBe(400);
    expect(result.data).toBeUndefined();
    expect(result.errors).toHaveLength(1);
    expect(result.errors![0].extensions).toMatchObject({ code: "BAD_USER_INPUT", limit: "cost", max: GRAPHQL_LIMITS.cost, found: 10 + 100 * (1 + 10 + 100 * (1 + 10 + 100)) });
    expect(result.errors![0].message).toMatch(/cost limit of 5000 exceeded/i);
    expect(JSON.stringify(result)).not.toMatch(/\bat .*\.(ts|js):\d+|stack/i);
    expect(queries).toBe(0);
  });

  it("the same holds when the page sizes come as variables", async () => {
    const { result, queries } = await sqlBeyondSignIn(() => admin.graphql(DEEP, { id: dialogueId, threads: 100, posts: 100 }));
    expect(result.status).toBe(400);
    expect(result.errors?.[0].extensions).toMatchObject({ code: "BAD_USER_INPUT", limit: "cost", found: 1 + 10 + 100 * (1 + 10 + 100 * 2) });
    expect(queries).toBe(0);
  });

  it("an alias bomb of the deep query is refused by the alias limit, running no SQL", async () => {
    const bomb = `{ ${Array.from({ length: 16 }, (_, i) => `d${i}: dialogue(id: "${dialogueId}") { threads(first: 10) { edges { node { posts(first: 20) { edges { node { author { name } } } } } } } }`).join(" ")} }`;
    const { result, queries } = await sqlBeyondSignIn(() => admin.graphql(bomb));
    expect(result.status).toBe(400);
    expect(result.errors?.[0].extensions?.code).toBe("BAD_USER_INPUT");
    expect(result.errors?.map((e) => e.message).join(" ")).toMatch(/aliases limit of 15 exceeded/i);
    expect(queries).toBe(0);
  });

  it("a huge first is refused before anything runs, as page_too_large on the field", async () => {
    for (const [doc, variables] of [
      ["{ webinars(first: 1000000) { edges { node { id } } } }", undefined],
      ["query($n: Int) { webinars(first: $n) { edges { node { id } } } }", { n: 101 }],
      [`query($id: ID!) { dialogue(id: $id) { threads(first: 5) { edges { node { posts(last: 5000) { edges { node { id } } } } } } } }`, { id: dialogueId }],
    ] as const) {
      const { result, queries } = await sqlBeyondSignIn(() => admin.graphql(doc, variables));
      expect(result.status, doc).toBe(400);
      expect(result.data, doc).toBeUndefined();
      expect(result.errors?.[0].extensions?.code, doc).toBe("BAD_USER_INPUT");
      expect(Object.values(result.errors?.[0].extensions?.fields ?? {}), doc).toEqual(["page_too_large"]);
      expect(result.errors?.[0].message, doc).toMatch(/at most 100/i);
      expect(queries, doc).toBe(0);
    }
    // Beyond GraphQL's Int the document is refused by validation.
    const beyond = await admin.graphql("{ webinars(first: 99999999999) { totalCount } }");
    expect(beyond.status).toBe(400);
    expect(beyond.errors?.[0].extensions?.code).toBe("BAD_USER_INPUT");
  });

  it("depth still bounds cycles: thread → dialogue → threads → … nine levels deep is refused", async () => {
    const cycle = `query($id: ID!) { dialogueThread(id: $id) { dialogue { threads(first: 1) { edges { node { dialogue { threads(first: 1) { edges { node {
      dialogue { threads(first: 1) { edges { node { posts(first: 1) { edges { node { id } } } } } } } } } } } } } } } } }`;
    expect(measure(cycle, { id: threadId }).depth).toBe(9);
    const { result, queries } = await sqlBeyondSignIn(() => admin.graphql(cycle, { id: threadId }));
    expect(result.status).toBe(400);
    expect(result.errors?.[0].extensions).toMatchObject({ code: "BAD_USER_INPUT", limit: "depth", max: 8, found: 9 });
    expect(queries).toBe(0);
  });

  it("any page arguments, of any type, are answered with a typed error or data, never a 500", async () => {
    const pageArg = fc.oneof(fc.integer({ min: -5, max: 300 }), fc.constantFrom(2 ** 31, 1.5, -0, 1e308), fc.string(), fc.constant(null), fc.anything());
    const args = `$threads: Int, $posts: Int, $after: String, $last: Int`;
    const doc = `query Deep($id: ID!, ${args}) { dialogue(id: $id) { threads(first: $threads, after: $after) { edges { node {
      posts(last: $last, first: $posts) { totalCount edges { node { author { name } } } } } } } } }`;
    await fc.assert(
      fc.asyncProperty(fc.record({ threads: pageArg, posts: pageArg, last: pageArg, after: fc.oneof(fc.string(), pageArg) }, { requiredKeys: [] }), async (vars) => {
        const result = await admin.graphql(doc, { id: dialogueId, ...vars });
        expect(result.status, JSON.stringify(vars)).toBeLessThan(500);
        expect(result.errors?.map((e) => e.extensions?.code) ?? [], JSON.stringify(vars)).not.toContain("INTERNAL_SERVER_ERROR");
        if (result.status === 200) expect(result.errors, JSON.stringify(vars)).toBeUndefined();
      }),
      { seed: 18, numRuns: 60 },
    );
  });
});
