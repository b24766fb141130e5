import pg from "pg";
import { databaseKind } from "./database-url.ts";
import { env } from "./env.server.ts";

/** Raised by database triggers (see the public_content_notify migration) on every commit that changes public content. */
export const PUBLIC_CONTENT_CHANNEL = "genmig_public_content";

interface Feed {
  version: number;
  /** True only while change notifications are known to arrive; a cache must not be used otherwise. */
  live: boolean;
  client?: pg.Client;
  retry?: NodeJS.Timeout;
}

// The server bundle and the Remix build each load their own copy of this module; the state is one per process.
const KEY = Symbol.for("genmig.publicContent");
const feed = (): Feed => ((globalThis as { [KEY]?: Feed })[KEY] ??= { version: 0, live: false });

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
  const client = new pg.Client({ connectionString: env().DATABASE_URL });
  f.client = client;
  const down = () => {
    if (f.client !== client) return;
    f.live = false;
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
    if (message.channel === PUBLIC_CONTENT_CHANNEL) publicContentChanged();
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

/** Tests and shutdown: drop the listener. */
export async function stopPublicContentFeed() {
  const f = feed();
  const client = f.client;
  f.client = undefined;
  f.live = false;
  publicContentChanged();
  await client?.end().catch(() => {});
}
