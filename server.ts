import { createServerAdapter } from "@whatwg-node/server";
import http from "node:http";
import type net from "node:net";
import compression from "compression";
import express from "express";
import { drainable } from "./app/http/graceful-close.server.ts";
import { handleRequest, type RequestContext } from "./app/http/handler.server.ts";
import { databaseKind } from "./app/utils/database-url.ts";
import { closeDatabase } from "./app/utils/db.server.ts";
import { ownDatabase } from "./app/utils/db-owner.server.ts";
import { env, EnvError } from "./app/utils/env.server.ts";
import { clientAddress } from "./app/utils/client-ip.server.ts";
import { migrate } from "./app/utils/migrate.server.ts";
import { registerMailJobs } from "./app/services/mail-jobs.server.ts";
import { requestLogger } from "./app/observability/http-log.server.ts";
import { errorSummary, log, stackOf } from "./app/observability/log.server.ts";
import { expectWorkerHeartbeat } from "./app/observability/readiness.server.ts";
import { withRequestNote, type RequestNote } from "./app/observability/request-note.server.ts";
import { startInboundSmtp } from "./app/services/dialogues/replies/inbound-smtp.server.ts";
import { startWorker } from "./emails/worker.ts";
import { seedIfEmpty } from "./prisma/seed.ts";

async function main() {
  let config;
  try {
    config = env();
  } catch (error) {
    if (error instanceof EnvError) {
      log().fatal(`Configuration: ${error.message}`);
      process.exit(1);
    }
    throw error;
  }
  const embedded = databaseKind(config.DATABASE_URL) !== "postgres";
  // Embedded mode: take the data directory (or refuse if another server has it) and share it with the CLI.
  const owner = await ownDatabase();
  const { applied } = await migrate();
  if (applied.length) log().info({ migrations: applied }, `Applied migrations: ${applied.join(", ")}`);
  if (embedded) await seedIfEmpty((text) => log().info(text));
  registerMailJobs();
  const runWorker = (config.RUN_WORKER ?? (embedded ? "1" : "0")) === "1";
  // /readyz then also asks whether this worker still looks at the outbox.
  if (runWorker) expectWorkerHeartbeat();
  const worker = runWorker ? startWorker({}) : null;
  // Replies by email into dialogues (ADR 0052): the relay forwards reply+… mail here.
  const inbound = config.INBOUND_SMTP_PORT ? await startInboundSmtp({ port: config.INBOUND_SMTP_PORT, host: config.INBOUND_SMTP_HOST }) : null;
  if (inbound) log().info({ port: inbound.port }, `Receiving dialogue replies by SMTP on ${config.INBOUND_SMTP_HOST}:${inbound.port}`);

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
  // The platform's own Request (not the adapter's ponyfill, whose clone() returns the same object and whose body
  // Remix could not re-wrap): one Request class in the process, the one the tests and Remix use (ADR 0027).
  const frontDoor = createServerAdapter<RequestContext>((request, ctx) => handleRequest(request, ctx), { fetchAPI: { Request: globalThis.Request } });
  app.all("*", (req, res) => frontDoor(req, res, { ip: clientIp(req) }));
  const isFile = (url = "/") => /^\/build\/|\.[a-z0-9]+$/i.test(url.split("?")[0]);

  // A Host header that makes no URL (e.g. "a b"): the platform's Request refuses to exist, so answer here.
  const parsable = (req: http.IncomingMessage) => URL.canParse(`http://${req.headers.host ?? "localhost"}${req.url ?? "/"}`);

  const logRequest = requestLogger();
  const server = http.createServer((req, res) => {
    const note: RequestNote = {};
    logRequest(req, res, note);
    withRequestNote(note, () => serve(req, res, note));
  });
  const serve = (req: http.IncomingMessage, res: http.ServerResponse, note: RequestNote) => {
    if (!parsable(req)) {
      res.writeHead(400, { "content-type": "text/plain; charset=utf-8", "x-content-type-options": "nosniff", connection: "close" });
      return res.end("400 Malformed request\n");
    }
    lingerAfterRefusal(req, res);
    if (isFile(req.url)) {
      note.route = "(static file)";
      return app(req, res);
    }
    compress(req as express.Request, res as express.Response, () => frontDoor(req, res, { ip: clientIp(req) }));
  };
  const requests = drainable(server);
  server.listen(config.PORT, () => {
    log().info({ port: config.PORT, database: embedded ? "embedded" : "postgres", worker: runWorker }, `GenMig Hub on ${config.APP_URL} (${embedded ? `embedded database in ${config.DATA_DIR}` : "PostgreSQL"})`);
  });
  // Shutdown (ADR 0028): refuse new connections, finish the requests in flight (at most SHUTDOWN_TIMEOUT_SECONDS)
  // while the worker stops, and only then close the database. A second signal changes nothing.
  let stopping = false;
  const shutdown = async (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    log().info({ signal }, `${signal}: finishing requests in flight (at most ${config.SHUTDOWN_TIMEOUT_SECONDS} s), then stopping`);
    try {
      const [drained] = await Promise.all([requests.close(config.SHUTDOWN_TIMEOUT_SECONDS * 1000), worker?.stop(), inbound?.stop()]);
      if (drained.cut) log().warn({ cut: drained.cut }, `${drained.cut} request(s) still unfinished after ${config.SHUTDOWN_TIMEOUT_SECONDS} s: connection closed`);
      await owner.stop();
      await closeDatabase();
    } catch (error) {
      log().error({ err: errorSummary(error), stack: stackOf(error) }, "shutdown failed");
      process.exit(1);
    }
    process.exit(0);
  };
  process.on("SIGINT", shutdown);
  process.on("SIGTERM", shutdown);
}

/**
 * A body refused with 413 is left unread, and the answer closes the connection. Closed at once, the client's next
 * write meets a reset and it never reads the answer; so keep reading (and dropping) what it still sends for up to
 * 2 s after the answer, then close (a lingering close, ADR 0027).
 */
const exchangeOn = new WeakMap<net.Socket, { req: http.IncomingMessage; res: http.ServerResponse }>();
function lingerAfterRefusal(req: http.IncomingMessage, res: http.ServerResponse) {
  const socket = req.socket;
  // Installed once per connection (a kept-alive one carries many requests); it looks at the latest exchange.
  const installed = exchangeOn.has(socket);
  exchangeOn.set(socket, { req, res });
  if (installed) return;
  const close = socket.destroySoon.bind(socket);
  socket.destroySoon = () => {
    const latest = exchangeOn.get(socket)!;
    if (latest.res.statusCode !== 413 || latest.req.complete) return close();
    socket.end();
    socket.resume();
    const timer = setTimeout(() => socket.destroy(), 2000);
    socket.once("close", () => clearTimeout(timer));
  };
}

main().catch((error) => {
  log().fatal({ err: errorSummary(error) }, error instanceof Error ? error.message : String(error));
  process.exit(1);
});
