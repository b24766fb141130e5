import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PrismaClient } from "../app/generated/prisma/client.ts";
import { database, prisma } from "../app/utils/db.server.ts";
import { shareDatabase, type SharedDatabase } from "../app/utils/pglite-share.server.ts";

// The owner's own Prisma (pglite-prisma-adapter, in process) and socket clients (the CLI's pg + adapter-pg path)
// share PGlite's single session. These tests interleave them on purpose: a transaction of one must never take in
// statements of another. Embedded mode only: on PostgreSQL every client has its own session anyway.
const embedded = !process.env.TEST_DATABASE_URL;

let shared: SharedDatabase;
let socketDir: string;
const config = () => ({ ...shared.endpoint, user: "postgres", database: "template1" });

async function until(condition: () => boolean) {
  while (!condition()) await sleep(5);
}

function tracked<T>(promise: Promise<T>) {
  const state = { settled: false, promise };
  promise.then(
    () => (state.settled = true),
    () => (state.settled = true),
  );
  return state;
}

const user = (email: string) => ({ email, name: email.split("@")[0], role: "STAFF" as const });

describe.skipIf(!embedded)("embedded database shared over its socket", () => {
  beforeAll(async () => {
    socketDir = fs.mkdtempSync(path.join(os.tmpdir(), "gmh-sock-"));
    shared = await shareDatabase(database().pglite!, socketDir, 5432);
    await prisma().$executeRawUnsafe(`CREATE TABLE probe (who text NOT NULL, n int NOT NULL)`);
  });

  afterAll(async () => {
    await shared?.stop();
    fs.rmSync(socketDir, { recursive: true, force: true });
  });

  it("keeps a socket client's write out of the owner's transaction that rolls back", async () => {
    const cli = new PrismaClient({ adapter: new PrismaPg(config()) });
    try {
      let entered!: () => void;
      const inside = new Promise<void>((resolve) => (entered = resolve));
      let proceed!: () => void;
      const queued = new Promise<void>((resolve) => (proceed = resolve));
      let write!: ReturnType<typeof tracked>;
      const seenInside: unknown[] = [];
      const server = prisma()
        .$transaction(
          async (tx) => {
            await tx.user.create({ data: user("server-rolled-back@example.org") });
            entered();
            await queued;
            // Give the client's insert every chance to slip into this open transaction; it must keep waiting.
            for (let i = 0; i < 10; i++) {
              await sleep(20);
              seenInside.push(await tx.user.count({ where: { email: "cli-survives@example.org" } }), write.settled);
            }
            throw new Error("roll back");
          },
          { timeout: 600_000 },
        )
        .catch((error: Error) => error.message);
      await inside;
      write = tracked(cli.user.create({ data: user("cli-survives@example.org") }));
      await until(() => shared.waiting() > 0);
      proceed();
      expect(await server).toBe("roll back");
      expect(seenInside).toEqual(Array.from({ length: 10 }, () => [0, false]).flat());
      await write.promise;
      const emails = (await prisma().user.findMany({ where: { email: { in: ["server-rolled-back@example.org", "cli-survives@example.org"] } } })).map((u) => u.email);
      expect(emails).toEqual(["cli-survives@example.org"]);
      expect(await cli.user.count({ where: { email: "server-rolled-back@example.org" } })).toBe(0);
    } finally {
      await cli.$disconnect();
    }
  });

  it("keeps the owner's write out of a socket client's transaction that rolls back", async () => {
    const client = new pg.Client(config());
    await client.connect();
    try {
      await client.query("BEGIN");
      await client.query(`INSERT INTO "User" (id, email, name, role, "updatedAt") VALUES ('c1', 'cli-rolled-back@example.org', 'c', 'STAFF', now())`);
      const write = tracked(prisma().user.create({ data: user("server-survives@example.org") }));
      // Several round trips inside the client's transaction while the owner's write is pending.
      for (let i = 0; i < 5; i++) {
        const seen = await client.query(`SELECT count(*)::int AS n FROM "User" WHERE email = 'server-survives@example.org'`);
        expect(seen.rows[0].n).toBe(0);
      }
      expect(write.settled).toBe(false);
      await client.query("ROLLBACK");
      await write.promise;
      const emails = (await prisma().user.findMany({ where: { email: { in: ["cli-rolled-back@example.org", "server-survives@example.org"] } } })).map((u) => u.email);
      expect(emails).toEqual(["server-survives@example.org"]);
    } finally {
      await client.end();
    }
  });

  it("rolls back the open transaction of a client that disconnects, and serves the next one", async () => {
    const client = new pg.Client(config());
    await client.connect();
    await client.query("BEGIN");
    await client.query(`INSERT INTO probe VALUES ('abandoned', 1)`);
    const pending = tracked(prisma().$executeRawUnsafe(`INSERT INTO probe VALUES ('owner-after-disconnect', 1)`));
    await client.end();
    await pending.promise;
    const rows = await prisma().$queryRawUnsafe<{ who: string }[]>(`SELECT who FROM probe WHERE who IN ('abandoned', 'owner-after-disconnect')`);
    expect(rows.map((r) => r.who)).toEqual(["owner-after-disconnect"]);
    expect(database().pglite!.isInTransaction()).toBe(false);
  });

  it("never merges concurrent transactions of the owner and several socket clients", async () => {
    const rounds = 15;
    const clients = await Promise.all(
      ["a", "b", "c"].map(async (who) => {
        const c = new pg.Client(config());
        await c.connect();
        return { who, c };
      }),
    );
    try {
      const viaSocket = clients.map(async ({ who, c }) => {
        for (let n = 0; n < rounds; n++) {
          await c.query("BEGIN");
          await c.query(`INSERT INTO probe VALUES ($1, $2)`, [who, n]);
          await c.query(`INSERT INTO probe VALUES ($1, $2)`, [who, n]);
          // A transaction sees exactly its own uncommitted pair, never someone else's.
          const mine = await c.query(`SELECT count(*)::int AS k FROM probe WHERE who = $1 AND n = $2`, [who, n]);
          expect(mine.rows[0].k).toBe(2);
          await c.query(n % 2 ? "ROLLBACK" : "COMMIT");
        }
      });
      // Only the deliberate roll-back is expected: a failed assertion inside the transaction must fail the test.
      const rollBack = new Error("roll back");
      const inProcess = (async () => {
        for (let n = 0; n < rounds; n++) {
          await prisma()
            .$transaction(async (tx) => {
              await tx.$executeRawUnsafe(`INSERT INTO probe VALUES ('owner', ${n})`);
              // Work between statements (as a service awaiting I/O does) lets other sessions' messages arrive.
              await sleep(2);
              await tx.$executeRawUnsafe(`INSERT INTO probe VALUES ('owner', ${n})`);
              const mine = await tx.$queryRawUnsafe<{ k: number }[]>(`SELECT count(*)::int AS k FROM probe WHERE who = 'owner' AND n = ${n}`);
              expect(mine[0].k).toBe(2);
              if (n % 2) throw rollBack;
            })
            .catch((error) => {
              if (error !== rollBack) throw error;
            });
        }
      })();
      await Promise.all([...viaSocket, inProcess]);
      const counts = await prisma().$queryRawUnsafe<{ who: string; n: number; k: number }[]>(
        `SELECT who, n, count(*)::int AS k FROM probe WHERE who IN ('a', 'b', 'c', 'owner') GROUP BY who, n ORDER BY who, n`,
      );
      const expected = ["a", "b", "c", "owner"].flatMap((who) =>
        Array.from({ length: rounds }, (_, n) => n)
          .filter((n) => n % 2 === 0)
          .map((n) => ({ who, n, k: 2 })),
      );
      expect(counts).toEqual(expected);
    } finally {
      await Promise.all(clients.map(({ c }) => c.end()));
    }
  });

  it("disconnects a client left idle inside its transaction, so the owner is not held up", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "gmh-idle-"));
    const quick = await shareDatabase(database().pglite!, dir, 5432, { idleInTransactionMs: 100 });
    const client = new pg.Client({ ...quick.endpoint, user: "postgres", database: "template1" });
    const closed = new Promise((resolve) => client.once("error", resolve));
    try {
      await client.connect();
      await client.query("BEGIN");
      await client.query(`INSERT INTO probe VALUES ('idle-in-transaction', 1)`);
      await prisma().$executeRawUnsafe(`INSERT INTO probe VALUES ('owner-not-held-up', 1)`);
      await closed;
      const rows = await prisma().$queryRawUnsafe<{ who: string }[]>(`SELECT who FROM probe WHERE who IN ('idle-in-transaction', 'owner-not-held-up')`);
      expect(rows.map((r) => r.who)).toEqual(["owner-not-held-up"]);
    } finally {
      await client.end().catch(() => {});
      await quick.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it("listens on 127.0.0.1 with a random port where a socket path would be too long", async () => {
    const tcp = await shareDatabase(database().pglite!, path.join(socketDir, "x".repeat(120)), 5432);
    try {
      expect(tcp.endpoint.host).toBe("127.0.0.1");
      const client = new pg.Client({ ...tcp.endpoint, user: "postgres", database: "template1" });
      await client.connect();
      expect((await client.query("SELECT 41 + 1 AS answer")).rows).toEqual([{ answer: 42 }]);
      await client.end();
    } finally {
      await tcp.stop();
    }
  });
});
