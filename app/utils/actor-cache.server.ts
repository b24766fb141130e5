import type { SignedInActor } from "../services/policy.server.ts";
import { actorsChanged, actorsVersion } from "./public-content.server.ts";

/**
 * Who a session or API token belongs to (account, role, grants, institutions), kept in memory per process so that
 * a signed-in request does not re-read it. An entry is valid only at the actors version it was read at: every
 * committed change to accounts, memberships, institutions, or a session's or token's revocation bumps it in every
 * process (database triggers → notifications, ADR 0050). While notifications are not known to arrive, nothing is
 * cached. The TTL bounds a write that bypasses the triggers.
 */
const TTL_MS = 60_000;
const MAX_ENTRIES = 10_000;

interface Entry {
  version: number;
  /** Until when the entry may answer: the TTL, the session's expiry, or when the caller must write again. */
  until: number;
  actor: SignedInActor;
}

const KEY = Symbol.for("genmig.actorCache");
const store = (): Map<string, Entry> => ((globalThis as { [KEY]?: Map<string, Entry> })[KEY] ??= new Map());

/** Each caller gets its own copy: a request must not change what the next one sees. */
const copy = (actor: SignedInActor): SignedInActor => ({ ...actor, memberships: actor.memberships.map((m) => ({ ...m })) });

/**
 * The cached actor for `key`, or `read()`'s, kept until `until` (epoch ms) at most. `read` runs when there is no
 * valid entry; it may write (slide an expiry, record a use) and says how long its answer may be reused.
 */
export async function cachedActor(
  key: string,
  read: () => Promise<{ actor: SignedInActor | null; until: number }>,
  now = Date.now(),
): Promise<SignedInActor | null> {
  const version = actorsVersion();
  if (version === null) return (await read()).actor;
  const entries = store();
  const hit = entries.get(key);
  if (hit && hit.version === version && hit.until > now) return copy(hit.actor);
  const { actor, until } = await read();
  // Kept only if nothing changed while it was read (the version moves on every relevant commit). A credential
  // that opens nothing is not kept: random tokens must not be able to push real entries out.
  if (actor && actorsVersion() === version) {
    entries.delete(key);
    if (entries.size >= MAX_ENTRIES) entries.delete(entries.keys().next().value!);
    entries.set(key, { version, until: Math.min(until, now + TTL_MS), actor: copy(actor) });
  }
  return actor;
}

/** The hourly session slide and a token's "last used" minute: they change no one's rights (nor notify). */
const BOOKKEEPING = new Set(["lastSeenAt", "expiresAt", "lastUsedAt"]);
const onlyBookkeeping = (args: unknown) => {
  const data = (args as { data?: object } | undefined)?.data;
  return !!data && !Array.isArray(data) && Object.keys(data).every((k) => BOOKKEEPING.has(k));
};

const WRITES = new Set(["create", "createMany", "createManyAndReturn", "update", "updateMany", "updateManyAndReturn", "upsert", "delete", "deleteMany"]);

/**
 * This process's own writes to what an actor is made of drop its cached actors at once, without waiting for the
 * database's notification (on PostgreSQL it arrives a moment after the commit): a person revoked by a use case
 * run here is refused on the very next request. Dropping before the commit is safe: the notice follows it.
 */
export function forgetActorsOnWrite<C extends { $extends: (ext: never) => unknown }>(client: C): C {
  const hook = async ({ operation, args, query }: { operation: string; args: unknown; query: (args: unknown) => Promise<unknown> }) => {
    if (!WRITES.has(operation) || onlyBookkeeping(args)) return query(args);
    actorsChanged();
    try {
      return await query(args);
    } finally {
      actorsChanged();
    }
  };
  const models = { user: { $allOperations: hook }, session: { $allOperations: hook }, apiToken: { $allOperations: hook }, membership: { $allOperations: hook }, partner: { $allOperations: hook } };
  return client.$extends({ query: models } as never) as C;
}
