import { createServerAdapter } from "@whatwg-node/server";
import http from "node:http";
import compression from "compression";
import express from "express";
import { handleRequest, type RequestContext } from "./app/http/handler.server.ts";
import { databaseKind } from "./app/utils/database-url.ts";
import { closeDatabase } from "./app/utils/db.server.ts";
import { ownDatabase } from "./app/utils/db-owner.server.ts";
import { env, EnvError } from "./app/utils/env.server.ts";
import { clientAddress } from "./app/utils/client-ip.server.ts";
import { migrate } from "./app/utils/migrate.server.ts";
import { registerMailJobs } from "./app/services/mail-jobs.server.ts";
import { startWorker } from "./emails/worker.ts";
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
  registerMailJobs();
  const worker = (config.RUN_WORKER ?? (embedded ? "1" : "0")) === "1" ? startWorker({}) : null;

  // Express serves files (long-lived cache headers); every other request goes straight to the Fetch-API front
  // door (GraphQL and pages), gzip-compressed for slow links.
  const app = express();
  app.disable("x-powered-by");
  const compress = compression();
  app.use(compress);
  app.use("/build", express.static("public/build", { immutable: true, maxAge: "1y" }));
  app.use(express.static("public", { maxAge: "1h" }));
  // The one place the client address is computed: only configured proxies may name another (TRUST_PROXY).
  const clientIp = (req: http.IncomingMessage) => clientAddress(req.socket.remoteAddress, req.headers["x-forwarded-for"]);
  const frontDoor = createServerAdapter<RequestContext>((request, ctx) => handleRequest(request, ctx));
  app.all("*", (req, res) => frontDoor(req, res, { ip: clientIp(req) }));
  const isFile = (url = "/") => /^\/build\/|\.[a-z0-9]+$/i.test(url.split("?")[0]);

  const server = http.createServer((req, res) => {
    if (isFile(req.url)) return app(req, res);
    compress(req as express.Request, res as express.Response, () => frontDoor(req, res, { ip: clientIp(req) }));
  });
  server.listen(config.PORT, () => {
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
