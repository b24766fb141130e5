import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { EnvError, parseEnv } from "./env.server.ts";

const base = { NODE_ENV: "test" as const, DATA_DIR: path.join(os.tmpdir(), "genmig-env-test"), SESSION_SECRET: "x".repeat(32) };

describe("mail settings in the environment", () => {
  it("defaults to 5 connections, no rate limit and 30 days of retention", () => {
    expect(parseEnv(base)).toMatchObject({ MAIL_CONNECTIONS: 5, MAIL_RATE_PER_SECOND: 0, MAIL_RETENTION_DAYS: 30 });
    expect(parseEnv({ ...base, MAIL_CONNECTIONS: "8", MAIL_RATE_PER_SECOND: "14", MAIL_RETENTION_DAYS: "0" })).toMatchObject({
      MAIL_CONNECTIONS: 8,
      MAIL_RATE_PER_SECOND: 14,
      MAIL_RETENTION_DAYS: 0,
    });
    expect(parseEnv({ ...base, MAIL_RATE_PER_SECOND: "0.5" }).MAIL_RATE_PER_SECOND).toBe(0.5);
  });

  it("refuses to start on a bad value, naming the variable", () => {
    for (const [name, value] of [
      ["MAIL_CONNECTIONS", "0"],
      ["MAIL_CONNECTIONS", "many"],
      ["MAIL_RATE_PER_SECOND", "-1"],
      ["MAIL_RATE_PER_SECOND", "fast"],
      ["MAIL_RETENTION_DAYS", "1.5"],
    ]) {
      expect(() => parseEnv({ ...base, [name]: value }), `${name}=${value}`).toThrow(EnvError);
      expect(() => parseEnv({ ...base, [name]: value })).toThrow(new RegExp(`${name}: `));
    }
  });
});
