import fs from "node:fs";
import net from "node:net";
import { Mutex, protocol, type PGlite } from "@electric-sql/pglite";
import { PGLiteSocketHandler } from "@electric-sql/pglite-socket";

/**
 * Shares one PGlite with local processes over the PostgreSQL wire protocol (the CLI, extra workers, psql).
 *
 * PGlite is a single backend session. pglite-socket 0.0.22 runs each wire message under `runExclusive` (the query
 * mutex) and releases it between messages, while PGlite's own `query()`/`transaction()` — which
 * pglite-prisma-adapter uses in this process — hold the *transaction* mutex. Left as is, a socket client's statement
 * can run inside the server's open transaction (and be rolled back with it), the server's statements can run inside
 * a socket client's transaction, and two socket clients' Parse/Bind/Execute messages can interleave.
 *
 * So a socket session here takes PGlite's transaction mutex (a lease) with its first message and keeps it until the
 * backend answers ReadyForQuery "idle": a client transaction or extended-protocol batch runs alone, exactly as
 * PGlite's own transaction() does. pglite-socket's PGLiteSocketHandler still does the wire framing.
 */

const IDLE_IN_TRANSACTION_MS = 15_000;
const TERMINATE = 0x58; // 'X'
const READY_FOR_QUERY = 0x5a; // 'Z'

/** A wire message of one session; without a message, the end of that session. */
interface Pending {
  id: number;
  message?: Uint8Array;
  resolve: (out: Uint8Array) => void;
  reject: (error: Error) => void;
}

const NOTHING = new Uint8Array(0);

/**
 * Status of a response that ends with ReadyForQuery ('I' idle, 'T' in transaction, 'E' failed transaction). Walks
 * the message frames, so row data that happens to end in the same bytes is not mistaken for it.
 */
function readyStatus(out: Uint8Array): string | undefined {
  let status: string | undefined;
  for (let at = 0; at + 5 <= out.length; ) {
    const length = ((out[at + 1] << 24) | (out[at + 2] << 16) | (out[at + 3] << 8) | out[at + 4]) >>> 0;
    status = out[at] === READY_FOR_QUERY && length === 4 + 1 && at + 6 <= out.length ? String.fromCharCode(out[at + 5]) : undefined;
    at += 1 + length;
  }
  return status;
}

const GATES = Symbol.for("genmig.pgliteGates");
type G = typeof globalThis & { [GATES]?: WeakMap<PGlite, Mutex> };
function gate(db: PGlite) {
  const gates = ((globalThis as G)[GATES] ??= new WeakMap());
  let mutex = gates.get(db);
  if (!mutex) gates.set(db, (mutex = new Mutex()));
  return mutex;
}

/**
 * Keeps socket sessions out while fn runs statement by statement in this process (the migration runner sends
 * BEGIN … COMMIT as separate calls, each of which takes and releases PGlite's transaction mutex).
 */
export function withoutSocketSessions<T>(db: PGlite, fn: () => Promise<T>): Promise<T> {
  return gate(db).runExclusive(fn);
}

/**
 * The queue pglite-socket's handlers feed. One pump runs every message and every end of session in order, so the
 * lease is taken and given back in one place.
 */
class SessionScheduler {
  private queue: Pending[] = [];
  private holder: number | null = null;
  private releaseLease?: () => void;
  private pumping = false;
  private acquiring = false;
  private idleTimer?: NodeJS.Timeout;

  constructor(
    private db: PGlite,
    private idleInTransactionMs: number,
    private onIdleInTransaction: (id: number) => void,
  ) {}

  enqueue(id: number, message: Uint8Array): Promise<Uint8Array> {
    // Terminate would end the one shared backend; here it only ends this session.
    return this.push(id, message[0] === TERMINATE ? undefined : message);
  }

  // The two methods PGLiteSocketHandler.detach() calls when its connection closes.
  clearQueueForHandler(id: number) {
    this.queue = this.queue.filter((p) => p.id !== id || (p.reject(new Error("Handler disconnected")), false));
  }

  async clearTransactionIfNeeded(id: number) {
    await this.push(id, undefined).catch(() => {});
  }

  getQueueLength() {
    return this.queue.length + (this.acquiring ? 1 : 0);
  }

  private push(id: number, message: Uint8Array | undefined) {
    return new Promise<Uint8Array>((resolve, reject) => {
      this.queue.push({ id, message, resolve, reject });
      void this.pump();
    });
  }

