import { execFile } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";

const run = promisify(execFile);
// The operator's switch (docs/decisions/0024): each call its own process on one embedded database directory (or
// this file's PostgreSQL database), so the setting is read back from the database, not from memory.
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "genmig-tracking-cli-"));
async function cli(...args: string[]) {
  const env = { ...process.env, DATA_DIR: dataDir, NODE_ENV: "production" as const, DATABASE_URL: process.env.TEST_DATABASE_URL ? process.env.DATABASE_URL : "" };
  try {
    const { stdout, stderr } = await run("npx", ["tsx", "cli.ts", ...args], { env });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe("npm run cli -- mail:tracking", () => {
  it("shows the switch (off by default), turns it on and off, and refuses anything else", async () => {
    expect((await cli("migrate")).code).toBe(0);
    expect((await cli("mail:tracking")).stdout).toContain("Mail tracking is off.");
    expect((await cli("mail:tracking", "on")).stdout).toContain("Mail tracking is now on");
    expect((await cli("mail:tracking")).stdout).toContain("Mail tracking is on.");
    const bad = await cli("mail:tracking", "maybe");
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain("Usage: npm run cli -- mail:tracking [on|off]");
  }, 180_000);
});
