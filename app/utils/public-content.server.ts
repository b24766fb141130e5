import crypto from "node:crypto";
import pg from "pg";
import { databaseKind } from "./database-url.ts";
import { env } from "./env.server.ts";

/** Raised by database triggers (see the public_content_notify migration) on every commit that changes public content. */
export const PUBLIC_CONTENT_CHANNEL = "genmig_public_content";
/** Raised on every commit that changes who a session or API token is (see the account_zone_and_actor_notify migration). */
export const ACTORS_CHANNEL = "genmig_actors";

interface Feed {
  version: number;
  /** Bumped by changes to accounts, sessions, tokens, memberships and institutions (the actor cache's version). */
  actorsVersion: number;
  /** Sync markers sent on the listening connection, by payload, waiting to come back. */
  markers: Map<string, () => void>;
  /** True only while change notifications are known to arrive; a cache must not be used otherwise. */
  live: boolean;
  client?: pg.Client;
  retry?: NodeJS.Timeout;
}

// The server bundle and the Remix build each load their own copy of this module; the state is one per process.
const KEY = Symbol.for("genmig.publicContent");
const feed = (): Feed => ((globalThis as { [KEY]?: Feed })[KEY] ??= { version: 0, actorsVersion: 0, live: false, markers: new Map() });

/** Every cached public response built before this call is stale. */
export function publicContentChanged() {
  feed().version += 1;
}

/** Every actor resolved from a session or token before this call is stale. */
export function actorsChanged() {
  feed().actorsVersion += 1;
}

/** The listener (re)connected or dropped: anything cached may have missed a change. */
function everythingChanged() {
  publicContentChanged();
  actorsChanged();
}

/** Embedded database: its owner delivers notifications in-process, before the writing statement returns. */
export function publicContentFeedLive(live: boolean) {
  feed().live = live;
  everythingChanged();
}

/**
 * The current content version, or null while this process cannot learn about other processes' writes (then
 * nothing may be served from a cache). On PostgreSQL a dedicated connection LISTENs for the triggers' notices.
 */
export function publicContentVersion(): number | null {
  const f = liveFeed();
  return f.live ? f.version : null;
}

/** Like publicContentVersion, for what the actor cache holds (app/utils/actor-cache.server.ts). */
export function actorsVersion(): number | null {
  const f = liveFeed();
  return f.live ? f.actorsVersion : null;
}

function liveFeed() {
  const f = feed();
  if (!f.live && !f.client && !f.retry && databaseKind(env().DATABASE_URL) === "postgres") listen(f);
  return f;
}

function listen(f: Feed) {
  // Keep-alive: a connection that silently died must not go on looking live.
  const client = new pg.Client({ connectionString: env().DATABASE_URL, keepAlive: true });
  f.client = client;
  const down = () => {
    if (f.client !== client) return;
    f.live = false;
    for (const release of f.markers.values()) release();
    f.client = undefined;
    everythingChanged();
    client.end().catch(() => {});
    // Retry later; until then every request is answered fresh.
    f.retry = setTimeout(() => (f.retry = undefined), 1000);
    f.retry.unref();
  };
  client.on("error", down);
  client.on("end", down);
  client.on("notification", (message) => {
    if (message.channel === ACTORS_CHANNEL) return actorsChanged();
    if (message.channel !== PUBLIC_CONTENT_CHANNEL) return;
    const marker = message.payload ? f.markers.get(message.payload) : undefined;
    if (marker) marker();
    else if (!message.payload?.startsWith(SYNC)) publicContentChanged();
  });
  client
    .connect()
    .then(() => {
      // A listener must never keep a finished process (tests, CLI) alive.
      (client as unknown as { connection?: { stream?: { unref?: () => void } } }).connection?.stream?.unref?.();
      return client.query(`LISTEN ${PUBLIC_CONTENT_CHANNEL}; LISTEN ${ACTORS_CHANNEL}`);
    })
    .then(() => {
      if (f.client !== client) return;
      // Anything cached before the LISTEN may have missed a change.
      everythingChanged();
      f.live = true;
    })
    .catch(down);
}

const SYNC = "sync:";

/**
 * Resolves once every change committed before the call has been heard, so that a writer's next request never
 * sees its own change missing. PGlite delivers notices before the commit returns; on PostgreSQL a marker is sent
 * through the listening connection: notices arrive in commit order, so when it comes back, earlier ones have.
 */
export async function publicContentSettled(): Promise<void> {
  const f = feed();
  const client = f.client;
  if (!f.live || !client) return;
  const payload = SYNC + crypto.randomUUID();
  const heard = new Promise<void>((resolve) => f.markers.set(payload, resolve));
  try {
    await client.query("SELECT pg_notify($1, $2)", [PUBLIC_CONTENT_CHANNEL, payload]);
    await heard;
  } catch {
    // The listener is down: `down` has dropped every cached answer.
  } finally {
    f.markers.delete(payload);
  }
}

/** Tests and shutdown: drop the listener. */
export async function stopPublicContentFeed() {
  const f = feed();
  const client = f.client;
  f.client = undefined;
  f.live = false;
  for (const release of f.markers.values()) release();
  everythingChanged();
  await client?.end().catch(() => {});
}
