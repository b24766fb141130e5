import path from "node:path";
import { createRequestHandler, type ServerBuild } from "@remix-run/node";
import compression from "compression";
import express from "express";
import { expressHandler } from "./app/http/express.server.ts";
import { guarded } from "./app/http/guard.server.ts";
import { databaseKind } from "./app/utils/database-url.ts";
import { closeDatabase } from "./app/utils/db.server.ts";
import { env, EnvError } from "./app/utils/env.server.ts";
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
  const { applied } = await migrate();
  if (applied.length) console.log(`Applied migrations: ${applied.join(", ")}`);
  if (embedded) await seedIfEmpty();
  registerJob("webinar-reminders", queueWebinarReminders);
  const worker = (config.RUN_WORKER ?? (embedded ? "1" : "0")) === "1" ? startWorker({}) : null;

  const build = (await import(path.resolve("build/index.js"))) as ServerBuild;
  const app = express();
  app.disable("x-powered-by");
  if (config.TRUST_PROXY) app.set("trust proxy", /^\d+$/.test(config.TRUST_PROXY) ? Number(config.TRUST_PROXY) : config.TRUST_PROXY);
  app.use(compression());
  app.use("/build", express.static("public/build", { immutable: true, maxAge: "1y" }));
  app.use(express.static("public", { maxAge: "1h" }));
  // Every request passes the guard (origin, body size, GraphQL CSRF) and leaves with the security headers.
  const remix = createRequestHandler(build, config.NODE_ENV);
  app.all("*", expressHandler(guarded((request, ctx) => remix(request, ctx))));

  const server = app.listen(config.PORT, () => {
    console.log(`GenMig Hub on ${config.APP_URL} (${embedded ? `embedded database in ${config.DATA_DIR}` : "PostgreSQL"})`);
  });
  const shutdown = async () => {
    server.close();
    await worker?.stop();
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
