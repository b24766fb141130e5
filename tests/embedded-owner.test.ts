import { execFile, spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { freePort } from "./helpers/hub-process.ts";

// Real processes on one data directory: the server (`npx tsx server.ts`) and CLI commands (`npx tsx cli.ts`),
// talking over real HTTP. Embedded mode is the point; the first test also runs on PostgreSQL.
const embedded = !process.env.TEST_DATABASE_URL;
const run = promisify(execFile);
const dirs: string[] = [];
const servers: ChildProcess[] = [];

function dataDir() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "gmh-own-"));
  dirs.push(dir);
  return dir;
}

function envFor(dir: string, port: number) {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    DATA_DIR: dir,
    PORT: String(port),
    APP_URL: `http://127.0.0.1:${port}`,
    NODE_ENV: "production",
    // Read at call time: the setup file points DATABASE_URL at this file's PostgreSQL database before the tests run.
    DATABASE_URL: embedded ? "" : process.env.DATABASE_URL,
  };
  delete env.SMTP_URL;
  return env;
}

interface Server {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

/** Starts a server in its own process group (npx → tsx → node) and waits until it listens or exits. */
async function startServer(dir: string, port: number): Promise<Server & { ready: boolean }> {
  const child = spawn("npx", ["tsx", "server.ts"], { env: envFor(dir, port), detached: true, stdio: ["ignore", "pipe", "pipe"] });
  servers.push(child);
  let text = "";
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  const ready = await new Promise<boolean>((resolve) => {
    const onData = (chunk: Buffer) => {
      text += chunk.toString();
      if (text.includes("GenMig Hub on")) resolve(true);
    };
    child.stdout!.on("data", onData);
    child.stderr!.on("data", onData);
    void exited.then(() => resolve(false));
  });
  return { child, output: () => text, exited, ready };
}

function kill(child: ChildProcess, signal: NodeJS.Signals = "SIGKILL") {
  try {
    process.kill(-child.pid!, signal);
  } catch {
    // already gone
  }
}

async function cli(dir: string, port: number, ...args: string[]) {
  try {
    const { stdout, stderr } = await run("npx", ["tsx", "cli.ts", ...args], { env: envFor(dir, port) });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

async function graphql<T = Record<string, unknown>>(port: number, query: string, variables: Record<string, unknown> = {}, token?: string) {
  const response = await fetch(`http://127.0.0.1:${port}/graphql`, {
    method: "POST",
    headers: { "content-type": "application/json", accept: "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  return (await response.json()) as { data?: T; errors?: { message: string }[] };
}

const lockOf = (dir: string) => JSON.parse(fs.readFileSync(path.join(dir, "pglite.lock"), "utf8")) as { pid: number; endpoint?: { host: string } };

async function staffToken(dir: string, port: number, email: string) {
  const created = await cli(dir, port, "user:create", "--email", email, "--name", "Ops Person", "--role", "staff");
  expect(created.stderr).toBe("");
  expect(created).toMatchObject({ code: 0 });
  const token = await cli(dir, port, "token:create", "--email", email);
  expect(token.code).toBe(0);
  return token.stdout.trim().split("\n").at(-1)!;
}

afterEach(async () => {
  for (const child of servers.splice(0)) {
    kill(child);
    if (child.exitCode === null && child.signalCode === null) await new Promise((resolve) => child.once("exit", resolve));
  }
});

afterAll(() => {
  for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
});

describe("one owner for the embedded database", () => {
  it("shows CLI writes made while the server runs at once through GraphQL", async () => {
    const dir = dataDir();
    const port = await freePort();
    const server = await startServer(dir, port);
    expect(server.ready, server.output()).toBe(true);
    if (embedded) expect(lockOf(dir).endpoint?.host).toBe(dir);

    const token = await staffToken(dir, port, "u1@example.org");
    expect(await graphql(port, "{ me { email role } }", {}, token)).toEqual({ data: { me: { email: "u1@example.org", role: "STAFF" } } });
    // Migrations were applied by the server at start; running them again through it changes nothing.
    const migrate = await cli(dir, port, "migrate");
    expect(migrate).toMatchObject({ code: 0, stdout: "Database is up to date.\n" });
    expect((await cli(dir, port, "worker", "--once")).code).toBe(0);
    expect(await graphql(port, "{ me { email } }", {}, token)).toEqual({ data: { me: { email: "u1@example.org" } } });
    // The operator reads a sign-in link the server just queued, through the same database.
    expect(await graphql(port, `mutation { requestSignInLink(email: "u1@example.org") { ok } }`)).toEqual({ data: { requestSignInLink: { ok: true } } });
    const mail = await cli(dir, port, "mail:last", "--email", "u1@example.org");
    expect(mail.code, mail.stderr).toBe(0);
    expect(mail.stdout).toMatch(/\/auth\/verify\?token=[\w-]{20,}/);
  }, 240_000);

  it.skipIf(!embedded)("refuses to start a second server on the same data directory, naming the owner's pid", async () => {
    const dir = dataDir();
    const first = await startServer(dir, await freePort());
    expect(first.ready, first.output()).toBe(true);
    const { pid } = lockOf(dir);

    const port = await freePort();
    const second = await startServer(dir, port);
    expect(second.ready).toBe(false);
    expect(await second.exited).not.toBe(0);
    expect(second.output()).toContain(`already in use by process ${pid} (the GenMig Hub server`);
    expect(lockOf(dir).pid).toBe(pid);
  }, 240_000);

  it.skipIf(!embedded)("restarts on the same data after SIGKILL with nothing lost", async () => {
    const dir = dataDir();
    const port = await freePort();
    const first = await startServer(dir, port);
    expect(first.ready, first.output()).toBe(true);
    const token = await staffToken(dir, port, "ops@example.org");
    const registered = await graphql<{ registerPartner: { id: string } }>(
      port,
      `mutation ($input: PartnerRegistrationInput!) { registerPartner(input: $input) { id } }`,
      { input: { name: "Kill Nine Institute", country: "SN", sector: "NGO", focalPointName: "Awa", focalPointEmail: "awa@example.org", consent: true } },
      token,
    );
    expect(registered.errors).toBeUndefined();
    const partnerId = registered.data!.registerPartner.id;

    const { pid } = lockOf(dir);
    process.kill(pid, "SIGKILL");
    await first.exited;
    kill(first.child);
    // The killed owner left its lock and socket behind; the next server takes them over.
    expect(lockOf(dir).pid).toBe(pid);

    const second = await startServer(dir, port);
    expect(second.ready, second.output()).toBe(true);
    expect(lockOf(dir).pid).not.toBe(pid);
    expect(await graphql(port, "{ me { email } }", {}, token)).toEqual({ data: { me: { email: "ops@example.org" } } });
    expect(await graphql(port, `query ($id: ID!) { partner(id: $id) { name } }`, { id: partnerId }, token)).toEqual({
      data: { partner: { name: "Kill Nine Institute" } },
    });
    // The CLI reaches the new owner too.
    const again = await cli(dir, port, "token:create", "--email", "ops@example.org");
    expect(again.code).toBe(0);
    expect(await graphql(port, "{ me { email } }", {}, again.stdout.trim().split("\n").at(-1))).toEqual({ data: { me: { email: "ops@example.org" } } });

    // A clean stop gives the directory back; a CLI command then opens it itself and gives it back too.
    process.kill(lockOf(dir).pid, "SIGTERM");
    expect(await second.exited).toBe(0);
    expect(fs.existsSync(path.join(dir, "pglite.lock"))).toBe(false);
    expect((await cli(dir, port, "token:create", "--email", "ops@example.org")).code).toBe(0);
    expect(fs.existsSync(path.join(dir, "pglite.lock"))).toBe(false);
  }, 240_000);

  it.skipIf(!embedded || !fs.existsSync("/proc/self/stat"))("tells a CLI command which process holds the database when that owner cannot be reached", async () => {
    const dir = dataDir();
    const stat = fs.readFileSync(`/proc/${process.pid}/stat`, "utf8");
    const lock = {
      pid: process.pid,
      role: "server",
      command: "server.ts",
      startedAt: new Date().toISOString(),
      database: path.join(dir, "pglite"),
      bootId: fs.readFileSync("/proc/sys/kernel/random/boot_id", "utf8").trim(),
      procStart: stat.slice(stat.lastIndexOf(")") + 2).split(" ")[19],
      endpoint: { host: dir, port: 5432 },
    };
    fs.writeFileSync(path.join(dir, "pglite.lock"), JSON.stringify(lock));
    const result = await cli(dir, await freePort(), "user:create", "--email", "x@example.org", "--name", "X", "--role", "staff");
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`in use by process ${process.pid} (the GenMig Hub server`);
    expect(result.stderr).toContain("does not answer on its socket (ENOENT)");
    expect(fs.existsSync(path.join(dir, "pglite"))).toBe(false);
  }, 120_000);
});
