import { execFile } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { randomToken } from "../../app/services/crypto.server.ts";
import { closeDatabase, prisma } from "../../app/utils/db.server.ts";
import { resetEnv } from "../../app/utils/env.server.ts";
import { makeUser } from "../factories.ts";
import { signInTokenFor, startHub, type Hub } from "../helpers/hub-process.ts";

// issue 23: `npm run cli -- backup FILE` copies a running embedded hub (through the server that owns the database),
// and `restore FILE` brings it back into an empty data directory: every row, every uploaded file, and people can
// sign in again. The compiled CLI and server, as an operator runs them. Embedded database only (PostgreSQL: pg_dump).
const run = promisify(execFile);

const cli = (dataDir: string, ...args: string[]) => {
  const env: NodeJS.ProcessEnv = { ...process.env, DATA_DIR: dataDir, NODE_ENV: "production" };
  delete env.DATABASE_URL;
  return run(process.execPath, ["build/cli.js", ...args], { env }).then(
    (r) => ({ code: 0, out: r.stdout + r.stderr }),
    (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, out: e.stdout + e.stderr }),
  );
};

function filesOf(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const full = path.join(d, e.name);
      if (e.isDirectory()) walk(full);
      else out[path.relative(dir, full)] = crypto.createHash("sha256").update(fs.readFileSync(full)).digest("hex");
    }
  };
  if (fs.existsSync(dir)) walk(dir);
  return out;
}

/** Row counts of the tables a hub is made of, read through whichever hub owns `dataDir`. */
async function counts(dataDir: string) {
  await closeDatabase();
  process.env.DATA_DIR = dataDir;
  delete process.env.DATABASE_URL;
  resetEnv();
  const db = prisma();
  return {
    users: await db.user.count(),
    partners: await db.partner.count(),
    webinars: await db.webinar.count(),
    publications: await db.publication.count(),
    outbox: await db.outboxMessage.count(),
    documents: await db.dialogueDocument.count(),
  };
}

const root = fs.mkdtempSync(path.join(os.tmpdir(), "genmig-backup-"));
const original = path.join(root, "original");
const restored = path.join(root, "restored");
const file = path.join(root, "hub-backup.tar.gz");
let hub: Hub | undefined;
const email = `backup.${randomToken().slice(0, 8).toLowerCase()}@example.org`;
let before: Awaited<ReturnType<typeof counts>>;
let filesBefore: Record<string, string>;

async function stop(h: Hub) {
  const exited = h.child.exitCode !== null ? Promise.resolve() : new Promise<void>((resolve) => h.child.once("exit", () => resolve()));
  h.stop();
  await exited;
}

describe.skipIf(!!process.env.TEST_DATABASE_URL)("backup and restore of the embedded database (compiled CLI and server)", () => {
  beforeAll(async () => {
    fs.mkdirSync(original);
    hub = await startHub({ dataDir: original, compiled: true, env: { RUN_WORKER: "1" } });
    // This process then writes into the hub's database, through the hub (as the CLI does).
    before = await counts(original);
    await makeUser({ role: "STAFF", name: "Backup Keeper", email });
    before = await counts(original);
    await closeDatabase();
    filesBefore = filesOf(path.join(original, "files"));
  }, 180_000);

  afterAll(async () => {
    await closeDatabase();
    if (hub) await stop(hub);
    fs.rmSync(root, { recursive: true, force: true });
  });

  it("backs up while the server runs, through it", async () => {
    expect(before.users).toBeGreaterThan(1);
    expect(Object.keys(filesBefore).length).toBeGreaterThan(0);
    const made = await cli(original, "backup", file);
    expect(made.out, made.out).toMatch(/^Wrote .*hub-backup\.tar\.gz: the database .* and \d+ file\(s\)/m);
    expect(made.code).toBe(0);
    // The server kept serving meanwhile, and still does.
    expect((await fetch(`${hub!.base}/webinars`)).status).toBe(200);
    const again = await cli(original, "backup", file);
    expect(again.code).toBe(1);
    expect(again.out).toMatch(/already exists/);
  }, 120_000);

  it("restores into an empty data directory: every row and file, and people sign in again", async () => {
    await stop(hub!);
    hub = undefined;
    const done = await cli(restored, "restore", file);
    expect(done.out, done.out).toMatch(/^Restored the database and \d+ file\(s\)/m);
    expect(done.code).toBe(0);
    expect(filesOf(path.join(restored, "files"))).toEqual(filesBefore);
    expect(fs.readFileSync(path.join(restored, "session-secret"), "utf8")).toBe(fs.readFileSync(path.join(original, "session-secret"), "utf8"));

    // Not over a database that exists.
    const twice = await cli(restored, "restore", file);
    expect(twice.code).toBe(1);
    expect(twice.out).toMatch(/already holds a database/);

    hub = await startHub({ dataDir: restored, compiled: true, env: { RUN_WORKER: "1" } });
    expect(await counts(restored)).toEqual({ ...before, outbox: expect.any(Number) });
    expect(await prisma().user.findMany({ where: { name: "Backup Keeper" }, select: { email: true } })).toEqual([{ email }]);
    await closeDatabase();

    const asked = await fetch(`${hub.base}/auth/sign-in`, {
      method: "POST",
      headers: { origin: hub.base, "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ email }),
    });
    expect(asked.status).toBe(200);
    const browser = asked.headers.getSetCookie().find((c) => c.startsWith("gmh_signin="))!.split(";")[0];
    const token = await signInTokenFor(restored, email);
    const verified = await fetch(`${hub.base}/auth/verify`, {
      method: "POST",
      redirect: "manual",
      headers: { origin: hub.base, cookie: browser, "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ token }),
    });
    expect(verified.status).toBe(302);
    const session = verified.headers.getSetCookie().find((c) => c.startsWith("gmh_session="))!.split(";")[0];
    const account = await fetch(`${hub.base}/account`, { headers: { cookie: session } });
    expect(account.status).toBe(200);
    expect(await account.text()).toContain("Backup Keeper");
  }, 240_000);
});
