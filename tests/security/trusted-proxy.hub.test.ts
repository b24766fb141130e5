import fs from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LIMITS } from "../../app/services/rate-limit.server.ts";
import { startHub, type Hub } from "../helpers/hub-process.ts";

// The real server (`npm start` path) with one trusted proxy at 127.0.0.2: the rate limit must see the address
// that proxy reports, and ignore X-Forwarded-For from anyone else who reaches the port directly.
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "genmig-proxy-"));
let port = 0;
let hub: Hub;

/** One GraphQL sign-in request sent from a chosen loopback address, with a chosen X-Forwarded-For. */
function askLink(from: string, forwardedFor: string | undefined, n: number) {
  const body = JSON.stringify({ query: `mutation { requestSignInLink(email: "p${n}-${Math.random()}@example.org") { ok } }` });
  return new Promise<number>((resolve, reject) => {
    const req = http.request(
      {
        host: "127.0.0.1",
        port,
        localAddress: from,
        path: "/graphql",
        method: "POST",
        headers: { "content-type": "application/json", ...(forwardedFor ? { "x-forwarded-for": forwardedFor } : {}) },
      },
      (res) => {
        res.resume();
        res.on("end", () => resolve(res.statusCode ?? 0));
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

beforeAll(async () => {
  hub = await startHub({ dataDir, env: { TRUST_PROXY: "127.0.0.2" } });
  port = hub.port;
}, 120_000);

afterAll(() => hub?.stop());

const max = LIMITS.signIn.perIp.max;

describe("TRUST_PROXY through the real server", () => {
  it("a client reaching the port directly cannot pick its rate-limit address with X-Forwarded-For", async () => {
    const statuses = [];
    for (let i = 0; i <= max; i++) statuses.push(await askLink("127.0.0.1", `198.51.100.${i}`, i));
    expect(statuses.slice(0, max).every((s) => s === 200)).toBe(true);
    expect(statuses[max]).toBe(429);
  });

  it("behind the configured proxy, each forwarded client has its own limit", async () => {
    for (let i = 0; i <= max; i++) expect(await askLink("127.0.0.2", `6.6.6.6, 192.0.2.${i}`, 100 + i)).toBe(200);
    const one = [];
    for (let i = 0; i <= max; i++) one.push(await askLink("127.0.0.2", "192.0.2.250", 200 + i));
    expect(one.at(-1)).toBe(429);
    expect(one.slice(0, max).every((s) => s === 200)).toBe(true);
  });
});
