import fs from "node:fs";
import { prisma } from "../utils/db.server.ts";
import { migrationsDirectory } from "../utils/migrate.server.ts";

/** A worker in this process that has not looked at the outbox for this long is stuck. */
export const HEARTBEAT_STALE_MS = 60_000;

// Set by the server when it runs the worker (RUN_WORKER), beaten by the worker at every pass and batch. Shared
// through globalThis: the server bundle and the Remix build each load their own copy of this module.
const KEY = Symbol.for("genmig.workerHeartbeat");
type G = typeof globalThis & { [KEY]?: { expected: boolean; last: number } };
const heartbeat = () => ((globalThis as G)[KEY] ??= { expected: false, last: 0 });

export function expectWorkerHeartbeat() {
  heartbeat().expected = true;
  heartbeat().last = Date.now();
}

export function workerHeartbeat() {
  heartbeat().last = Date.now();
}

let shipped: string[] | undefined;
function shippedMigrations() {
  shipped ??= fs
    .readdirSync(migrationsDirectory(), { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => d.name);
  return shipped;
}

export interface Readiness {
  ready: boolean;
  checks: { database: "ok" | "unreachable"; migrations: "ok" | "pending" | "unknown"; worker: "ok" | "stale" | "not run here" };
}

/**
 * Whether this process should receive traffic: the database answers, every migration it ships is applied, and the
 * worker it runs (if any) has looked at the outbox within HEARTBEAT_STALE_MS. Names checks, never errors.
 */
export async function readiness(): Promise<Readiness> {
  const checks: Readiness["checks"] = { database: "ok", migrations: "unknown", worker: "not run here" };
  try {
    const rows = await prisma().$queryRaw<{ migration_name: string }[]>`
      SELECT migration_name FROM "_prisma_migrations" WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL`;
    const done = new Set(rows.map((r) => r.migration_name));
    checks.migrations = shippedMigrations().every((name) => done.has(name)) ? "ok" : "pending";
  } catch {
    checks.database = "unreachable";
  }
  const beat = heartbeat();
  if (beat.expected) checks.worker = Date.now() - beat.last <= HEARTBEAT_STALE_MS ? "ok" : "stale";
  return { ready: checks.database === "ok" && checks.migrations === "ok" && checks.worker !== "stale", checks };
}

export async function readinessResponse(): Promise<Response> {
  const r = await readiness();
  return Response.json({ status: r.ready ? "ready" : "unready", ...r.checks }, { status: r.ready ? 200 : 503, headers: { "cache-control": "no-store" } });
}
