import { spawn, type ChildProcess } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { chromium } from "playwright-core";
import { databaseUrl as databaseUrl_, migrationsHash, postgresTemplate, untilUnused } from "../setup/template.ts";

// The real hub in its own process (as `npm start` runs it) and Debian's Chromium, for tests and benchmarks that
// need a real socket or a real browser.
export const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

export function launchChromium() {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--no-first-run"],
  });
}

export async function freePort(): Promise<number> {
  const probe = net.createServer();
  await new Promise<void>((resolve, reject) => probe.once("error", reject).listen(0, "127.0.0.1", resolve));
  const { port } = probe.address() as net.AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

export async function waitForHealth(base: string, describeFailure: () => string = () => "") {
  for (let i = 0; i < 240; i++) {
    const ok = await fetch(`${base}/healthz`).then((r) => r.ok, () => false);
    if (ok) return;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${base} did not start\n${describeFailure()}`);
}

export interface Hub {
  base: string;
  port: number;
  child: ChildProcess;
  /** Stops the whole process group (the server and anything it started). */
  stop(): void;
}

/**
 * Starts the hub on the embedded database in `dataDir` (file mailbox, in-process worker), in production mode and
 * its own process group. `compiled` runs build/server.js (the `npm start` path); otherwise server.ts through tsx.
 */
export async function startHub(opts: { dataDir: string; host?: string; env?: Record<string, string>; compiled?: boolean; firstStart?: boolean }): Promise<Hub> {
  const port = await freePort();
  const base = `http://${opts.host ?? "127.0.0.1"}:${port}`;
  const env: NodeJS.ProcessEnv = { ...process.env, PORT: String(port), DATA_DIR: opts.dataDir, APP_URL: base, NODE_ENV: "production", ...opts.env };
  for (const name of ["DATABASE_URL", "SMTP_URL", "TRUST_PROXY", "ALLOWED_ORIGINS"]) if (!opts.env?.[name]) delete env[name];
  if (!env.DATABASE_URL && !opts.firstStart && !fs.existsSync(path.join(opts.dataDir, "pglite"))) {
    copyFirstStart(await firstStartTemplate(), opts.dataDir);
  }
  const logFile = path.join(opts.dataDir, "server.log");
  const log = fs.openSync(logFile, "w");
  const args = opts.compiled ? ["build/server.js"] : ["--import", "tsx", "server.ts"];
  const child = spawn(process.execPath, args, { env, stdio: ["ignore", log, log], detached: true });
  const stop = () => {
    if (child.pid && child.exitCode === null) {
      try {
        process.kill(-child.pid, "SIGTERM");
      } catch {
        // already gone
      }
    }
  };
  await waitForHealth(base, () => fs.readFileSync(logFile, "utf8"));
  return { base, port, child, stop };
}

/**
 * What the compiled hub leaves in an empty data directory on its first start (every migration applied to a new
 * embedded database, the demo data seeded, its mail still queued), made once and copied into each embedded hub's
 * new data directory: a hub then starts in about a third of the CPU time (ADR 0046). Named by what it holds: the
 * build, the migrations, the PGlite version and the day (the demo webinars are dated from today).
 */
async function firstStartTemplate(): Promise<string> {
  const { version } = JSON.parse(fs.readFileSync(path.resolve("node_modules/@electric-sql/pglite/package.json"), "utf8"));
  const key = crypto
    .createHash("sha256")
    .update(fs.readFileSync("build/server.js"))
    .update(`${migrationsHash(`pglite ${version}`)} ${new Date().toISOString().slice(0, 10)}`)
    .digest("hex")
    .slice(0, 12);
  const template = path.join(os.tmpdir(), `genmig-first-start-${key}`);
  if (fs.existsSync(template)) return template;
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "genmig-first-start-building-"));
  // No worker: the seeded mail stays queued for each copy's own worker to send, as on a real first start.
  const hub = await startHub({ dataDir, compiled: true, firstStart: true, env: { RUN_WORKER: "0" } });
  const exited = new Promise((resolve) => hub.child.once("exit", resolve));
  hub.stop();
  await exited;
  const built = fs.mkdtempSync(path.join(os.tmpdir(), "genmig-first-start-built-"));
  copyFirstStart(dataDir, built);
  fs.rmSync(dataDir, { recursive: true, force: true });
  try {
    // A directory rename is atomic: a concurrent run sees the whole template or none.
    fs.renameSync(built, template);
  } catch {
    // Another run (the other CI lane) finished the same template first.
    fs.rmSync(built, { recursive: true, force: true });
  }
  return template;
}

