/**
 * The one place that decides whether an error means "the database cannot be reached right now" (server down or
 * restarting, connection cut, pool exhausted, database closed to new connections) rather than a fault of the
 * request or the code. Pages answer such errors with a 503 page and GraphQL with SERVICE_UNAVAILABLE (ADR 0028);
 * both ask this module.
 *
 * Errors are recognised by shape, not by class: the server bundle and the Remix build each load their own copy
 * of Prisma's runtime, so `instanceof` would miss half of them.
 */

/** Seconds a client is asked to wait before trying again (the Retry-After header of every 503). */
export const RETRY_AFTER_SECONDS = 5;

// Prisma: can't reach the server, timed out reaching it, operations timed out, server closed the connection,
// timed out waiting for a pooled connection, too many connections.
const PRISMA_CODES = new Set(["P1001", "P1002", "P1008", "P1017", "P2024", "P2037"]);
// Prisma's driver adapters (meta.driverAdapterError.cause.kind).
const ADAPTER_KINDS = new Set(["DatabaseNotReachable", "ConnectionClosed", "SocketTimeout", "TooManyConnections"]);
// Node sockets.
const SOCKET_CODES = new Set(["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "EPIPE", "EHOSTUNREACH", "ENETUNREACH", "ENOTFOUND", "EAI_AGAIN"]);
// PostgreSQL SQLSTATEs: class 08 (connection exception), admin/crash shutdown, cannot connect now, too many connections.
const SQLSTATE = /^(?:08[0-9A-Z]{3}|57P0[123]|53300)$/;
// Errors pg and PGlite raise without a code when a connection or the database goes away.
const MESSAGES = [
  /^Connection terminated\b/,
  /^timeout exceeded when trying to connect$/,
  /^Client has encountered a connection error and is not queryable$/,
  /^Client was closed and is not queryable$/,
  /^Cannot use a pool after calling end on the pool$/,
  /is not currently accepting connections/,
  /^the database system is (?:starting up|shutting down|in recovery mode)$/,
  /^terminating connection due to administrator command$/,
  /^PGlite is closed$/,
];

interface Shape {
  code?: unknown;
  message?: unknown;
  meta?: { driverAdapterError?: { cause?: { kind?: unknown; code?: unknown; originalCode?: unknown; message?: unknown } } };
  cause?: unknown;
  originalError?: unknown;
  errors?: unknown;
}

function matches(error: Shape): boolean {
  const code = typeof error.code === "string" ? error.code : "";
  if (PRISMA_CODES.has(code) || SOCKET_CODES.has(code) || SQLSTATE.test(code)) return true;
  const adapter = error.meta?.driverAdapterError?.cause;
  if (adapter) {
    if (ADAPTER_KINDS.has(String(adapter.kind))) return true;
    const state = String(adapter.originalCode ?? adapter.code ?? "");
    if (SQLSTATE.test(state)) return true;
    if (typeof adapter.message === "string" && MESSAGES.some((m) => m.test(adapter.message as string))) return true;
  }
  const message = typeof error.message === "string" ? error.message.trim() : "";
  return MESSAGES.some((m) => m.test(message));
}

/** True when `error` (or anything it wraps: cause, a GraphQL error's original, an AggregateError's parts) says the database is unreachable. */
export function isDatabaseUnavailable(error: unknown): boolean {
  const seen = new Set<unknown>();
  const queue: unknown[] = [error];
  while (queue.length) {
    const next = queue.shift();
    if (!next || typeof next !== "object" || seen.has(next)) continue;
    seen.add(next);
    const shape = next as Shape;
    if (matches(shape)) return true;
    queue.push(shape.cause, shape.originalError);
    if (Array.isArray(shape.errors)) queue.push(...shape.errors);
  }
  return false;
}

/** What a request that met an unreachable database remembers (in Remix's load context, and the front door's). */
export interface OutageNote {
  databaseUnavailable?: boolean;
}

/** Notes on `context` that this request failed because the database is unreachable; true if it did. */
export function noteIfDatabaseUnavailable(error: unknown, context: unknown): boolean {
  if (!isDatabaseUnavailable(error)) return false;
  if (context && typeof context === "object") (context as OutageNote).databaseUnavailable = true;
  return true;
}
