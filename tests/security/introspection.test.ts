import { afterEach, describe, expect, it } from "vitest";
import { parseEnv, resetEnv } from "../../app/utils/env.server.ts";
import { Client } from "../helpers/app.ts";

// Development and test keep introspection (tools, GraphiQL); the setting overrides either way. Production's default
// is tried against the compiled server in introspection.hub.test.ts.
afterEach(() => {
  delete process.env.GRAPHQL_INTROSPECTION;
  resetEnv();
});

describe("GRAPHQL_INTROSPECTION", () => {
  it("is on by default outside production", async () => {
    const { status, data } = await new Client().graphql(`{ __schema { mutationType { name } } }`);
    expect(status).toBe(200);
    expect(data).toEqual({ __schema: { mutationType: { name: "Mutation" } } });
  });

  it("0 turns it off", async () => {
    process.env.GRAPHQL_INTROSPECTION = "0";
    resetEnv();
    const { status, data, errors } = await new Client().graphql(`{ __type(name: "Mutation") { name } }`);
    expect(status).toBe(400);
    expect(data ?? null).toBeNull();
    expect(errors?.[0].message).toMatch(/introspection has been disabled/);
  });

  it("refuses a value other than 0 or 1 at start", () => {
    expect(() => parseEnv({ ...process.env, GRAPHQL_INTROSPECTION: "yes" })).toThrow(/GRAPHQL_INTROSPECTION: must be 0 or 1/);
  });
});
