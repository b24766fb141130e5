import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { randomToken } from "../../app/services/crypto.server.ts";
import type { SignedInActor } from "../../app/services/policy.server.ts";
import { preferenceToken } from "../../app/services/subscriptions/links.server.ts";
import { calendarFeedSecret } from "../../app/services/webinar-calendars.server.ts";
import { closeDatabase } from "../../app/utils/db.server.ts";
import { resetEnv } from "../../app/utils/env.server.ts";
import { makeUser } from "../factories.ts";
import { signInTokenFor, startShippedHub, type ShippedHub } from "../helpers/hub-process.ts";

// issue 23: the compiled hub in production mode writes one JSON line per request, and nothing a person could be
// found or impersonated by reaches it: no address, name, sign-in token, session cookie or tokenised path. /metrics
// speaks Prometheus text to a scraper holding METRICS_TOKEN and to nobody else. Both databases.

const METRICS_TOKEN = `metrics-${randomToken()}`;
let hub: ShippedHub;
let person: SignedInActor;
/** Every secret and identifying value the requests below carry: none may appear in a log line. */
const secrets: Record<string, string> = {};
const requestIds: string[] = [];

async function get(pathname: string, headers: Record<string, string> = {}, init: { method?: string; body?: URLSearchParams; headers?: Record<string, string> } = {}) {
  const response = await fetch(`${hub.base}${pathname}`, { redirect: "manual", ...init, headers: { origin: hub.base, ...init.headers, ...headers } });
  requestIds.push(response.headers.get("x-request-id") ?? "");
  return response;
}

const form = (fields: Record<string, string>, cookie?: string) => ({
  method: "POST",
  body: new URLSearchParams(fields),
  headers: { "content-type": "application/x-www-form-urlencoded", ...(cookie ? { cookie } : {}) },
});

function logLines() {
  return fs
    .readFileSync(path.join(hub.dataDir, "server.log"), "utf8")
    .split("\n")
    .filter((line) => line.trim());
}

/** The request lines are written when each response finishes: wait until the last request's line is there. */
async function untilLogged(id: string) {
  for (let i = 0; i < 200; i++) {
    if (logLines().some((line) => line.includes(id))) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`request ${id} never logged`);
}

beforeAll(async () => {
  hub = await startShippedHub({ env: { METRICS_TOKEN, LOG_LEVEL: "info" } });
  // Fixtures go into the hub's own database (through its socket when embedded), with its secret.
  process.env.DATA_DIR = hub.dataDir;
  if (hub.databaseUrl) process.env.DATABASE_URL = hub.databaseUrl;
  else delete process.env.DATABASE_URL;
  await closeDatabase();
  resetEnv();
  const email = `zora.${randomToken().slice(0, 8).toLowerCase()}@logs.example.org`;
  person = await makeUser({ role: "PARTNER", name: "Zora Quillfeather", email });
  secrets.address = email;
  secrets.localPart = email.split("@")[0];
  secrets.name = "Quillfeather";

  // Sign-in: the form, the link in the mail (the magic link page), then the verify form that opens a session.
  const asked = await get("/auth/sign-in", {}, form({ email }));
  expect(asked.status).toBe(200);
  const browser = asked.headers.getSetCookie().find((c) => c.startsWith("gmh_signin="))!.split(";")[0];
  secrets.browser = browser.split("=")[1];
  const token = await signInTokenFor(hub.dataDir, email);
  secrets.signInToken = token;
  expect((await get(`/auth/verify?token=${token}`, { cookie: browser })).status).toBe(200);
  const verified = await get("/auth/verify", {}, form({ token }, browser));
  expect(verified.status).toBe(302);
  const session = verified.headers.getSetCookie().find((c) => c.startsWith("gmh_session="))!.split(";")[0];
  secrets.session = session.split("=")[1];
  secrets.sessionSecret = secrets.session.split(".")[0];
  expect((await get("/account", { cookie: session })).status).toBe(200);

  // Tokenised pages: a registration link, the calendar feed, an unsubscribe link (opened, then one-click).
  secrets.registration = randomToken();
  await get(`/r/${secrets.registration}`);
  secrets.calendar = await calendarFeedSecret(person);
  expect((await get(`/calendar/${secrets.calendar}.ics`)).status).toBe(200);
  secrets.unsubscribe = preferenceToken({ kind: "user", userId: person.id, preferenceTokenVersion: 1 });
  await get(`/unsubscribe/${secrets.unsubscribe}`);
  await get(`/unsubscribe/${secrets.unsubscribe}?one-click=1`, {}, form({ "List-Unsubscribe": "One-Click" }));
  await get(`/graphql?query=${encodeURIComponent("{ __typename }")}`, { authorization: `Bearer ${secrets.signInToken}` });
  await untilLogged(requestIds.at(-1)!);
}, 240_000);

