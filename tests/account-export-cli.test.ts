import { execFile } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";

const run = promisify(execFile);
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "genmig-export-cli-"));
async function cli(...args: string[]) {
  const env = { ...process.env, DATA_DIR: dataDir, NODE_ENV: "production" as const, DATABASE_URL: process.env.TEST_DATABASE_URL ? process.env.DATABASE_URL : "" };
  try {
    const { stdout, stderr } = await run("npm", ["run", "--silent", "cli", "--", ...args], { env, maxBuffer: 16 * 1024 * 1024 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe("user:export", () => {
  it("prints a person's data as JSON or writes it to a file, and finds nothing once they are erased", async () => {
    expect((await cli("migrate")).code).toBe(0);
    expect((await cli("user:create", "--email", "Exported@Example.org", "--name", "Ama Exported", "--role", "staff")).code).toBe(0);
    const printed = await cli("user:export", "--email", "exported@example.org");
    expect(printed.code).toBe(0);
    const data = JSON.parse(printed.stdout) as { format: string; profile: { email: string; name: string; role: string } | null };
    expect(data.format).toBe("genmig-hub-personal-data/1");
    expect(data.profile).toMatchObject({ email: "exported@example.org", name: "Ama Exported", role: "STAFF" });

    const out = path.join(dataDir, "export.json");
    const written = await cli("user:export", "--email", "exported@example.org", "--out", out);
    expect(written).toMatchObject({ code: 0, stdout: "" });
    expect(JSON.parse(fs.readFileSync(out, "utf8")).profile.name).toBe("Ama Exported");
    expect(fs.statSync(out).mode & 0o077).toBe(0);

    expect((await cli("user:erase", "--email", "exported@example.org")).code).toBe(0);
    const after = JSON.parse((await cli("user:export", "--email", "exported@example.org")).stdout) as { profile: unknown; activity: unknown[] };
    expect(after.profile).toBeNull();
    expect((await cli("user:export")).stderr).toContain("--email is required");
    expect((await cli("user:export", "--email", "not-an-address")).code).toBe(1);
  }, 240_000);
});
