import crypto from "node:crypto";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { afterAll, beforeAll, expect, inject } from "vitest";
import { closeDatabase, databaseIsOpen } from "../../app/utils/db.server.ts";
import { resetEnv } from "../../app/utils/env.server.ts";
import { embeddedOnly } from "./embedded-only.ts";
import { databaseUrl, untilUnused } from "./template.ts";

// Every test file gets its own migrated database, a copy of the template built in global.ts: in-memory PGlite by
// default (loaded only if the file opens it), or a PostgreSQL database when TEST_DATABASE_URL points at a server
// (CI runs the suite both ways).
const server = process.env.TEST_DATABASE_URL;
const template = inject("databaseTemplate");
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
    await admin.query(`CREATE DATABASE ${created} TEMPLATE ${template}`);
    await admin.end();
    process.env.DATABASE_URL = databaseUrl(server, created);
  } else {
    process.env.DATABASE_URL = `memory://${template}`;
  }
  resetEnv();
});

afterAll(async () => {
  // Some files run in the embedded pass only (embedded-only.ts): one that used the database under test would
  // silently lose its PostgreSQL run.
  const usedDatabase = databaseIsOpen();
  await closeDatabase();
  if (server && created) {
    const admin = new pg.Client({ connectionString: server });
    await admin.connect();
    // Wait for the pools' sockets to close, so FORCE kills no connection that still has listeners (a 57P01
    // "terminating connection" error would surface as an unhandled error of the test file).
    await untilUnused(admin, created);
    await admin.query(`DROP DATABASE IF EXISTS ${created} WITH (FORCE)`);
    await admin.end();
  }
  const file = path.relative(process.cwd(), expect.getState().testPath ?? "");
  if (usedDatabase && embeddedOnly(file)) {
    throw new Error(`${file} opens the database under test: move it to tests/ as a *.test.ts file so it also runs on PostgreSQL`);
  }
});
