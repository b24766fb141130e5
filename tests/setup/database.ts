import crypto from "node:crypto";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { afterAll, beforeAll } from "vitest";
import { closeDatabase } from "../../app/utils/db.server.ts";
import { resetEnv } from "../../app/utils/env.server.ts";
import { migrate } from "../../app/utils/migrate.server.ts";

// Every test file gets its own empty, migrated database: in-memory PGlite by default, or a fresh PostgreSQL
// database when TEST_DATABASE_URL points at a server (CI runs the suite both ways).
const server = process.env.TEST_DATABASE_URL;
let created: string | undefined;

beforeAll(async () => {
  process.env.NODE_ENV = "test";
  process.env.DATA_DIR = path.join(os.tmpdir(), `genmig-test-${crypto.randomBytes(6).toString("hex")}`);
  process.env.APP_URL = "http://hub.test";
  delete process.env.SMTP_URL;
  if (server) {
    created = `genmig_t_${crypto.randomBytes(6).toString("hex")}`;
    const admin = new pg.Client({ connectionString: server });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${created}`);
    await admin.end();
    const url = new URL(server);
    url.pathname = `/${created}`;
    process.env.DATABASE_URL = url.toString();
  } else {
    process.env.DATABASE_URL = "memory://";
  }
  resetEnv();
  await migrate();
});

afterAll(async () => {
  await closeDatabase();
  if (server && created) {
    const admin = new pg.Client({ connectionString: server });
    await admin.connect();
    // Pools end before their sockets close: wait for them, so FORCE kills no connection that still has listeners
    // (a 57P01 "terminating connection" error would surface as an unhandled error of the test file).
    for (let i = 0; i < 50; i += 1) {
      const { rows } = await admin.query("SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = $1", [created]);
      if (rows[0].n === 0) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    await admin.query(`DROP DATABASE IF EXISTS ${created} WITH (FORCE)`);
    await admin.end();
  }
});
