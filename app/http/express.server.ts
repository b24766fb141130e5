import { createReadableStreamFromReadable, writeReadableStreamToWritable } from "@remix-run/node";
import type { Request as ExpressRequest, RequestHandler } from "express";

function toFetchRequest(req: ExpressRequest, signal: AbortSignal): Request {
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (Array.isArray(value)) for (const v of value) headers.append(name, v);
    else if (value !== undefined) headers.set(name, value);
  }
  // req.protocol honours "trust proxy"; the path is appended as received (as a base-relative URL, "//x" would
  // become another host). A Host header that makes no URL throws, and is answered 400 below.
  const url = new URL(`${req.protocol}://${req.get("host") ?? "localhost"}${req.originalUrl}`);
  const withBody = req.method !== "GET" && req.method !== "HEAD";
  return new Request(url, {
    method: req.method,
    headers,
    signal,
    ...(withBody ? { body: createReadableStreamFromReadable(req), duplex: "half" } : {}),
  } as RequestInit);
}

/** Serves a Fetch handler (guard → Remix → security headers) from express, streaming both bodies. */
export function expressHandler(handler: (request: Request, ctx: { ip?: string }) => Promise<Response>): RequestHandler {
  return async (req, res, next) => {
    const controller = new AbortController();
    res.on("close", () => {
      if (!res.writableFinished) controller.abort();
    });
    let request: Request;
    try {
      request = toFetchRequest(req, controller.signal);
    } catch {
      res.status(400).type("text/plain").end("400 Malformed request\n");
      return;
    }
    try {
      const response = await handler(request, { ip: req.ip });
      res.statusMessage = response.statusText;
      res.status(response.status);
      for (const [name, value] of response.headers) res.append(name, value);
      if (response.body) await writeReadableStreamToWritable(response.body, res);
      else res.end();
    } catch (error) {
      next(error);
    }
  };
}
