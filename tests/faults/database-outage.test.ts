import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { randomToken, sha256 } from "../../app/services/crypto.server.ts";
import { prisma } from "../../app/utils/db.server.ts";
import { makeUser } from "../factories.ts";
import { startHub, type Hub } from "../helpers/hub-process.ts";
import { startTcpProxy, type CuttableProxy } from "../helpers/tcp-proxy.ts";

// issue 17: during a PostgreSQL outage users got 500s, and signed-in GraphQL answered plain text with the Prisma
// error, a stack trace and server file paths. The compiled hub (as `npm start` runs it) reaches its own test
// database through a relay this test cuts and restores; the machine's PostgreSQL keeps running for everyone else.
//
// Embedded mode has no equivalent: the database is PGlite inside the web process itself, with no connection to
// lose; it is unavailable only when the process is gone, and then nothing answers at all (ADR 0028).
const server = process.env.TEST_DATABASE_URL;

/** What no response body may ever carry in production: driver messages, stack frames, file paths. */
const LEAKS = [/prisma/i, /\bat /, /\/work\//, /\.ts:/, /node_modules/, /PrismaClient/, /ECONNREFUSED|ECONNRESET/, /Connection terminated/i];

function expectNoLeak(body: string) {
  for (const leak of LEAKS) expect(body, `response body matches ${leak}`).not.toMatch(leak);
}

async function untilReady<T>(probe: () => Promise<T | null>, what: string, tries = 100): Promise<T> {
  for (let i = 0; i < tries; i++) {
    const result = await probe().catch(() => null);
    if (result !== null) return result;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`never happened: ${what}`);
}

// PostgreSQL only: the embedded database lives inside the web process, so it has no connection to lose (ADR 0028).
describe.skipIf(!server)("database outage on PostgreSQL (compiled server)", () => {
  let proxy: CuttableProxy;
  let hub: Hub;
  let dataDir: string;
  let session: string;

  const gql = (query: string, headers: Record<string, string> = {}) =>
    fetch(`${hub.base}/graphql`, {
      method: "POST",
      headers: { origin: hub.base, "content-type": "application/json", accept: "application/graphql-response+json, application/json", ...headers },
      body: JSON.stringify({ query }),
    });

  beforeAll(async () => {
    const url = new URL(process.env.DATABASE_URL!);
    proxy = await startTcpProxy({ host: url.hostname, port: Number(url.port || 5432) });
    // The test database is a migrated copy (tests/setup): the hub only has to start on it.
    const person = await makeUser({ role: "STAFF", name: "Outage Tester" });
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "genmig-outage-"));
    hub = await startHub({ dataDir, compiled: true, env: { DATABASE_URL: proxy.through(process.env.DATABASE_URL!), RUN_WORKER: "0" } });

    // Signed in through the real verify page, with a link token minted here (as tests/helpers/sign-in.ts does).
    const token = randomToken();
    const browser = randomToken();
    await prisma().signInToken.create({
      data: { email: person.email, tokenHash: sha256(token), expiresAt: new Date(Date.now() + 60_000), browserHash: sha256(browser) },
    });
    const verify = await fetch(`${hub.base}/auth/verify`, {
      method: "POST",
      redirect: "manual",
      headers: { origin: hub.base, cookie: `gmh_signin=${browser}`, "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ token }),
    });
    expect(verify.status).toBe(302);
    session = verify.headers.getSetCookie().find((c) => c.startsWith("gmh_session="))!.split(";")[0];
    expect(session).toBeTruthy();
  });

  afterAll(async () => {
    await proxy?.restore().catch(() => {});
    hub?.stop();
    await new Promise<void>((resolve) => (hub?.child.exitCode !== null ? resolve() : hub.child.once("exit", () => resolve())));
    await proxy?.close();
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it("answers 503 pages in the reader's language and typed GraphQL errors, leaks nothing, and recovers by itself", async () => {
    // Before: everything works, signed in or not.
    expect((await fetch(`${hub.base}/webinars`)).status).toBe(200);
    const before = await gql("{ me { name } }", { cookie: session });
    expect(before.status).toBe(200);
    expect(await before.json()).toMatchObject({ data: { me: { name: "Outage Tester" } } });
    const ready = await fetch(`${hub.base}/readyz`);
    expect(await ready.json()).toEqual({ status: "ready", database: "ok", migrations: "ok", worker: "not run here" });
    // No METRICS_TOKEN set: no metrics at all.
    expect((await fetch(`${hub.base}/metrics`, { headers: { authorization: "Bearer anything-at-all-long" } })).status).toBe(404);

    await proxy.cut();

    // Pages: 503 with Retry-After, translated by Accept-Language, by the language cookie, and for signed-in readers.
    const pages: { path: string; headers: Record<string, string>; lang: string; says: RegExp }[] = [
      { path: "/webinars", headers: { "accept-language": "fr-FR,fr;q=0.9" }, lang: "fr", says: /indisponible/i },
      { path: "/", headers: { "accept-language": "es" }, lang: "es", says: /no está disponible/i },
      { path: "/partners", headers: {}, lang: "en", says: /unavailable/i },
      { path: "/publications", headers: { cookie: "gmh_lang=es", "accept-language": "en" }, lang: "es", says: /no está disponible/i },
      { path: "/account", headers: { cookie: `${session}; gmh_lang=fr` }, lang: "fr", says: /indisponible/i },
      { path: "/admin", headers: { cookie: session, "accept-language": "es" }, lang: "es", says: /no está disponible/i },
    ];
    for (const page of pages) {
      const response = await fetch(`${hub.base}${page.path}`, { headers: page.headers, redirect: "manual" });
      const body = await response.text();
      expect(response.status, `${page.path} ${body.slice(0, 300)}`).toBe(503);
      expect(Number(response.headers.get("retry-after")), page.path).toBeGreaterThan(0);
      expect(response.headers.get("content-type")).toMatch(/^text\/html/);
      expect(body).toContain(`<html lang="${page.lang}"`);
      expect(body).toMatch(page.says);
      expect(response.headers.get("cache-control") ?? "").toMatch(/no-store/);
      expectNoLeak(body);
    }

    // A form post during the outage (signing in asks the database): the same page.
    const post = await fetch(`${hub.base}/auth/sign-in`, {
      method: "POST",
      redirect: "manual",
      headers: { origin: hub.base, "content-type": "application/x-www-form-urlencoded", "accept-language": "fr" },
      body: new URLSearchParams({ email: "someone@example.org" }),
    });
    const postBody = await post.text();
    expect(post.status, postBody.slice(0, 300)).toBe(503);
    expect(postBody).toMatch(/indisponible/i);
    expectNoLeak(postBody);

    // GraphQL, anonymous and signed in: a typed error, 503 with Retry-After, nothing from the driver.
    for (const [query, headers] of [
      ["{ webinars(first: 3) { totalCount } }", {}],
      ["{ me { name } }", { cookie: session }],
      ["{ webinars(first: 3) { totalCount } }", { cookie: session }],
      ["{ partners(first: 3) { totalCount } }", {}],
      ['mutation { requestSignInLink(email: "someone@example.org") { __typename } }', {}],
    ] as const) {
      const response = await gql(query, headers);
      const body = await response.text();
      expect(response.status, `${query} ${JSON.stringify(headers)}: ${body}`).toBe(503);
      expect(Number(response.headers.get("retry-after"))).toBeGreaterThan(0);
      const json = JSON.parse(body) as { errors?: { message: string; extensions?: { code?: string } }[] };
      expect(json.errors?.[0]?.extensions?.code, body).toBe("SERVICE_UNAVAILABLE");
      expectNoLeak(body);
    }
    // A plain application/json client gets the same typed error.
    const plain = await fetch(`${hub.base}/graphql`, {
      method: "POST",
      headers: { origin: hub.base, "content-type": "application/json", accept: "application/json", cookie: session },
      body: JSON.stringify({ query: "{ me { name } }" }),
    });
    const plainBody = await plain.text();
    expect(plain.status, plainBody).toBe(503);
    expect(JSON.parse(plainBody).errors[0].extensions.code).toBe("SERVICE_UNAVAILABLE");
    expectNoLeak(plainBody);

    // Readiness says so (a load balancer takes the instance out meanwhile); liveness does not (an orchestrator
    // restarting the process would not bring the database back).
    const unready = await fetch(`${hub.base}/readyz`);
    const unreadyBody = await unready.text();
    expect(unready.status, unreadyBody).toBe(503);
    expect(JSON.parse(unreadyBody)).toMatchObject({ status: "unready", database: "unreachable" });
    expectNoLeak(unreadyBody);
    expect((await fetch(`${hub.base}/healthz`)).status).toBe(200);

    // After: the hub serves again by itself, without a restart.
    await proxy.restore();
    const restored = Date.now();
    await untilReady(async () => ((await fetch(`${hub.base}/webinars`)).status === 200 ? true : null), "pages answer 200 again");
    await untilReady(async () => {
      const response = await gql("{ me { name } }", { cookie: session });
      const json = (await response.json()) as { data?: { me?: { name: string } } };
      return response.status === 200 && json.data?.me?.name === "Outage Tester" ? true : null;
    }, "signed-in GraphQL answers again");
    await untilReady(async () => ((await fetch(`${hub.base}/readyz`)).status === 200 ? true : null), "/readyz answers 200 again");
    const signedInPage = await fetch(`${hub.base}/account`, { headers: { cookie: session } });
    expect(signedInPage.status).toBe(200);
    console.log(`outage: served normally again ${Date.now() - restored} ms after the database came back`);
    expect(hub.child.exitCode).toBeNull();
  });

  it("does the same when PostgreSQL ends the hub's connections and refuses new ones (as in a restart)", async () => {
    const name = new URL(process.env.DATABASE_URL!).pathname.slice(1);
    const admin = new pg.Client({ connectionString: server });
    await admin.connect();
    try {
      // Only this test's own database: everyone else on the server is left alone.
      await admin.query(`ALTER DATABASE ${name} ALLOW_CONNECTIONS false`);
      await admin.query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1", [name]);
      const page = await fetch(`${hub.base}/webinars`, { headers: { "accept-language": "es" } });
      const pageBody = await page.text();
      expect(page.status, pageBody.slice(0, 300)).toBe(503);
      expect(Number(page.headers.get("retry-after"))).toBeGreaterThan(0);
      expect(pageBody).toMatch(/no está disponible/i);
      expectNoLeak(pageBody);
      const api = await gql("{ me { name } }", { cookie: session });
      const apiBody = await api.text();
      expect(api.status, apiBody).toBe(503);
      expect(JSON.parse(apiBody).errors[0].extensions.code).toBe("SERVICE_UNAVAILABLE");
      expectNoLeak(apiBody);
    } finally {
      await admin.query(`ALTER DATABASE ${name} ALLOW_CONNECTIONS true`);
      await admin.end();
    }
    await untilReady(async () => ((await fetch(`${hub.base}/webinars`)).status === 200 ? true : null), "pages answer 200 again");
    const after = await gql("{ me { name } }", { cookie: session });
    expect(await after.json()).toMatchObject({ data: { me: { name: "Outage Tester" } } });
  });
});
