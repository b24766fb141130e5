import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { closeDatabase, database } from "../../app/utils/db.server.ts";
import { resetEnv } from "../../app/utils/env.server.ts";
import { migrate, migrationsDirectory } from "../../app/utils/migrate.server.ts";

// Each test file starts from a copy of one migrated database instead of running every migration itself (ADR 0032).
// The template is named by what it holds (the migrations, and the PGlite build for dumps), so runs that share the
// machine, the PostgreSQL server or /tmp share it too, and a changed migration makes a new one.

export function migrationsHash(extra: string) {
  const hash = crypto.createHash("sha256").update(extra);
  const dir = migrationsDirectory();
  for (const name of fs.readdirSync(dir).sort()) {
    const file = path.join(dir, name, "migration.sql");
    if (fs.existsSync(file)) hash.update(`\0${name}\0`).update(fs.readFileSync(file));
  }
  return hash.digest("hex").slice(0, 12);
}

/** Migrates the database DATABASE_URL names with the app's own migration runner, then closes it. */
async function migrateAt(url: string, keep?: () => Promise<void>) {
  const saved = { DATABASE_URL: process.env.DATABASE_URL, DATA_DIR: process.env.DATA_DIR };
  process.env.DATABASE_URL = url;
  process.env.DATA_DIR = fs.mkdtempSync(path.join(os.tmpdir(), "genmig-template-"));
  resetEnv();
  try {
    await migrate();
    await keep?.();
  } finally {
    await closeDatabase();
    fs.rmSync(process.env.DATA_DIR, { recursive: true, force: true });
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
    resetEnv();
  }
}

/** A migrated in-memory PGlite, dumped to a file that `memory://<file>` loads (built once per migration set). */
export async function pgliteTemplate(): Promise<string> {
  // The package does not export its package.json.
  const { version } = JSON.parse(fs.readFileSync(path.resolve("node_modules/@electric-sql/pglite/package.json"), "utf8"));
  const file = path.join(os.tmpdir(), `genmig-template-${migrationsHash(`pglite ${version}`)}.tar`);
  if (fs.existsSync(file)) return file;
  await migrateAt("memory://", async () => {
    const dump = await database().pglite!.dumpDataDir("none");
    // Written aside and renamed, so a run reading it concurrently never sees half a file.
    const partial = `${file}.${process.pid}`;
    fs.writeFileSync(partial, Buffer.from(await dump.arrayBuffer()));
    fs.renameSync(partial, file);
  });
  return file;
}

async function withAdmin<T>(server: string, fn: (admin: pg.Client) => Promise<T>): Promise<T> {
  const admin = new pg.Client({ connectionString: server });
  await admin.connect();
  try {
    return await fn(admin);
  } finally {
    await admin.end();
  }
}

export function databaseUrl(server: string, name: string) {
  const url = new URL(server);
  url.pathname = `/${name}`;
  return url.toString();
}

/** Waits until nobody is connected to `name` (pools end before their sockets close). */
export async function untilUnused(admin: pg.Client, name: string) {
  for (let i = 0; i < 50; i += 1) {
    const { rows } = await admin.query("SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = $1", [name]);
    if (rows[0].n === 0) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** A migrated PostgreSQL database on `server` that test databases are created from (`CREATE DATABASE … TEMPLATE`). */
export async function postgresTemplate(server: string): Promise<string> {
  const name = `genmig_template_${migrationsHash("postgres")}`;
  const exists = await withAdmin(server, async (admin) => (await admin.query("SELECT 1 FROM pg_database WHERE datname = $1", [name])).rowCount === 1);
  if (exists) return name;
  // Built under a name of its own and renamed when complete: a concurrent run never copies a half-migrated one.
  const building = `genmig_tbuild_${crypto.randomBytes(6).toString("hex")}`;
  await withAdmin(server, (admin) => admin.query(`CREATE DATABASE ${building}`));
  await migrateAt(databaseUrl(server, building));
  await withAdmin(server, async (admin) => {
    await untilUnused(admin, building);
    try {
      await admin.query(`ALTER DATABASE ${building} RENAME TO ${name}`);
    } catch (error) {
      // 42P04: another run finished the same template first.
      if ((error as { code?: string }).code !== "42P04") throw error;
      await admin.query(`DROP DATABASE IF EXISTS ${building} WITH (FORCE)`);
    }
  });
  return name;
}
