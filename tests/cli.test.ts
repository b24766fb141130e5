import { execFile } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";

const run = promisify(execFile);
// Each CLI call is its own process on one embedded database directory (or the test PostgreSQL database).
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "genmig-cli-"));
async function cli(...args: string[]) {
  // Read at call time: the setup file points DATABASE_URL at this file's PostgreSQL database before the tests run.
  const env = { ...process.env, DATA_DIR: dataDir, NODE_ENV: "production" as const, DATABASE_URL: process.env.TEST_DATABASE_URL ? process.env.DATABASE_URL : "" };
  try {
    // The command an operator types in production: `npm run cli` runs the compiled build/cli.js there.
    const { stdout, stderr } = await run("npm", ["run", "--silent", "cli", "--", ...args], { env });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe("CLI", () => {
  it("migrates, creates a staff user and prints a token alone on the last line", async () => {
    expect((await cli("migrate")).code).toBe(0);
    const created = await cli("user:create", "--email", "Analyst@Example.org", "--name", "Data Analyst", "--role", "staff");
    expect(created).toMatchObject({ code: 0 });
    expect(created.stdout).toContain("analyst@example.org (staff)");
    const token = await cli("token:create", "--email", "analyst@example.org");
    expect(token.code).toBe(0);
    expect(token.stdout.trim().split("\n").at(-1)).toMatch(/^gmh_[\w-]{43}$/);
  }, 120_000);

  it("explains bad input and exits non-zero", async () => {
    const badRole = await cli("user:create", "--email", "a@example.org", "--name", "A", "--role", "superuser");
    expect(badRole.code).toBe(1);
    expect(badRole.stderr).toContain("--role must be admin or staff");
    const badEmail = await cli("user:create", "--email", "nope", "--name", "A", "--role", "admin");
    expect(badEmail.code).toBe(1);
    expect(badEmail.stderr).toContain("email");
    const unknown = await cli("token:create", "--email", "ghost@example.org");
    expect(unknown.stderr).toContain("No user with email ghost@example.org");
    const usage = await cli("frobnicate");
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain("Usage: npm run cli");
  }, 120_000);

  it("mail:last names the address when nothing was queued for it", async () => {
    const none = await cli("mail:last", "--email", "nobody-yet@example.org");
    expect(none.code).toBe(1);
    expect(none.stderr).toContain("No email queued for nobody-yet@example.org");
    expect((await cli("mail:last")).stderr).toContain("--email is required");
  }, 120_000);
});
