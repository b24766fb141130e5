import crypto from "node:crypto";
import pg from "pg";
import { databaseKind } from "./database-url.ts";
import { env } from "./env.server.ts";

/** Raised by database triggers (see the public_content_notify migration) on every commit that changes public content. */
export const PUBLIC_CONTENT_CHANNEL = "genmig_public_content";

interface Feed {
  version: number;
  /** Sync markers sent on the listening connection, by payload, waiting to come back. */
  markers: Map<string, () => void>;
  /** True only while change notifications are known to arrive; a cache must not be used otherwise. */
  live: boolean;
  client?: pg.Client;
  retry?: NodeJS.Timeout;
}

// The server bundle and the Remix build each load their own copy of this module; the state is one per process.
const KEY = Symbol.for("genmig.publicContent");
const feed = (): Feed => ((globalThis as { [KEY]?: Feed })[KEY] ??= { version: 0, live: false, markers: new Map() });

/** Every cached public response built before this call is stale. */
export function publicContentChanged() {
  feed().version += 1;
}

/** Embedded database: its owner delivers notifications in-process, before the writing statement returns. */
export function publicContentFeedLive(live: boolean) {
  feed().live = live;
  publicContentChanged();
}

/**
 * The current content version, or null while this process cannot learn about other processes' writes (then
 * nothing may be served from a cache). On PostgreSQL a dedicated connection LISTENs for the triggers' notices.
 */
export function publicContentVersion(): number | null {
  const f = feed();
  if (!f.live && !f.client && !f.retry && databaseKind(env().DATABASE_URL) === "postgres") listen(f);
  return f.live ? f.version : null;
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
    publicContentChanged();
    client.end().catch(() => {});
    // Retry later; until then every request is answered fresh.
    f.retry = setTimeout(() => (f.retry = undefined), 1000);
    f.retry.unref();
  };
  client.on("error", down);
  client.on("end", down);
  client.on("notification", (message) => {
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
      return client.query(`LISTEN ${PUBLIC_CONTENT_CHANNEL}`);
    })
    .then(() => {
      if (f.client !== client) return;
      // Anything cached before the LISTEN may have missed a change.
      publicContentChanged();
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
  publicContentChanged();
  await client?.end().catch(() => {});
}
