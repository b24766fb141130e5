import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import zlib from "node:zlib";
import { PGlite } from "@electric-sql/pglite";
import { databaseKind, pgliteDirectory } from "../utils/database-url.ts";
import { lockFile, releaseLock, tryClaim, describeOwner } from "../utils/db-lock.server.ts";
import { database, prisma } from "../utils/db.server.ts";
import { env } from "../utils/env.server.ts";
import { ensurePrivateDir } from "../utils/private-files.server.ts";
import { readTar, TarWriter } from "./tar.ts";

/**
 * Backups of the embedded database (ADR 0051): one gzip'd tar with PGlite's own data dump (`database.tar.gz`), the
 * data directory's files under `data/` (uploads, mailbox, session secret) and a manifest. PostgreSQL is backed up
 * with pg_dump (README).
 */

/** A refusal the CLI prints as it is (no stack): a wrong file, a directory in use or not empty. */
export class BackupError extends Error {}

const FORMAT = "genmig-hub-backup";
export const BACKUP_CHANNEL = "genmig_backup";
/** Where the owner leaves a dump a CLI asked for (in the data directory: same owner, same permissions). */
const REQUESTS = ".backup-requests";
const REQUEST_ID = /^[a-z0-9]{24}$/;

function embeddedDirectory() {
  const { DATABASE_URL, DATA_DIR } = env();
  if (databaseKind(DATABASE_URL) !== "pglite") {
    throw new BackupError("backup and restore are for the embedded database; on PostgreSQL use pg_dump and pg_restore, and copy DATA_DIR (see README, Backups)");
  }
  return path.resolve(pgliteDirectory(DATABASE_URL, DATA_DIR));
}

const requestsDir = () => path.join(env().DATA_DIR, REQUESTS);

/**
 * PGlite's dump, taken between transactions (under its transaction mutex, which the socket sessions and Prisma's
 * transactions hold), after a checkpoint: a consistent copy of the data directory while the server keeps serving.
 */
export async function dumpDatabase(db: PGlite): Promise<Uint8Array> {
  await db.exec("CHECKPOINT");
  const exclusive = (db as unknown as { _runExclusiveTransaction<T>(fn: () => Promise<T>): Promise<T> })._runExclusiveTransaction.bind(db);
  const dump = await exclusive(() => db.dumpDataDir("gzip"));
  return new Uint8Array(await dump.arrayBuffer());
}

/** The owner's side: a CLI asked (NOTIFY genmig_backup, '<id>') for a dump; it is left in the requests directory. */
export async function answerBackupRequest(db: PGlite, id: string) {
  if (!REQUEST_ID.test(id)) return;
  const dir = requestsDir();
  ensurePrivateDir(dir);
  const target = path.join(dir, `${id}.tar.gz`);
  try {
    const bytes = await dumpDatabase(db);
    fs.writeFileSync(`${target}.part`, bytes, { mode: 0o600, flag: "wx" });
    fs.renameSync(`${target}.part`, target);
  } catch (error) {
    fs.writeFileSync(path.join(dir, `${id}.error`), (error as Error).message, { mode: 0o600 });
  }
}

/** The CLI's side when a server owns the database: ask it over the database connection, wait for the file. */
async function dumpThroughOwner(): Promise<Uint8Array> {
  const id = crypto.randomBytes(18).toString("base64url").toLowerCase().replace(/[^a-z0-9]/g, "0").slice(0, 24);
  const dir = requestsDir();
  const target = path.join(dir, `${id}.tar.gz`);
  const failed = path.join(dir, `${id}.error`);
  await prisma().$executeRaw`SELECT pg_notify(${BACKUP_CHANNEL}, ${id})`;
  const deadline = Date.now() + 30 * 60_000;
  for (let wait = 50; Date.now() < deadline; wait = Math.min(wait * 2, 1000)) {
    if (fs.existsSync(target)) {
      const bytes = fs.readFileSync(target);
      fs.rmSync(target);
      return bytes;
    }
    if (fs.existsSync(failed)) {
      const why = fs.readFileSync(failed, "utf8");
      fs.rmSync(failed);
      throw new BackupError(`The running server could not dump the database: ${why}`);
    }
    await sleep(wait);
  }
  throw new BackupError("The running server did not answer the backup request within 30 minutes.");
}

/** Files of the data directory worth keeping: not the database itself (dumped), its lock, sockets or requests. */
function dataFiles(dataDir: string, databaseDir: string): string[] {
  const skip = new Set([databaseDir, path.resolve(dataDir, REQUESTS)]);
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (skip.has(full) || full === lockFile(databaseDir) || entry.name.startsWith(".s.PGSQL.")) continue;
      if (entry.isDirectory()) walk(full);
      else if (entry.isFile() && !entry.name.endsWith(".lock")) out.push(full);
    }
  };
  if (fs.existsSync(dataDir)) walk(path.resolve(dataDir));
  return out.sort();
}

