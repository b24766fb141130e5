import fs from "node:fs";
import { PGlite } from "@electric-sql/pglite";
import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import { PrismaPGlite } from "pglite-prisma-adapter";
import { databaseKind, pgliteDirectory } from "./database-url.js";
import { describeOwner, tryClaim } from "./db-lock.server.js";

const NAME_OID = 19;
const CHAR_OID = 18;
const TEXT_OID = 25;

type QueryResultLike = { fields?: { dataTypeID: number }[] } | undefined;

// Prisma's wasm schema engine cannot deserialize the `name` and `"char"` column types (prisma/orm#27403):
// present them as text. pg's Pool calls query with a callback, so both forms are patched.
function retype(result: QueryResultLike | QueryResultLike[]) {
  for (const r of Array.isArray(result) ? result : [result]) {
    for (const f of r?.fields ?? []) if (f.dataTypeID === NAME_OID || f.dataTypeID === CHAR_OID) f.dataTypeID = TEXT_OID;
  }
  return result;
}

class TextNameClient extends pg.Client {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  override query(...args: any[]): any {
    const last = args[args.length - 1];
    if (typeof last === "function") {
      args[args.length - 1] = (err: unknown, res: QueryResultLike) => last(err, retype(res));
      return (super.query as (...a: unknown[]) => unknown)(...args);
    }
    const out = (super.query as (...a: unknown[]) => unknown)(...args);
    if (out && typeof (out as Promise<unknown>).then === "function") {
      return (out as Promise<QueryResultLike>).then((r) => retype(r));
    }
    return out;
  }
}

export function postgresConfig(url: string): pg.ClientConfig {
  const u = new URL(url);
  return {
    host: decodeURIComponent(u.hostname) || "localhost",
    port: u.port ? Number(u.port) : 5432,
    user: decodeURIComponent(u.username) || undefined,
    password: decodeURIComponent(u.password) || undefined,
    database: decodeURIComponent(u.pathname.slice(1)) || undefined,
  };
}

/** The adapter used by the Prisma CLI (schema engine). The app runtime builds its own in db.server.ts. */
export function createAdapter(url: string | undefined, dataDir = "./data") {
  const kind = databaseKind(url);
  if (kind === "postgres") {
    return new PrismaPg({ ...postgresConfig(url!), Client: TextNameClient } as unknown as pg.PoolConfig);
  }
  // pglite-prisma-adapter bundles its own copy of Prisma's adapter types; the runtime contract is the same.
  if (kind === "memory") return new PrismaPGlite(new PGlite()) as unknown as PrismaPg;
  const dir = pgliteDirectory(url, dataDir);
  // One PGlite per directory: while the server runs, go through its socket (the lock is released at exit).
  const claim = tryClaim(dir, "cli");
  if ("owner" in claim) {
    if (!claim.owner.endpoint) throw new Error(`The embedded database in ${dir} is in use by ${describeOwner(claim.owner)}, which does not share it.`);
    return new PrismaPg({ ...claim.owner.endpoint, user: "postgres", database: "template1", Client: TextNameClient } as unknown as pg.PoolConfig);
  }
  fs.mkdirSync(dir, { recursive: true });
  return new PrismaPGlite(new PGlite(dir)) as unknown as PrismaPg;
}
