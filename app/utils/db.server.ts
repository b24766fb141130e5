import fs from "node:fs";
import { PGlite } from "@electric-sql/pglite";
import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import { PrismaPGlite } from "pglite-prisma-adapter";
import { PrismaClient } from "../generated/prisma/client.ts";
import { databaseKind, pgliteDirectory, type DatabaseKind } from "./database-url.ts";
import { env } from "./env.server.ts";
import { PUBLIC_CONTENT_CHANNEL, publicContentChanged, publicContentFeedLive, stopPublicContentFeed } from "./public-content.server.ts";

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
}

// pglite-prisma-adapter bundles its own copy of Prisma's adapter types; the runtime contract is the same.
const pgliteAdapter = (pglite: PGlite) => new PrismaPGlite(pglite) as unknown as PrismaPg;

function open(): Database {
  const url = env().DATABASE_URL;
  const kind = databaseKind(url);
  if (kind === "postgres") {
    const pool = new pg.Pool({ connectionString: url, max: 10 });
    const prisma = new PrismaClient({ adapter: new PrismaPg({ connectionString: url }) });
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
  let pglite: PGlite;
  if (kind === "memory") pglite = new PGlite();
  else {
    const dir = pgliteDirectory(url, env().DATA_DIR);
    fs.mkdirSync(dir, { recursive: true });
    pglite = new PGlite(dir);
  }
  void pglite.listen(PUBLIC_CONTENT_CHANNEL, publicContentChanged).then(() => publicContentFeedLive(true));
  const prisma = new PrismaClient({ adapter: pgliteAdapter(pglite) });
  const driver: SqlDriver = {
    kind,
    // PGlite is a single connection inside this process: nothing else can race the migrator.
    exclusive: (_key, fn) =>
      fn(async (sql, params) => {
        if (params?.length) return (await pglite.query<Record<string, unknown>>(sql, params)).rows;
        const results = await pglite.exec(sql);
        return (results.at(-1)?.rows ?? []) as Record<string, unknown>[];
      }),
    close: () => pglite.close(),
  };
  return { prisma, driver };
}

// One database handle per process, shared by the server, the worker and the Remix bundle (which loads its own
// copy of this module): two PGlite instances on one directory would corrupt it.
const KEY = Symbol.for("genmig.db");
type G = typeof globalThis & { [KEY]?: Database };

export function database(): Database {
  const g = globalThis as G;
  return (g[KEY] ??= open());
}

export function prisma(): PrismaClient {
  return database().prisma;
}

export async function closeDatabase() {
  const g = globalThis as G;
  const db = g[KEY];
  if (!db) return;
  delete g[KEY];
  await stopPublicContentFeed();
  await db.prisma.$disconnect();
  await db.driver.close();
}

export type Tx = Parameters<Parameters<PrismaClient["$transaction"]>[0]>[0];
export type Client = PrismaClient | Tx;