export interface BackupSummary {
  file: string;
  databaseBytes: number;
  files: number;
  migrations: number;
}

/** `npm run cli -- backup FILE`: works with the server running (through it) or stopped (opening the database). */
export async function backup(file: string): Promise<BackupSummary> {
  const databaseDir = embeddedDirectory();
  if (fs.existsSync(file)) throw new BackupError(`${file} already exists; choose a new file name`);
  const own = database().pglite;
  const dump = own ? await dumpDatabase(own) : await dumpThroughOwner();
  const migrations = (await prisma().$queryRaw<{ migration_name: string }[]>`
    SELECT migration_name FROM "_prisma_migrations" WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL ORDER BY migration_name`).map((r) => r.migration_name);
  // After the dump: every file a row of the dump names was written before it (uploads write the file first).
  const dataDir = path.resolve(env().DATA_DIR);
  const files = dataFiles(dataDir, databaseDir);
  const part = `${file}.part`;
  const out = zlib.createGzip();
  const sink = fs.createWriteStream(part, { mode: 0o600 });
  const finished = new Promise<void>((resolve, reject) => {
    sink.once("finish", resolve).once("error", reject);
    out.once("error", reject);
  });
  out.pipe(sink);
  const tar = new TarWriter(out);
  const manifest = { format: FORMAT, version: 1, createdAt: new Date().toISOString(), database: "pglite", migrations, files: files.length };
  await tar.addBuffer("manifest.json", Buffer.from(JSON.stringify(manifest, null, 2)));
  await tar.addBuffer("database.tar.gz", dump);
  for (const f of files) await tar.addFile(`data/${path.relative(dataDir, f)}`, f);
  await tar.end();
  await finished;
  fs.renameSync(part, file);
  return { file, databaseBytes: dump.byteLength, files: files.length, migrations: migrations.length };
}

export interface RestoreSummary {
  files: number;
  migrations: number;
  createdAt: string;
}

/**
 * `npm run cli -- restore FILE`: into a data directory with no database yet (a new machine, or after moving the
 * old one aside), with no server running. The database is loaded first, then the files.
 */
export async function restore(file: string): Promise<RestoreSummary> {
  const databaseDir = embeddedDirectory();
  if (!fs.existsSync(file)) throw new BackupError(`${file} does not exist`);
  if (fs.existsSync(databaseDir) && fs.readdirSync(databaseDir).length) {
    throw new BackupError(`${databaseDir} already holds a database; restore into an empty data directory (move this one aside first)`);
  }
  const claim = tryClaim(databaseDir, "cli");
  if (!("held" in claim)) throw new BackupError(`The embedded database in ${databaseDir} is in use by ${describeOwner(claim.owner)}; stop it first`);
  try {
    const dataDir = path.resolve(env().DATA_DIR);
    let manifest: { format?: string; migrations?: string[]; createdAt?: string } | undefined;
    let files = 0;
    let loaded = false;
    for await (const entry of readTar(fs.createReadStream(file).pipe(zlib.createGunzip()))) {
      if (entry.name === "manifest.json") {
        manifest = JSON.parse(Buffer.concat(await collect(entry.chunks)).toString("utf8"));
        if (manifest?.format !== FORMAT) throw new BackupError(`${file} is not a GenMig Hub backup`);
      } else if (entry.name === "database.tar.gz") {
        if (!manifest) throw new BackupError(`${file} is not a GenMig Hub backup`);
        const dump = Buffer.concat(await collect(entry.chunks));
        fs.mkdirSync(databaseDir, { recursive: true });
        const db = new PGlite(databaseDir, { loadDataDir: new Blob([dump]) });
        await db.waitReady;
        await db.close();
        loaded = true;
      } else if (entry.name.startsWith("data/")) {
        const target = path.resolve(dataDir, entry.name.slice("data/".length));
        if (!target.startsWith(dataDir + path.sep) || target.startsWith(databaseDir + path.sep)) throw new BackupError(`${file} names a file outside the data directory: ${entry.name}`);
        ensurePrivateDir(path.dirname(target));
        const fd = fs.openSync(target, "w", 0o600);
        try {
          for await (const chunk of entry.chunks) fs.writeSync(fd, chunk);
        } finally {
          fs.closeSync(fd);
        }
        files++;
      }
    }
    if (!loaded || !manifest) throw new BackupError(`${file} holds no database`);
    return { files, migrations: manifest.migrations?.length ?? 0, createdAt: manifest.createdAt ?? "" };
  } finally {
    releaseLock(claim.held);
  }
}

async function collect(chunks: AsyncGenerator<Buffer>) {
  const out: Buffer[] = [];
  for await (const c of chunks) out.push(c);
  return out;
}
