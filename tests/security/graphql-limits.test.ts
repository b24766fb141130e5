import { beforeAll, describe, expect, it } from "vitest";
import { scheduleWebinar } from "../../app/services/webinars.server.ts";
import { makeUser } from "../factories.ts";
import { Client } from "../helpers/app.ts";
import { countQueries } from "../helpers/query-count.ts";

const HOUR = 3600_000;

beforeAll(async () => {
  const staff = await makeUser({ role: "STAFF" });
  for (let i = 0; i < 3; i++) {
    const start = new Date(Date.now() + (5 + i) * 24 * HOUR);
    await scheduleWebinar(staff, {
      translations: [{ language: "en", title: `Limits ${i}` }],
      startsAt: start,
      endsAt: new Date(start.getTime() + HOUR),
      timeZone: "UTC",
      meetingUrl: "https://meet.example.org/l",
      speakers: [{ name: "Ana" }, { name: "Bo" }],
    });
  }
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

  it("depth beyond 8 is refused", async () => {
    const deep = `{ webinars { speakers { a { b { c { d { e { f { g } } } } } } } } }`;
    const result = await query(deep);
    expect(result.status).toBe(400);
    expect(result.errors?.every((e) => e.extensions?.code === "BAD_USER_INPUT")).toBe(true);
    expect(result.errors?.map((e) => e.message).join(" ")).toMatch(/depth/i);
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
