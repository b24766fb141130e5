import fs from "node:fs";
import path from "node:path";

/**
 * The ownership lock of an embedded (PGlite) data directory. PGlite is single-process: two processes opening one
 * directory keep separate buffers and WAL and silently lose each other's writes, so exactly one process may open
 * it. The lock file sits next to the directory (`DATA_DIR/pglite.lock` by default) and says who owns it and how
 * to reach it; a lock whose process is gone (SIGKILL, power loss, a container restarted with the same pid) is stale
 * and taken over.
 */

export type OwnerRole = "server" | "cli";

/** What `pg` needs to reach the owner: `host` is a directory for a Unix socket (`<host>/.s.PGSQL.<port>`). */
export interface OwnerEndpoint {
  host: string;
  port: number;
}

export interface OwnerRecord {
  pid: number;
  role: OwnerRole;
  command: string;
  startedAt: string;
  database: string;
  /** Linux: boot id and the process start time (clock ticks since boot), so a reused pid is not mistaken for the owner. */
  bootId?: string;
  procStart?: string;
  endpoint?: OwnerEndpoint;
}

export interface HeldLock {
  file: string;
  record: OwnerRecord;
}

export type Claim = { held: HeldLock } | { owner: OwnerRecord };

const HELD = Symbol.for("genmig.dbLocks");
type G = typeof globalThis & { [HELD]?: Map<string, HeldLock> };
const held = () => ((globalThis as G)[HELD] ??= new Map());

export function lockFile(dir: string) {
  return `${path.resolve(dir)}.lock`;
}

function readText(file: string) {
  try {
    return fs.readFileSync(file, "utf8").trim();
  } catch {
    return undefined;
  }
}

const bootId = () => readText("/proc/sys/kernel/random/boot_id");

function procStart(pid: number) {
  const stat = readText(`/proc/${pid}/stat`);
  // Field 22 (starttime); the command name before it may contain spaces and parentheses.
  return stat?.slice(stat.lastIndexOf(")") + 2).split(" ")[19];
}

export function isAlive(record: Pick<OwnerRecord, "pid" | "bootId" | "procStart">) {
  // Callers look at the locks this process holds first; a lock naming our pid is from an earlier life with that pid.
  if (record.pid === process.pid) return false;
  try {
    process.kill(record.pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EPERM") return false;
  }
  if (record.bootId && record.procStart && bootId()) {
    return record.bootId === bootId() && procStart(record.pid) === record.procStart;
  }
  return true;
}

export function readOwner(dir: string): OwnerRecord | undefined {
  return readRecord(lockFile(dir));
}

function readRecord(file: string): OwnerRecord | undefined {
  const text = readText(file);
  if (!text) return undefined;
  try {
    return JSON.parse(text) as OwnerRecord;
  } catch {
    return undefined;
  }
}

function writeAtomically(file: string, record: OwnerRecord, exclusive: boolean) {
  const tmp = `${file}.${process.pid}.${Date.now()}.tmp`;
  fs.writeFileSync(tmp, `${JSON.stringify(record, null, 2)}\n`, { mode: 0o600 });
  try {
    // link() fails if the lock exists, and readers never see a half-written file
    if (exclusive) fs.linkSync(tmp, file);
    else fs.renameSync(tmp, file);
  } finally {
    fs.rmSync(tmp, { force: true });
  }
}

/** Serialises stale-lock takeovers: without it, two takers could each delete the lock the other just created. */
function withTakeoverGuard<T>(file: string, fn: () => T): T | undefined {
  const guard = `${file}.takeover`;
  try {
    fs.writeFileSync(guard, String(process.pid), { flag: "wx", mode: 0o600 });
  } catch {
    const pid = Number(readText(guard));
    const age = Date.now() - (fs.statSync(guard, { throwIfNoEntry: false })?.mtimeMs ?? 0);
    if (!pid || !isAlive({ pid }) || age > 10_000) fs.rmSync(guard, { force: true });
    return undefined;
  }
  try {
    return fn();
  } finally {
    fs.rmSync(guard, { force: true });
  }
}

/** Takes the lock if it is free or stale; otherwise answers who owns it. Never waits. */
export function tryClaim(dir: string, role: OwnerRole): Claim {
  const database = path.resolve(dir);
  const file = lockFile(dir);
  const mine = held().get(file);
  if (mine) return { held: mine };
  fs.mkdirSync(path.dirname(database), { recursive: true });
  const record: OwnerRecord = {
    pid: process.pid,
    role,
    command: [path.basename(process.argv[1] ?? "node"), ...process.argv.slice(2, 3)].join(" "),
    startedAt: new Date().toISOString(),
    database,
    bootId: bootId(),
    procStart: procStart(process.pid),
  };
  for (let attempt = 0; attempt < 50; attempt++) {
    try {
      writeAtomically(file, record, true);
      const lock = { file, record };
      held().set(file, lock);
      return { held: lock };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    }
    const owner = readOwner(dir);
    if (owner && isAlive(owner)) return { owner };
    const tookOver = withTakeoverGuard(file, () => {
      const again = readOwner(dir);
      if (!again || (again.pid === owner?.pid && again.startedAt === owner.startedAt)) fs.rmSync(file, { force: true });
      return true;
    });
    // Someone else is taking over right now: let them finish.
    if (!tookOver) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 20);
  }
  throw new Error(`Could not take the lock ${file}`);
}

export function publishEndpoint(lock: HeldLock, endpoint: OwnerEndpoint | undefined) {
  lock.record = { ...lock.record, endpoint };
  writeAtomically(lock.file, lock.record, false);
}

export function releaseLock(lock: HeldLock) {
  held().delete(lock.file);
  const current = readRecord(lock.file);
  if (current?.pid === lock.record.pid && current.startedAt === lock.record.startedAt) fs.rmSync(lock.file, { force: true });
}

export function describeOwner(owner: OwnerRecord) {
  return `process ${owner.pid} (${owner.role === "server" ? "the GenMig Hub server" : owner.command}, started ${owner.startedAt})`;
}

// A process that exits without closing the database (process.exit, an uncaught error) still frees the directory.
process.once("exit", () => {
  for (const lock of [...held().values()]) releaseLock(lock);
});