/** The database and the stored files only: each hub makes its own session secret, mailbox and log. */
function copyFirstStart(from: string, to: string) {
  for (const part of ["pglite", "files"]) {
    if (fs.existsSync(path.join(from, part))) fs.cpSync(path.join(from, part), path.join(to, part), { recursive: true });
  }
}

/**
 * The first match of `pattern` in the newest mailbox file to `to`, waiting for the worker to write it. `after`
 * skips older mail: files written before that time (ms), or the file names already seen (a set taken earlier).
 */
export async function mailMatch(dataDir: string, to: string, pattern: RegExp, after: number | ReadonlySet<string> = 0) {
  const dir = path.join(dataDir, "mail");
  for (let i = 0; i < 60; i++) {
    const files = fs.existsSync(dir) ? fs.readdirSync(dir).sort().reverse() : [];
    for (const f of files) {
      const file = path.join(dir, f);
      if (typeof after === "number" ? fs.statSync(file).mtimeMs < after : after.has(f)) continue;
      // quoted-printable: soft line breaks and "=3D" for "="
      const raw = fs.readFileSync(file, "utf8").replace(/=\r?\n/g, "").replace(/=3D/g, "=");
      const found = pattern.exec(raw);
      if (raw.includes(`To: ${to}`) && found) return found;
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`no mail to ${to} matching ${pattern}`);
}

/** A link from the newest mail to `to` (the HTML part escapes "&" in query strings). */
export async function linkInMail(dataDir: string, to: string, pattern: RegExp, after: number | ReadonlySet<string> = 0) {
  return (await mailMatch(dataDir, to, pattern, after))[0].replace(/&amp;/g, "&");
}

/** The names of the mailbox files so far, to pass as `after` and read only mail written since. */
export function mailSeen(dataDir: string): Set<string> {
  const dir = path.join(dataDir, "mail");
  return new Set(fs.existsSync(dir) ? fs.readdirSync(dir) : []);
}

/** The sign-in token of the newest mail to `to` written after `after` (see `mailMatch`). */
export async function signInTokenFor(dataDir: string, to: string, after: number | ReadonlySet<string> = 0) {
  return (await mailMatch(dataDir, to, /\/auth\/verify\?token=([\w-]+)/, after))[1];
}

export interface ShippedHub extends Hub {
  /** The hub's data directory (file mailbox, server.log; the embedded database too when there is no PostgreSQL). */
  dataDir: string;
  database: "embedded" | "postgres";
  /** PostgreSQL only: the fresh database the hub runs on. */
  databaseUrl?: string;
  /** Stops the hub, waits for it to exit, drops its PostgreSQL database and removes the data directory. */
  close(): Promise<void>;
}

/**
 * The compiled hub (`build/server.js`, production mode, as `npm start` runs it) on the database the suite runs
 * on: a fresh PostgreSQL database (a copy of the migrated template) when TEST_DATABASE_URL is set, else the
 * embedded database in a new data directory. The worker runs in the hub in both cases (file mailbox).
 */
export async function startShippedHub(opts: { env?: Record<string, string>; host?: string } = {}): Promise<ShippedHub> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "genmig-shipped-"));
  const server = process.env.TEST_DATABASE_URL;
  let name: string | undefined;
  let databaseUrl: string | undefined;
  if (server) {
    const template = await postgresTemplate(server);
    name = `genmig_s_${crypto.randomBytes(6).toString("hex")}`;
    await withPg(server, (admin) => admin.query(`CREATE DATABASE ${name} TEMPLATE ${template}`));
    databaseUrl = databaseUrl_(server, name);
  }
  const env = { RUN_WORKER: "1", ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}), ...opts.env };
  let hub: Hub;
  try {
    hub = await startHub({ dataDir, host: opts.host, env, compiled: true });
  } catch (error) {
    if (server && name) await withPg(server, (admin) => admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
    throw error;
  }
  const close = async () => {
    const exited = hub.child.exitCode !== null ? Promise.resolve() : new Promise<void>((resolve) => hub.child.once("exit", () => resolve()));
    hub.stop();
    await exited;
    if (server && name) {
      await withPg(server, async (admin) => {
        await untilUnused(admin, name!);
        await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      });
    }
    fs.rmSync(dataDir, { recursive: true, force: true });
  };
  return { ...hub, dataDir, database: server ? "postgres" : "embedded", databaseUrl, close };
}

async function withPg<T>(server: string, fn: (admin: pg.Client) => Promise<T>): Promise<T> {
  const admin = new pg.Client({ connectionString: server });
  await admin.connect();
  try {
    return await fn(admin);
  } finally {
    await admin.end();
  }
}