afterAll(async () => {
  await closeDatabase();
  await hub?.close();
});

describe(`request logs in production mode (${process.env.TEST_DATABASE_URL ? "PostgreSQL" : "embedded"})`, () => {
  it("writes every line as JSON, one request line per request with its id, route pattern, status, duration and user", () => {
    const lines = logLines().map((line) => {
      expect(() => JSON.parse(line), line).not.toThrow();
      return JSON.parse(line) as Record<string, unknown>;
    });
    const requests = lines.filter((l) => l.msg === "request" || l.msg === "request failed");
    for (const id of requestIds) expect(requests.filter((l) => l.reqId === id), `one line for request ${id}`).toHaveLength(1);
    for (const l of requests) {
      expect(Object.keys(l)).toEqual(expect.arrayContaining(["time", "level", "reqId", "method", "route", "status", "durationMs"]));
      expect(Date.parse(String(l.time))).not.toBeNaN();
      expect(typeof l.durationMs).toBe("number");
    }
    const routes = new Set(requests.map((l) => l.route));
    for (const route of ["/auth/sign-in", "/auth/verify", "/account", "/r/:token", "/calendar/:file", "/unsubscribe/:token", "/graphql"]) expect(routes).toContain(route);
    const account = requests.find((l) => l.route === "/account")!;
    expect(account).toMatchObject({ method: "GET", status: 200, userId: person.id, level: "info" });
    expect(requests.find((l) => l.route === "/calendar/:file")).not.toHaveProperty("userId");
  });

  it("never writes an address, a name, a token, a session or a tokenised path", () => {
    const text = logLines().join("\n");
    for (const [what, value] of Object.entries(secrets)) expect(text.includes(value), `${what} (${value}) in the log`).toBe(false);
    expect(text).not.toMatch(/logs\.example\.org/);
  });

  it("sends the request id back as X-Request-Id, and keeps a proxy's plain one", async () => {
    expect(requestIds.every((id) => /^[0-9a-f-]{36}$/.test(id))).toBe(true);
    const response = await get("/healthz", { "x-request-id": "edge-1234abcd" });
    expect(response.headers.get("x-request-id")).toBe("edge-1234abcd");
    const forged = await get("/healthz", { "x-request-id": "a\"b} {forged" });
    expect(forged.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
  });
});

describe("/metrics", () => {
  it("refuses a scrape without the token, or with another one", async () => {
    expect((await get("/metrics")).status).toBe(401);
    expect((await get("/metrics", { authorization: `Bearer ${METRICS_TOKEN}x` })).status).toBe(401);
    const answer = await get("/metrics", { authorization: `Basic ${Buffer.from(`x:${METRICS_TOKEN}`).toString("base64")}` });
    expect(answer.status).toBe(401);
    expect(await answer.text()).not.toMatch(/genmig_/);
  });

  it("answers the scraper in Prometheus text: requests by route, outbox, mail, jobs, cache and the process", async () => {
    const response = await get("/metrics", { authorization: `Bearer ${METRICS_TOKEN}` });
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await response.text();
    expect(text).toMatch(/^genmig_http_request_duration_seconds_count\{route="\/calendar\/:file",method="GET",status="200"\} 1$/m);
    expect(text).toMatch(/^genmig_http_request_duration_seconds_bucket\{le="\+Inf",route="\/account",method="GET",status="200"\} 1$/m);
    for (const p of ["TRANSACTIONAL", "BULK"]) {
      expect(text).toMatch(new RegExp(`^genmig_outbox_messages\\{priority="${p}",status="PENDING"\\} \\d+$`, "m"));
      expect(text).toMatch(new RegExp(`^genmig_outbox_oldest_due_seconds\\{priority="${p}"\\} [\\d.e+-]+$`, "m"));
    }
    // The sign-in link went through this hub's worker.
    expect(Number(/^genmig_mail_delivered_total (\d+)$/m.exec(text)?.[1])).toBeGreaterThanOrEqual(1);
    expect(text).toMatch(/^genmig_job_runs_total\{job="[\w-]+",outcome="ok"\} \d+$/m);
    expect(text).toMatch(/^genmig_response_cache_total\{result="miss"\} \d+$/m);
    expect(text).toMatch(/^genmig_process_resident_memory_bytes \d+$/m);
    expect(text).toMatch(/^genmig_nodejs_eventloop_lag_seconds [\d.e+-]+$/m);
    if (hub.database === "postgres") expect(text).toMatch(/^genmig_db_connections\{state="active"\} [1-9]\d*$/m);
    for (const value of Object.values(secrets)) expect(text.includes(value)).toBe(false);
  });
});
