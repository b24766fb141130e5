import fs from "node:fs";
import http from "node:http";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { startHub, type Hub } from "../helpers/hub-process.ts";

// issue 17: on SIGTERM every request in flight failed ~0.6 s after the signal. The compiled hub (as `npm start`
// runs it, on the embedded database or on this run's PostgreSQL database) must stop accepting, finish what it
// has accepted (at most SHUTDOWN_TIMEOUT_SECONDS, 10 by default) and exit 0. Each test starts its own hub (a fresh
// embedded one migrates and seeds first, hence the long test timeouts).
const server = process.env.TEST_DATABASE_URL;

interface InFlight {
  /** Sends the rest of the body. */
  finish(): void;
  response: Promise<{ status: number; body: string; headers: http.IncomingHttpHeaders }>;
}

/**
 * A request the server has certainly accepted and started on: `Expect: 100-continue` makes the server parse the
 * headers and answer "100 Continue" before the client sends the first half of the body; the second half waits for
 * `finish()`, so the request stays in flight for as long as the test wants.
 */
function startRequest(hub: Hub, pathname: string, contentType: string, body: string, headers: Record<string, string> = {}): Promise<InFlight> {
  return new Promise((accepted, failed) => {
    const bytes = Buffer.from(body);
    const half = Math.floor(bytes.length / 2);
    const req = http.request({
      host: "127.0.0.1",
      port: hub.port,
      path: pathname,
      method: "POST",
      agent: false,
      headers: { "content-type": contentType, "content-length": String(bytes.length), expect: "100-continue", origin: hub.base, ...headers },
    });
    const response = new Promise<{ status: number; body: string; headers: http.IncomingHttpHeaders }>((resolve, reject) => {
      req.on("response", (res) => {
        let text = "";
        res.setEncoding("utf8").on("data", (chunk: string) => (text += chunk));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body: text, headers: res.headers }));
        res.on("error", reject);
      });
      req.on("error", reject);
    });
    response.catch(() => {});
    req.on("continue", () => {
      req.write(bytes.subarray(0, half));
      accepted({ finish: () => req.end(bytes.subarray(half)), response });
    });
    req.on("error", failed);
    // Headers now, without a body: the server's "100 Continue" is the sign it took the request.
    req.flushHeaders();
  });
}

/** Whether the port still takes connections. */
const accepts = (port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = net.connect(port, "127.0.0.1");
    socket.once("connect", () => resolve(!!socket.destroy()));
    socket.once("error", () => resolve(false));
  });

async function until(condition: () => Promise<boolean>, what: string) {
  for (let i = 0; i < 200; i++) {
    if (await condition()) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`never happened: ${what}`);
}

const exited = (hub: Hub) =>
  new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    if (hub.child.exitCode !== null || hub.child.signalCode !== null) return resolve({ code: hub.child.exitCode, signal: hub.child.signalCode });
    hub.child.once("exit", (code, signal) => resolve({ code, signal }));
  });

const graphql = (query: string) => JSON.stringify({ query });

describe(`SIGTERM drains the web process (compiled server, ${server ? "PostgreSQL" : "embedded database"})`, () => {
  let hub: Hub | undefined;
  // One data directory for both hubs: the second starts on the first one's migrated, seeded embedded database.
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "genmig-drain-"));

  const start = async (env: Record<string, string> = {}) => {
    hub = await startHub({ dataDir, compiled: true, env: { ...(server ? { DATABASE_URL: process.env.DATABASE_URL! } : {}), ...env } });
    return hub;
  };
  const log = () => fs.readFileSync(path.join(dataDir, "server.log"), "utf8");

  afterEach(async () => {
    if (hub) {
      hub.stop();
      await exited(hub);
    }
    hub = undefined;
  });
  afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

  it("refuses new connections, finishes the requests in flight, then exits 0", async () => {
    const hub = await start();
    const json = "application/json";
    const inFlight = await Promise.all([
      startRequest(hub, "/graphql", json, graphql("{ webinars(first: 3) { totalCount } }")),
      startRequest(hub, "/graphql", json, graphql("{ partners(first: 3) { totalCount } }")),
      startRequest(hub, "/graphql", json, graphql("{ publications(first: 3) { totalCount } }")),
      startRequest(hub, "/graphql", json, graphql("{ webinars(first: 1) { edges { node { id } } } }")),
      startRequest(hub, "/graphql", json, graphql('mutation { requestSignInLink(email: "drain-1@example.org") { __typename } }')),
      startRequest(hub, "/graphql", json, graphql('mutation { requestSignInLink(email: "drain-2@example.org") { __typename } }')),
      // A page's form: the language switch answers with a redirect and a cookie.
      startRequest(hub, "/lang", "application/x-www-form-urlencoded", "lang=fr&redirectTo=%2Fwebinars"),
    ]);

    const signalled = Date.now();
    process.kill(hub.child.pid!, "SIGTERM");
    // The listening socket closes first: nothing new gets in...
    await until(async () => !(await accepts(hub.port)), "new connections are refused");
    // ...while every accepted request is still answered in full.
    for (const request of inFlight) request.finish();
    const answers = await Promise.all(inFlight.map((r) => r.response.catch((error: Error) => ({ status: 0, body: error.message, headers: {} as http.IncomingHttpHeaders }))));
    for (const [i, answer] of answers.slice(0, 6).entries()) {
      expect(answer.status, `request ${i}: ${answer.body}\n${log()}`).toBe(200);
      const result = JSON.parse(answer.body) as { data?: unknown; errors?: unknown };
      expect(result.errors, answer.body).toBeUndefined();
      expect(result.data).toBeTruthy();
    }
    const form = answers[6];
    expect(form.status, `${form.body}\n${log()}`).toBe(302);
    expect(String(form.headers["set-cookie"])).toMatch(/gmh_lang=fr/);

    const { code, signal } = await exited(hub);
    const took = Date.now() - signalled;
    console.log(`SIGTERM → exit ${code} after ${took} ms with ${inFlight.length} requests in flight`);
    expect({ code, signal }, log()).toEqual({ code: 0, signal: null });
    expect(took).toBeLessThan(10_000);
    expect(await accepts(hub.port)).toBe(false);
  }, 120_000);

  it("does not wait past SHUTDOWN_TIMEOUT_SECONDS for a request that never completes, and still exits 0", async () => {
    const hub = await start({ SHUTDOWN_TIMEOUT_SECONDS: "2" });
    const stuck = await startRequest(hub, "/graphql", "application/json", graphql("{ webinars(first: 3) { totalCount } }"));
    const signalled = Date.now();
    process.kill(hub.child.pid!, "SIGTERM");
    const { code, signal } = await exited(hub);
    const took = Date.now() - signalled;
    console.log(`SIGTERM with a stuck upload → exit ${code} after ${took} ms`);
    expect({ code, signal }, log()).toEqual({ code: 0, signal: null });
    // It waited for the request (the grace period), then gave up on it.
    expect(took).toBeGreaterThanOrEqual(1_900);
    await expect(stuck.response).rejects.toThrow();
    expect(log()).toMatch(/1 (?:request|connection)/);
  }, 120_000);
});
