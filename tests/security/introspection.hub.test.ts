import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { startHub, type Hub } from "../helpers/hub-process.ts";

// What ships: build/server.js in production mode (`npm start`). Introspection is off there unless
// GRAPHQL_INTROSPECTION=1 turns it on (ADR 0041). One data directory: the second start finds it migrated.
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "genmig-introspection-"));
let hub: Hub | undefined;

afterEach(async () => {
  if (!hub) return;
  const child = hub.child;
  const gone = child.exitCode !== null ? Promise.resolve() : new Promise((resolve) => child.once("exit", resolve));
  hub.stop();
  await gone;
  hub = undefined;
});

async function ask(base: string, query: string) {
  const res = await fetch(`${base}/graphql`, {
    method: "POST",
    headers: { "content-type": "application/json", accept: "application/graphql-response+json" },
    body: JSON.stringify({ query }),
  });
  return { status: res.status, body: (await res.json()) as { data?: Record<string, unknown> | null; errors?: { message: string; extensions?: { code?: string } }[] } };
}

describe("GraphQL introspection in production", () => {
  it("is off by default: __schema and __type are refused, __typename still answers, no GraphiQL", async () => {
    hub = await startHub({ dataDir, compiled: true });
    for (const query of ["{ __schema { queryType { name } } }", `{ __type(name: "Query") { name } }`]) {
      const { status, body } = await ask(hub.base, query);
      expect(status, query).toBe(400);
      expect(body.data ?? null).toBeNull();
      expect(body.errors?.[0].message).toMatch(/introspection has been disabled/);
      expect(body.errors?.[0].extensions?.code).toBe("BAD_USER_INPUT");
    }
    expect((await ask(hub.base, "{ __typename }")).body).toEqual({ data: { __typename: "Query" } });
    const page = await fetch(`${hub.base}/graphql`, { headers: { accept: "text/html" } });
    expect(await page.text()).not.toMatch(/graphiql/i);
  }, 180_000);

  it("GRAPHQL_INTROSPECTION=1 turns it on", async () => {
    hub = await startHub({ dataDir, compiled: true, env: { GRAPHQL_INTROSPECTION: "1" } });
    const { status, body } = await ask(hub.base, "{ __schema { queryType { name } } }");
    expect(status).toBe(200);
    expect(body).toEqual({ data: { __schema: { queryType: { name: "Query" } } } });
  }, 180_000);
});