  private async acquire(id: number) {
    this.acquiring = true;
    await gate(this.db).acquire();
    await new Promise<void>((granted) => {
      void this.db._runExclusiveTransaction(
        () =>
          new Promise<void>((release) => {
            this.releaseLease = release;
            granted();
          }),
      );
    });
    this.acquiring = false;
    this.holder = id;
  }

  private release() {
    this.holder = null;
    this.releaseLease?.();
    this.releaseLease = undefined;
    gate(this.db).release();
  }

  private run(message: Uint8Array) {
    return this.db.runExclusive(() => this.db.execProtocolRaw(message));
  }

  private async pump() {
    if (this.pumping) return;
    this.pumping = true;
    try {
      for (;;) {
        const index = this.holder === null ? 0 : this.queue.findIndex((p) => p.id === this.holder);
        if (index < 0 || !this.queue.length) break;
        const [item] = this.queue.splice(index, 1);
        clearTimeout(this.idleTimer);
        this.idleTimer = undefined;
        try {
          if (!item.message) {
            if (this.holder === item.id) await this.cleanUp();
            item.resolve(NOTHING);
            continue;
          }
          if (this.holder === null) await this.acquire(item.id);
          const out = await this.run(item.message);
          if (readyStatus(out) === "I") this.release();
          item.resolve(out);
        } catch (error) {
          item.reject(error as Error);
        }
      }
      const holder = this.holder;
      if (holder !== null && !this.idleTimer) {
        this.idleTimer = setTimeout(() => this.onIdleInTransaction(holder), this.idleInTransactionMs);
        this.idleTimer.unref();
      }
    } finally {
      this.pumping = false;
    }
  }

  /** Leaves the backend clean for the next session: closes a half-sent batch and rolls back an open transaction. */
  private async cleanUp() {
    try {
      if (readyStatus(await this.run(protocol.serialize.sync())) !== "I") await this.run(protocol.serialize.query("ROLLBACK"));
    } finally {
      this.release();
    }
  }
}

export interface SharedDatabase {
  endpoint: { host: string; port: number };
  /** Wire messages waiting for the backend (tests use it to know a client is blocked). */
  waiting(): number;
  stop(): Promise<void>;
}

/**
 * Listens on a Unix socket (`<dir>/.s.PGSQL.<port>`, the name `pg` and psql look for, mode 0600) or, where the
 * path would be too long for a socket, on 127.0.0.1 with a random port.
 */
export async function shareDatabase(
  db: PGlite,
  socketDir: string,
  socketPort: number,
  { idleInTransactionMs = IDLE_IN_TRANSACTION_MS } = {},
): Promise<SharedDatabase> {
  const sockets = new Map<number, net.Socket>();
  const handlers = new Set<PGLiteSocketHandler>();
  // A session idle inside its transaction holds up everyone, the web server included: disconnect it (rolls back).
  const scheduler = new SessionScheduler(db, idleInTransactionMs, (id) => sockets.get(id)?.destroy());
  const server = net.createServer((socket) => {
    // pglite-socket types its queue as an unexported class; the scheduler implements the methods it calls.
    const handler = new PGLiteSocketHandler({ queryQueue: scheduler as never, closeOnDetach: true });
    handlers.add(handler);
    sockets.set(handler.handlerId, socket);
    handler.addEventListener("close", () => {
      handlers.delete(handler);
      sockets.delete(handler.handlerId);
    });
    void handler.attach(socket);
  });
  await db.waitReady;
  const socketPath = `${socketDir}/.s.PGSQL.${socketPort}`;
  const useUnix = process.platform !== "win32" && Buffer.byteLength(socketPath) < 100;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    if (useUnix) {
      // Only the lock holder gets here, so a socket file left by a killed owner is stale.
      fs.rmSync(socketPath, { force: true });
      server.listen(socketPath, resolve);
    } else server.listen(0, "127.0.0.1", resolve);
  });
  if (useUnix) fs.chmodSync(socketPath, 0o600);
  const address = server.address();
  return {
    endpoint: useUnix ? { host: socketDir, port: socketPort } : { host: "127.0.0.1", port: (address as net.AddressInfo).port },
    waiting: () => scheduler.getQueueLength(),
    async stop() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      await Promise.all([...handlers].map((h) => h.detach(true)));
      await closed;
    },
  };
}
