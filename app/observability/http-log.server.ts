import crypto from "node:crypto";
import type http from "node:http";
import { pinoHttp } from "pino-http";
import { log } from "./log.server.ts";
import { observeRequest } from "./metrics.server.ts";
import type { RequestNote } from "./request-note.server.ts";

const NOTE = Symbol("requestNote");
type Noted = http.IncomingMessage & { [NOTE]?: RequestNote; id?: string | number };

/** A caller's X-Request-Id is kept when it is a plain short id (a proxy's), so lines can be followed across hops. */
const PLAIN_ID = /^[\w.:-]{8,64}$/;

/**
 * One JSON line per request, written when the response is finished: request id (sent back as X-Request-Id),
 * method, route pattern, status, duration and user id. The raw URL, headers, cookies and the client address are
 * never logged: a path may carry a token, a query string a sign-in link's secret.
 */
export function requestLogger() {
  const middleware = pinoHttp({
    logger: log(),
    quietReqLogger: true,
    quietResLogger: true,
    genReqId(req, res) {
      const given = req.headers["x-request-id"];
      const id = typeof given === "string" && PLAIN_ID.test(given) ? given : crypto.randomUUID();
      res.setHeader("x-request-id", id);
      return id;
    },
    customLogLevel: (_req, res, err) => (err || res.statusCode >= 500 ? "error" : "info"),
    customSuccessObject: (req, res, value) => line(req as Noted, res, value),
    customErrorObject: (req, res, _error, value) => line(req as Noted, res, value),
    customSuccessMessage: () => "request",
    customErrorMessage: () => "request failed",
  });
  return (req: http.IncomingMessage, res: http.ServerResponse, note: RequestNote) => {
    (req as Noted)[NOTE] = note;
    middleware(req, res);
  };
}

function line(req: Noted, res: http.ServerResponse, value: { responseTime?: number }) {
  const note = req[NOTE] ?? {};
  const durationMs = value.responseTime ?? 0;
  const route = note.route ?? "unmatched";
  observeRequest(route, req.method ?? "GET", res.statusCode, durationMs / 1000);
  return { method: req.method, route, status: res.statusCode, durationMs, ...(note.userId ? { userId: note.userId } : {}) };
}
