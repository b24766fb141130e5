import fs from "node:fs";
import { PGlite } from "@electric-sql/pglite";
import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import { PrismaPGlite } from "pglite-prisma-adapter";
import { PrismaClient } from "../generated/prisma/client.ts";
import { forgetActorsOnWrite } from "./actor-cache.server.ts";
import { databaseKind, memoryDumpPath, pgliteDirectory, type DatabaseKind } from "./database-url.ts";
import { describeOwner, releaseLock, tryClaim, type HeldLock } from "./db-lock.server.ts";
import { env } from "./env.server.ts";
import { withoutSocketSessions } from "./pglite-share.server.ts";
import { ACTORS_CHANNEL, actorsChanged, PUBLIC_CONTENT_CHANNEL, publicContentChanged, publicContentFeedLive, stopPublicContentFeed } from "./public-content.server.ts";

/** Runs raw multi-statement SQL; used by the migration runner, which Prisma's prepared statements cannot serve. */
export interface SqlDriver {
  kind: DatabaseKind;
  /** Runs fn on one connection (PostgreSQL: under a session-level advisory lock). */
  exclusive<T>(lockKey: number, fn: (run: (sql: string, params?: unknown[]) => Promise<Record<string, unknown>[]>) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

export interface Database {
  prisma: PrismaClient;
  driver: SqlDriver;
  /** Set when this process opened the embedded database itself (it owns the directory, or it is in memory). */
  pglite?: PGlite;
  lock?: HeldLock;
}

// pglite-prisma-adapter bundles its own copy of Prisma's adapter types; the runtime contract is the same.
const pgliteAdapter = (pglite: PGlite) => new PrismaPGlite(pglite) as unknown as PrismaPg;

/** PostgreSQL, or the embedded database reached through the process that owns it (same wire protocol). */
function throughPg(config: pg.PoolConfig, kind: DatabaseKind): Database {
  const pool = new pg.Pool({ ...config, max: 10 });
  // An idle connection dropped by the server (restart, owner stopped) must not crash a worker; the next query reconnects.
  pool.on("error", () => {});
  const prisma = forgetActorsOnWrite(new PrismaClient({ adapter: new PrismaPg(config) }));
  const driver: SqlDriver = {
    kind,
    async exclusive(lockKey, fn) {
      const client = await pool.connect();
      try {
        await client.query("SELECT pg_advisory_lock($1)", [lockKey]);
        try {
          return await fn(async (sql, params) => (await client.query(sql, params)).rows);
        } finally {
          await client.query("SELECT pg_advisory_unlock($1)", [lockKey]);
        }
      } finally {
        client.release();
      }
    },
    close: () => pool.end(),
  };
  return { prisma, driver };
}

function inProcess(pglite: PGlite, kind: DatabaseKind, lock?: HeldLock): Database {
  // Triggers notify in-process, before the writing statement returns, whichever connection wrote (socket included).
  void Promise.all([pglite.listen(PUBLIC_CONTENT_CHANNEL, publicContentChanged), pglite.listen(ACTORS_CHANNEL, actorsChanged)]).then(() =>
    publicContentFeedLive(true),
  );
  // An in-memory database starts on first use, and that first use may be a transaction: its wait for a connection
  // then includes PGlite's start (about a second idle, several on a busy machine), past Prisma's 2 s default.
  const transactionOptions = kind === "memory" ? { maxWait: 30_000 } : undefined;
  const prisma = forgetActorsOnWrite(new PrismaClient({ adapter: pgliteAdapter(pglite), transactionOptions }));
  const driver: SqlDriver = {
    kind,
    // Statements run one by one (BEGIN … COMMIT); processes sharing this database through its socket wait meanwhile.
    exclusive: (_key, fn) =>
      withoutSocketSessions(pglite, () =>
        fn(async (sql, params) => {
          if (params?.length) return (await pglite.query<Record<string, unknown>>(sql, params)).rows;
          const results = await pglite.exec(sql);
          return (results.at(-1)?.rows ?? []) as Record<string, unknown>[];
        }),
      ),
    close: () => pglite.close(),
  };
  return { prisma, driver, pglite, lock };
}

export class DatabaseOwnerError extends Error {}

function open(): Database {
  const url = env().DATABASE_URL;
  const kind = databaseKind(url);
  if (kind === "postgres") return throughPg({ connectionString: url }, kind);
  if (kind === "memory") {
    const dump = memoryDumpPath(url!);
    return inProcess(new PGlite(dump ? { loadDataDir: new Blob([fs.readFileSync(dump)]) } : {}), kind);
  }
  const dir = pgliteDirectory(url, env().DATA_DIR);
  const claim = tryClaim(dir, "cli");
  if ("held" in claim) {
    fs.mkdirSync(dir, { recursive: true });
    return inProcess(new PGlite(dir), kind, claim.held);
  }
  const { owner } = claim;
  if (!owner.endpoint) {
    throw new DatabaseOwnerError(`The embedded database in ${dir} is in use by ${describeOwner(owner)}, which does not share it. Wait for it to finish or stop it.`);
  }
  return throughPg({ ...owner.endpoint, user: "postgres", database: "template1" }, kind);
}

// One database handle per process, shared by the server, the worker and the Remix bundle (which loads its own
// copy of this module). Across processes, the lock in db-lock.server.ts keeps one PGlite per directory.
const KEY = Symbol.for("genmig.db");
type G = typeof globalThis & { [KEY]?: Database };

export function database(): Database {
  const g = globalThis as G;
  return (g[KEY] ??= open());
}

export function prisma(): PrismaClient {
  return database().prisma;
}

/** Whether this process has the database open (tests check that a file which must not use it did not). */
export function databaseIsOpen(): boolean {
  return (globalThis as G)[KEY] !== undefined;
}

export async function closeDatabase() {
  const g = globalThis as G;
  const db = g[KEY];
  if (!db) return;
  delete g[KEY];
  await stopPublicContentFeed();
  await db.prisma.$disconnect();
  await db.driver.close();
  if (db.lock) releaseLock(db.lock);
}

export type Tx = Parameters<Parameters<PrismaClient["$transaction"]>[0]>[0];
export type Client = PrismaClient | Tx;
