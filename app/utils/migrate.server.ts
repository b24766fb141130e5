import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { database } from "./db.server.ts";

const LOCK_KEY = 72_707_401;

// Same bookkeeping table as `prisma migrate deploy`, so either tool can take over from the other.
const BOOKKEEPING = `CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
  "id" VARCHAR(36) PRIMARY KEY NOT NULL,
  "checksum" VARCHAR(64) NOT NULL,
  "finished_at" TIMESTAMPTZ,
  "migration_name" VARCHAR(255) NOT NULL,
  "logs" TEXT,
  "rolled_back_at" TIMESTAMPTZ,
  "started_at" TIMESTAMPTZ NOT NULL DEFAULT now(),
  "applied_steps_count" INTEGER NOT NULL DEFAULT 0
)`;

export function migrationsDirectory() {
  return path.resolve(process.cwd(), "prisma/migrations");
}

export interface MigrationResult {
  applied: string[];
}

/** Applies pending migrations in order, each in its own transaction; safe to run from several processes at once. */
export async function migrate(dir = migrationsDirectory()): Promise<MigrationResult> {
  const names = fs
    .readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => d.name)
    .sort();
  return database().driver.exclusive(LOCK_KEY, async (run) => {
    await run(BOOKKEEPING);
    const done = new Set(
      (await run(`SELECT migration_name FROM "_prisma_migrations" WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL`)).map(
        (r) => r.migration_name as string,
      ),
    );
    const applied: string[] = [];
    for (const name of names) {
      if (done.has(name)) continue;
      const sql = fs.readFileSync(path.join(dir, name, "migration.sql"), "utf8");
      const checksum = crypto.createHash("sha256").update(sql).digest("hex");
      await run("BEGIN");
      try {
        await run(sql);
        await run(
          `INSERT INTO "_prisma_migrations" (id, checksum, finished_at, migration_name, applied_steps_count) VALUES ($1, $2, now(), $3, 1)`,
          [crypto.randomUUID(), checksum, name],
        );
        await run("COMMIT");
      } catch (error) {
        await run("ROLLBACK");
        throw new Error(`Migration ${name} failed: ${(error as Error).message}`);
      }
      applied.push(name);
    }
    return { applied };
  });
}
