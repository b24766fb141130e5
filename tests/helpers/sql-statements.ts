import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaPGlite } from "pglite-prisma-adapter";
import { PrismaClient } from "../../app/generated/prisma/client.ts";
import { database } from "../../app/utils/db.server.ts";
import { env } from "../../app/utils/env.server.ts";

type Adapter = { queryRaw(q: { sql: string }): Promise<unknown>; executeRaw(q: { sql: string }): Promise<unknown>; startTransaction(...a: unknown[]): Promise<Adapter> };

const seen: string[] = [];
let recording = false;

/** Forwards everything to the driver's own adapter, noting each SQL statement sent while recording. */
function counting<T extends object>(target: T): T {
  return new Proxy(target, {
    get(t, key) {
      const value = Reflect.get(t, key, t) as unknown;
      if (typeof value !== "function") return value;
      if (key === "queryRaw" || key === "executeRaw") {
        return (q: { sql: string }) => {
          if (recording) seen.push(q.sql);
          return (value as (q: unknown) => unknown).call(t, q);
        };
      }
      if (key === "startTransaction" || key === "connect") {
        return async (...args: unknown[]) => counting((await (value as (...a: unknown[]) => Promise<object>).apply(t, args)) as Adapter);
      }
      return (value as (...a: unknown[]) => unknown).bind(t);
    },
  });
}

let client: PrismaClient | undefined;

/** A client on the same database whose driver adapter notes every statement (what the database actually runs). */
function countingClient() {
  const db = database();
  const adapter = db.pglite ? (new PrismaPGlite(db.pglite) as unknown as PrismaPg) : new PrismaPg({ connectionString: env().DATABASE_URL });
  return (client ??= new PrismaClient({ adapter: counting(adapter) }));
}

/**
 * The SQL statements the database receives through Prisma while fn runs (model queries, raw SQL, transaction
 * statements), by swapping the shared client for one whose driver adapter counts; the server asks for prisma()
 * per request, so it picks the swap up at once.
 */
export async function sqlStatements<T>(fn: () => Promise<T>): Promise<{ result: T; statements: string[] }> {
  const db = database();
  const base = db.prisma;
  db.prisma = countingClient();
  seen.length = 0;
  recording = true;
  try {
    const result = await fn();
    return { result, statements: [...seen] };
  } finally {
    recording = false;
    db.prisma = base;
  }
}

export async function closeStatementCounter() {
  await client?.$disconnect();
  client = undefined;
}
