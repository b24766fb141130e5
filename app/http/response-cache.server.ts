import zlib from "node:zlib";
import { observeCache } from "../observability/metrics.server.ts";
import { publicContentVersion } from "../utils/public-content.server.ts";

/**
 * What every anonymous viewer sees alike (webinar and partner lists and pages, public GraphQL queries), kept in
 * memory per process. An entry is valid only for the content version it was built at: any committed change to
 * public content bumps the version (database triggers → notifications, ADR 0009). The TTL bounds what changes
 * with time alone (a webinar moving from upcoming to past, registration closing at its end).
 */
const TTL_MS = 10_000;
const MAX_ENTRIES = 500;
const MAX_BODY_BYTES = 256 * 1024;
/** Search strings make keys unbounded: the oldest entries go first past this budget. */
const MAX_TOTAL_BYTES = 32 * 1024 * 1024;

interface Entry {
  version: number;
  expires: number;
  status: number;
  headers: [string, string][];
  body: ArrayBuffer;
  /** Compressed once, on the first request that accepts it (field offices on slow links all do). */
  gzip?: Uint8Array;
}

interface Store {
  entries: Map<string, Entry>;
  bytes: number;
  building: Map<string, Promise<Entry | null>>;
}

const KEY = Symbol.for("genmig.responseCache");
const store = (): Store => ((globalThis as { [KEY]?: Store })[KEY] ??= { entries: new Map(), bytes: 0, building: new Map() });

const GZIP_MIN_BYTES = 1024;

function respond(e: Entry, gzip: boolean) {
  if (!gzip || e.body.byteLength < GZIP_MIN_BYTES || e.headers.some(([k]) => k === "content-encoding")) {
    return new Response(e.body, { status: e.status, headers: e.headers });
  }
  e.gzip ??= zlib.gzipSync(e.body);
  const headers = new Headers(e.headers);
  headers.set("content-encoding", "gzip");
  headers.set("content-length", String(e.gzip.byteLength));
  headers.append("vary", "Accept-Encoding");
  return new Response(e.gzip as unknown as BodyInit, { status: e.status, headers });
}

/** A response may be shared only if it is a plain success that sets nothing for the one who asked. */
function shareable(response: Response) {
  if (response.status !== 200 || response.headers.has("set-cookie")) return false;
  return !/no-store|private/i.test(response.headers.get("cache-control") ?? "");
}

/**
 * Serves `key` from memory or builds it once (concurrent misses wait for the same build). `produce` may decline
 * to share its answer by returning `{ response, share: false }`. With `gzip`, the answer is sent compressed (the
 * HTTP server's compression leaves an encoded body alone).
 */
export async function cachedResponse(
  key: string,
  produce: () => Promise<{ response: Response; share: boolean }>,
  opts: { gzip: boolean },
): Promise<Response> {
  const version = publicContentVersion();
  if (version === null) return (await produce()).response;
  const { entries, building } = store();
  const hit = entries.get(key);
  if (hit && hit.version === version && hit.expires > Date.now()) {
    observeCache(true);
    return respond(hit, opts.gzip);
  }
  observeCache(false);

  const flightKey = `${version}\n${key}`;
  const pending = building.get(flightKey);
  if (pending) {
    const entry = await pending.catch(() => null);
    if (entry) return respond(entry, opts.gzip);
    return (await produce()).response;
  }
  let handOver!: (entry: Entry | null) => void;
  building.set(flightKey, new Promise<Entry | null>((resolve) => (handOver = resolve)));
  try {
    const { response, share } = await produce();
    if (!share || !shareable(response)) {
      handOver(null);
      return response;
    }
    const body = await response.arrayBuffer();
    const entry: Entry = { version, expires: Date.now() + TTL_MS, status: response.status, headers: [...response.headers], body };
    // Built from data read at `version`: keep it only if nothing changed meanwhile.
    if (body.byteLength <= MAX_BODY_BYTES && publicContentVersion() === version) {
      remember(key, entry);
      handOver(entry);
    } else handOver(null);
    return respond(entry, opts.gzip);
  } catch (error) {
    handOver(null);
    throw error;
  } finally {
    building.delete(flightKey);
  }
}

function remember(key: string, entry: Entry) {
  const s = store();
  forget(key);
  s.entries.set(key, entry);
  s.bytes += entry.body.byteLength;
  while (s.entries.size > MAX_ENTRIES || s.bytes > MAX_TOTAL_BYTES) forget(s.entries.keys().next().value!);
}

function forget(key: string) {
  const s = store();
  const entry = s.entries.get(key);
  if (!entry) return;
  s.entries.delete(key);
  s.bytes -= entry.body.byteLength;
}
