export type DatabaseKind = "postgres" | "pglite" | "memory";

/**
 * Unset or a path means embedded PGlite; `memory://` is an empty in-memory PGlite and `memory:///path/dump.tar` one
 * that starts from a PGlite `dumpDataDir` file (tests: a migrated template); `postgres…` is PostgreSQL.
 */
export function databaseKind(url: string | undefined): DatabaseKind {
  if (!url) return "pglite";
  if (url.startsWith("postgres")) return "postgres";
  if (url.startsWith("memory://")) return "memory";
  return "pglite";
}

export function pgliteDirectory(url: string | undefined, dataDir: string): string {
  if (url?.startsWith("file:")) return url.slice("file:".length);
  if (url && databaseKind(url) === "pglite") return url;
  return `${dataDir.replace(/\/$/, "")}/pglite`;
}

/** The dump an in-memory database starts from (`memory:///path/dump.tar`), if any. */
export function memoryDumpPath(url: string): string | undefined {
  return url.slice("memory://".length) || undefined;
}
