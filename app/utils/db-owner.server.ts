import net from "node:net";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { answerBackupRequest, BACKUP_CHANNEL } from "../backups/backup.server.ts";
import { databaseKind, pgliteDirectory } from "./database-url.ts";
import { describeOwner, lockFile, publishEndpoint, tryClaim, type OwnerEndpoint } from "./db-lock.server.ts";
import { database, DatabaseOwnerError } from "./db.server.ts";
import { env } from "./env.server.ts";
import { shareDatabase } from "./pglite-share.server.ts";

/** How long a process waits for a short-lived owner (a CLI command) to finish, or for a starting server to listen. */
const WAIT_MS = 30_000;

function embeddedDirectory() {
  const { DATABASE_URL, DATA_DIR } = env();
  return databaseKind(DATABASE_URL) === "pglite" ? pgliteDirectory(DATABASE_URL, DATA_DIR) : undefined;
}

function socketPort(dir: string) {
  // The default directory gets PostgreSQL's usual port, so `psql -h DATA_DIR -d template1` finds the socket.
  const name = dir.replace(/\/+$/, "").split("/").at(-1) ?? "";
  if (name === "pglite") return 5432;
  let hash = 0;
  for (const c of name) hash = (hash * 31 + c.charCodeAt(0)) % 50_000;
  return 10_000 + hash;
}

/**
 * The server's claim on the embedded database: it takes the lock (or refuses to start when another server holds
 * it), opens PGlite and shares it with local processes over a socket next to the data. No-op on PostgreSQL.
 */
export async function ownDatabase(): Promise<{ stop(): Promise<void> }> {
  const dir = embeddedDirectory();
  if (!dir) return { stop: async () => {} };
  const deadline = Date.now() + WAIT_MS;
  for (;;) {
    const claim = tryClaim(dir, "server");
    if ("held" in claim) {
      const db = database();
      const shared = await shareDatabase(db.pglite!, path.dirname(lockFile(dir)), socketPort(dir));
      // `npm run cli -- backup` asks over the shared connection; only this process can take PGlite's dump.
      const unlisten = await db.pglite!.listen(BACKUP_CHANNEL, (id) => void answerBackupRequest(db.pglite!, id));
      publishEndpoint(claim.held, shared.endpoint);
      return {
        async stop() {
          await unlisten();
          publishEndpoint(claim.held, undefined);
          await shared.stop();
        },
      };
    }
    if (claim.owner.role === "server" || Date.now() > deadline) {
      throw new DatabaseOwnerError(
        `The embedded database in ${dir} is already in use by ${describeOwner(claim.owner)}. ` +
          `Stop that process first, or use PostgreSQL (DATABASE_URL) to run several servers on one database.`,
      );
    }
    await sleep(200);
  }
}


function probe(endpoint: OwnerEndpoint) {
  return new Promise<void>((resolve, reject) => {
    const socket = endpoint.host.startsWith("/")
      ? net.connect(`${endpoint.host}/.s.PGSQL.${endpoint.port}`)
      : net.connect(endpoint.port, endpoint.host);
    socket.once("connect", () => {
      socket.destroy();
      resolve();
    });
    socket.once("error", reject);
  });
}

/**
 * For the CLI and extra workers, before their first query: either this process takes the embedded database (no
 * server runs; the lock is released at exit), or it waits until the running owner answers on its socket and then
 * works through it. Fails naming the owner's pid when the owner cannot be reached.
 */
export async function reachDatabase(): Promise<void> {
  const dir = embeddedDirectory();
  if (!dir) return;
  const deadline = Date.now() + WAIT_MS;
  let unreachableSince: number | undefined;
  for (;;) {
    const claim = tryClaim(dir, "cli");
    if ("held" in claim) break;
    const { owner } = claim;
    let why = "does not share it; wait for it to finish or stop it";
    if (owner.endpoint) {
      try {
        await probe(owner.endpoint);
        break;
      } catch (error) {
        unreachableSince ??= Date.now();
        why = `does not answer on its socket (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}); stop it, or remove ${lockFile(dir)} if it is not a GenMig Hub process`;
      }
    } else if (owner.role === "server") why = "has not finished starting";
    if (Date.now() > deadline || (unreachableSince && Date.now() - unreachableSince > 2_000)) {
      throw new DatabaseOwnerError(`The embedded database in ${dir} is in use by ${describeOwner(owner)}, which ${why}.`);
    }
    await sleep(200);
  }
  database();
}
