import path from "node:path";
import { createRequestHandler } from "@remix-run/express";
import type { ServerBuild } from "@remix-run/node";
import compression from "compression";
import express from "express";
import { databaseKind } from "./app/utils/database-url.ts";
import { closeDatabase } from "./app/utils/db.server.ts";
import { ownDatabase } from "./app/utils/db-owner.server.ts";
import { env, EnvError } from "./app/utils/env.server.ts";
import { clientAddress } from "./app/utils/client-ip.server.ts";
import { migrate } from "./app/utils/migrate.server.ts";
import { registerJob, startWorker } from "./emails/worker.ts";
import { queueWebinarReminders } from "./app/services/webinar-followup.server.ts";
import { seedIfEmpty } from "./prisma/seed.ts";

async function main() {
  let config;
  try {
    config = env();
  } catch (error) {
    if (error instanceof EnvError) {
      console.error(error.message);
      process.exit(1);
    }
    throw error;
  }
  const embedded = databaseKind(config.DATABASE_URL) !== "postgres";
  // Embedded mode: take the data directory (or refuse if another server has it) and share it with the CLI.
  const owner = await ownDatabase();
  const { applied } = await migrate();
  if (applied.length) console.log(`Applied migrations: ${applied.join(", ")}`);
  if (embedded) await seedIfEmpty();
  registerJob("webinar-reminders", queueWebinarReminders);
  const worker = (config.RUN_WORKER ?? (embedded ? "1" : "0")) === "1" ? startWorker({}) : null;

  const build = (await import(path.resolve("build/index.js"))) as ServerBuild;
  const app = express();
  app.disable("x-powered-by");
  app.use(compression());
  app.use("/build", express.static("public/build", { immutable: true, maxAge: "1y" }));
  app.use(express.static("public", { maxAge: "1h" }));
  app.all("*", createRequestHandler({ build, mode: config.NODE_ENV, getLoadContext: (req) => ({ ip: clientAddress(req.socket.remoteAddress, req.headers["x-forwarded-for"]) }) }));

  const server = app.listen(config.PORT, () => {
    console.log(`GenMig Hub on ${config.APP_URL} (${embedded ? `embedded database in ${config.DATA_DIR}` : "PostgreSQL"})`);
  });
  const shutdown = async () => {
    server.close();
    await worker?.stop();
    await owner.stop();
    await closeDatabase();
    process.exit(0);
  };
  process.on("SIGINT", shutdown);
  process.on("SIGTERM", shutdown);
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
