// Volume benchmark of the compiled server (build/server.js, production mode): every staff and partner page and the
// main GraphQL lists, signed in, on an empty database and on one filled to the volumes of issue 17 (5,000
// institutions, 50,000 people, 200,000 registrations, 200,000 audit entries, 1,000,000 outbox rows). One request at
// a time; p50/p95 over --runs requests after one warm-up (a page slower than 5 s gets fewer runs).
// Run: npm run bench:volume [-- --scale 0.2 --runs 20 --only <regexp> --filled-only --keep]
//   PGlite by default (a scratch data directory); DATABASE_URL=postgresql://… for PostgreSQL (a scratch database on
//   that server, dropped at the end).
//   --database <name> (PostgreSQL) reuses a database kept by --keep: no fill, not dropped.
//   --baseline <dir> also starts the compiled server of another checkout (its build/, public/build and
//   prisma/migrations) on the same filled database and measures each target on both, alternately: a before/after
//   pair taken under the same load.
import { spawn, type ChildProcess } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import pg from "pg";
import { freePort } from "../tests/helpers/hub-process.ts";
import { encodeCursor } from "../app/services/pagination.server.ts";
import { fill, scaled } from "./volume-fill.ts";

const { values: args } = parseArgs({
  options: {
    scale: { type: "string", default: "1" },
    runs: { type: "string", default: "20" },
    only: { type: "string" },
    // Skip the empty database (only the filled one).
    "filled-only": { type: "boolean", default: false },
    // Keep the filled database (PostgreSQL) for a closer look; its name is printed. Drop it yourself.
    keep: { type: "boolean", default: false },
    database: { type: "string" },
    baseline: { type: "string" },
  },
});
const RUNS = Number(args.runs);
const server = process.env.DATABASE_URL?.startsWith("postgres") ? process.env.DATABASE_URL : undefined;
// Two servers on one embedded data directory would be two PGlite owners of it (never allowed): PostgreSQL only.
if (args.baseline && !server) throw new Error("--baseline needs DATABASE_URL=postgresql://…");
const children: ChildProcess[] = [];
const scratch: { db?: string; dir?: string }[] = [];

async function admin(sql: string) {
  const client = new pg.Client({ connectionString: server });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/** A fresh database (PostgreSQL) or data directory (PGlite): the env the server and the filler use. */
async function freshDatabase(label: string) {
  if (label === "filled" && args.database) {
    if (!server) throw new Error("--database needs DATABASE_URL=postgresql://…");
    const url = new URL(server);
    url.pathname = `/${args.database}`;
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "genmig-volume-reused-"));
    scratch.push({ dir: dataDir });
    return { DATA_DIR: dataDir, DATABASE_URL: url.toString() };
  }
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), `genmig-volume-${label}-`));
  const env: Record<string, string> = { DATA_DIR: dataDir };
  const entry: { db?: string; dir?: string } = { dir: dataDir };
  scratch.push(entry);
  if (server) {
    entry.db = `genmig_volume_${label}_${crypto.randomBytes(4).toString("hex")}`;
    await admin(`CREATE DATABASE ${entry.db}`);
    const url = new URL(server);
    url.pathname = `/${entry.db}`;
    env.DATABASE_URL = url.toString();
  }
  return env;
}

const BROWSERS = { staff: crypto.randomBytes(32).toString("base64url"), partner: crypto.randomBytes(32).toString("base64url") };

/** Migrates, adds the two readers (an admin with the statistics grant; a partner's focal point) and, when asked, the volume. */
async function prepare(env: Record<string, string>, filled: boolean) {
  process.env.DATA_DIR = env.DATA_DIR;
  if (env.DATABASE_URL) process.env.DATABASE_URL = env.DATABASE_URL;
  else delete process.env.DATABASE_URL;
  const { resetEnv } = await import("../app/utils/env.server.ts");
  resetEnv();
  const { migrate } = await import("../app/utils/migrate.server.ts");
  const { prisma, closeDatabase } = await import("../app/utils/db.server.ts");
  const { createApiToken } = await import("../app/services/api-tokens.server.ts");
  const { loadActor } = await import("../app/services/users.server.ts");
  const { randomToken, sha256 } = await import("../app/services/crypto.server.ts");
  await migrate();
  const volumes = scaled(Number(args.scale));
  if (filled && args.database) {
    console.log(`reusing database ${args.database}`);
  } else if (filled) {
    const t0 = performance.now();
    console.log(`filling (${JSON.stringify(volumes)})`);
    await fill(volumes, console.log);
    console.log(`  ${"total".padEnd(28)} ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  } else {
    // The few rows the pages below name.
    await fill({ partners: 1, people: 1, webinars: 20, registrations: 1, audit: 1, outbox: 1, requests: 1, sends: 1 });
  }
  const db = prisma();
  const staffData = { email: "bench-staff@example.org", name: "Bench Staff", role: "ADMIN", statistics: true } as const;
  const staff = await db.user.upsert({ where: { email: staffData.email }, create: staffData, update: {} });
  // The partner reader is the focal point of the first institution, with registrations like everyone else's.
  const partner = await db.user.update({ where: { id: "bu0" }, data: {} });
  const token = (await createApiToken((await loadActor(staff.id))!, { name: "bench" })).token;
  const signIns: Record<"staff" | "partner", string> = { staff: randomToken(), partner: randomToken() };
  for (const [who, email] of [["staff", staff.email], ["partner", partner.email]] as const) {
    await db.signInToken.create({ data: { email, tokenHash: sha256(signIns[who]), browserHash: sha256(BROWSERS[who]), expiresAt: new Date(Date.now() + 3600_000) } });
  }
  const pending = await db.partner.findFirst({ where: { status: "PENDING" }, orderBy: { createdAt: "asc" }, select: { id: true } });
  const busy = await db.webinarRegistration.groupBy({ by: ["webinarId"], _count: { _all: true }, orderBy: { _count: { webinarId: "desc" } }, take: 1 });
  // Cursors halfway down the long lists: a deep page costs what the first one does when it is read by key.
  const webinarId = busy[0]?.webinarId ?? "bw0";
  const middle = async (rows: Promise<{ id: string }[]>) => encodeCursor((await rows)[0]?.id ?? "none");
  const cursors = {
    partner: await middle(db.partner.findMany({ orderBy: [{ name: "asc" }, { id: "asc" }], skip: Math.floor(volumes.partners / 2), take: 1, select: { id: true } })),
    registration: await middle(db.webinarRegistration.findMany({ where: { webinarId }, orderBy: [{ createdAt: "asc" }, { id: "asc" }], skip: 250, take: 1, select: { id: true } })),
    request: await middle(db.supportRequest.findMany({ orderBy: [{ createdAt: "desc" }, { id: "asc" }], skip: Math.floor(volumes.requests / 2), take: 1, select: { id: true } })),
  };
  await closeDatabase();
  return { token, signIns, pendingId: pending?.id ?? "bp0", webinarId, seriesId: "bs0", cursors };
}

async function waitFor(url: string) {
  for (let i = 0; i < 600; i++) {
    if (await fetch(url).then((r) => r.ok, () => false)) return; // not listening yet
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${url} did not answer`);
}

interface Target {
  name: string;
  path: string;
  who: "staff" | "partner" | "token";
  query?: string;
  variables?: Record<string, unknown>;
}

const gql = (name: string, query: string, variables?: Record<string, unknown>): Target => ({ name, path: "/graphql", who: "token", query, variables });

function targets(ids: Awaited<ReturnType<typeof prepare>>): Target[] {
  const s = (name: string, p: string): Target => ({ name, path: p, who: "staff" });
  const p = (name: string, q: string): Target => ({ name, path: q, who: "partner" });
  return [
    s("staff: / (dashboard)", "/"),
    s("staff: /admin", "/admin"),
    s("staff: /admin/audit", "/admin/audit"),
    s("staff: /admin/mail", "/admin/mail"),
    s("staff: /admin/sends", "/admin/sends"),
    s("staff: /admin/requests", "/admin/requests"),
    s("staff: /admin/statistics", "/admin/statistics"),
    s("staff: /insights (12 months, gender)", "/insights"),
    s("staff: /insights (12 months, region)", "/insights?breakdown=region"),
    s("staff: /insights (12 months, sector)", "/insights?breakdown=partner-sector"),
    s("staff: /insights (busiest webinar)", `/insights?scope=webinar&id=${ids.webinarId}&breakdown=age-band`),
    s("staff: /insights (series)", `/insights?scope=series&id=${ids.seriesId}`),
    s("staff: /insights/export.csv", "/insights/export.csv"),
    s("staff: /partners", "/partners"),
    s("staff: /partners/<pending>", `/partners/${ids.pendingId}`),
    s("staff: /webinars", "/webinars"),
    s("staff: /webinars/<busiest>/manage", `/webinars/${ids.webinarId}/manage`),
    s("staff: /webinars/series", "/webinars/series"),
    s("staff: /account", "/account"),
    p("partner: / (dashboard)", "/"),
    p("partner: /account", "/account"),
    p("partner: /partners/<own>", "/partners/bp0"),
    p("partner: /partners", "/partners"),
    p("partner: /webinars", "/webinars"),
    p("partner: /webinars/<busiest>", `/webinars/${ids.webinarId}`),
    p("partner: /dialogues", "/dialogues"),
    p("partner: /requests/new", "/requests/new"),
    gql("gql: partners(first: 50)", "{ partners(first: 50) { totalCount edges { cursor node { id name sector country } } } }"),
    gql("gql: partners(status: PENDING)", "{ partners(first: 50, filter: { status: [PENDING] }) { edges { node { id name } } } }"),
    gql("gql: webinars(PAST, first: 50)", "{ webinars(when: PAST, first: 50) { totalCount edges { node { id title startsAt seatsLeft } } } }"),
    gql("gql: webinar.registrations(first: 50)", `query($id: ID!) { webinar(id: $id) { registrations(first: 50) { totalCount edges { node { id name email status } } } } }`, { id: ids.webinarId }),
    gql("gql: auditEntries(first: 50)", "{ auditEntries(first: 50) { edges { cursor node { id action createdAt } } pageInfo { hasNextPage endCursor } } }"),
    gql("gql: auditEntries(targetId)", `{ auditEntries(first: 50, filter: { targetId: "${ids.pendingId}" }) { edges { node { id action } } } }`),
    gql("gql: outboxMessages(first: 50)", "{ outboxMessages(first: 50) { edges { cursor node { id to status createdAt } } pageInfo { hasNextPage endCursor } } }"),
    gql("gql: outboxMessages(FAILED)", "{ outboxMessages(first: 50, filter: { status: [FAILED] }) { edges { node { id to } } } }"),
    gql("gql: outboxMessages(to: address)", `{ outboxMessages(first: 50, filter: { to: "person4321@bench.example.org" }) { edges { node { id to } } } }`),
    gql("gql: outboxMessages(to: part)", `{ outboxMessages(first: 50, filter: { to: "person4321@" }) { edges { node { id to } } } }`),
    gql("gql: outboxMessages(to: start)", `{ outboxMessages(first: 50, filter: { to: "person43" }) { edges { node { id to } } } }`),
    gql("gql: outboxMessages(to: @domain)", `{ outboxMessages(first: 50, filter: { to: "@bench.example.org" }) { edges { node { id to } } } }`),
    gql("gql: outboxMessages(to: @none)", `{ outboxMessages(first: 50, filter: { to: "@nowhere.example" }) { edges { node { id to } } } }`),
    gql("gql: outboxMessages(to: none)", `{ outboxMessages(first: 50, filter: { to: "nobody@nowhere.example" }) { edges { node { id to } } } }`),
    gql("gql: supportRequests(first: 50)", "{ supportRequests(first: 50) { totalCount edges { node { id status } } } }"),
    gql("gql: partners(after: middle)", `{ partners(first: 50, after: "${ids.cursors.partner}") { edges { node { id name } } } }`),
    gql("gql: webinar.registrations(after: middle)", `query($id: ID!) { webinar(id: $id) { registrations(first: 50, after: "${ids.cursors.registration}") { edges { node { id name } } } } }`, { id: ids.webinarId }),
    gql("gql: supportRequests(after: middle)", `{ supportRequests(first: 50, after: "${ids.cursors.request}") { edges { node { id status } } } }`),
  ];
}

const quantile = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];

async function measure(base: string, t: Target, headers: Record<string, Record<string, string>>) {
  const init: RequestInit =
    t.who === "token"
      ? { method: "POST", headers: { ...headers.token, "content-type": "application/json" }, body: JSON.stringify({ query: t.query, variables: t.variables }) }
      : { headers: headers[t.who], redirect: "manual" };
  const once = async () => {
    const t0 = performance.now();
    const res = await fetch(base + t.path, init);
    const body = await res.text();
    const ms = performance.now() - t0;
    if (res.status !== 200 || (t.who === "token" && body.includes('"errors"'))) throw new Error(`${t.name}: ${res.status} ${body.slice(0, 300)}`);
    return ms;
  };
  const first = await once(); // warm-up
  const runs = first > 5000 ? 3 : first > 1000 ? Math.min(RUNS, 8) : RUNS;
  const times: number[] = [];
  for (let i = 0; i < runs; i++) times.push(await once());
  times.sort((a, b) => a - b);
  return { p50: quantile(times, 0.5), p95: quantile(times, 0.95), runs };
}

type Result = { p50: number; p95: number; runs: number } | { error: string };

/** Starts the compiled server found in `cwd` on `env`'s database and waits until it answers. */
async function startHub(env: Record<string, string>, cwd = process.cwd()) {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const hub = spawn(process.execPath, ["build/server.js"], {
    cwd,
    env: { ...process.env, ...env, PORT: String(port), APP_URL: base, NODE_ENV: "production", RUN_WORKER: "0" },
    stdio: ["ignore", "ignore", "inherit"],
  });
  children.push(hub);
  await waitFor(`${base}/healthz`);
  return { hub, base };
}

async function runAgainst(label: string, filled: boolean) {
  const env = await freshDatabase(label);
  const ids = await prepare(env, filled);
  const { hub, base } = await startHub(env);
  // Both servers read sessions from the same database, so one sign-in serves both.
  const before = filled && args.baseline ? await startHub(env, path.resolve(args.baseline)) : undefined;
  const headers: Record<string, Record<string, string>> = { token: { authorization: `Bearer ${ids.token}` } };
  for (const who of ["staff", "partner"] as const) {
    const verified = await fetch(`${base}/auth/verify`, {
      method: "POST",
      body: new URLSearchParams({ token: ids.signIns[who] }),
      headers: { origin: base, cookie: `gmh_signin=${BROWSERS[who]}` },
      redirect: "manual",
    });
    const cookie = verified.headers.getSetCookie().map((c) => c.split(";")[0]).join("; ");
    if (!cookie.includes("gmh_session=")) throw new Error(`sign-in (${who}) failed: ${verified.status}`);
    headers[who] = { cookie };
  }
  const results = new Map<string, Result>();
  const baseline = new Map<string, Result>();
  const attempt = async (b: string, t: Target): Promise<Result> => {
    try {
      return await measure(b, t, headers);
    } catch (e) {
      return { error: (e as Error).message.slice(0, 200) };
    }
  };
  for (const t of targets(ids).filter((t) => !args.only || new RegExp(args.only).test(t.name))) {
    if (before) baseline.set(t.name, await attempt(before.base, t));
    results.set(t.name, await attempt(base, t));
  }
  await Promise.all([stop(hub), before && stop(before.hub)]);
  return { results, baseline };
}

function stop(child: ChildProcess) {
  return new Promise<void>((resolve) => {
    if (child.exitCode !== null) return resolve();
    const force = setTimeout(() => child.kill("SIGKILL"), 15_000);
    child.once("exit", () => (clearTimeout(force), resolve()));
    child.kill("SIGTERM");
  });
}

try {
  const kind = server ? "PostgreSQL" : "PGlite";
  console.log(`${kind}, scale ${args.scale}, ${RUNS} runs per target, one request at a time, ${os.cpus().length} CPUs (shared), load ${os.loadavg()[0].toFixed(1)}`);
  const empty = args["filled-only"] ? new Map<string, Result>() : (await runAgainst("empty", false)).results;
  const { results: full, baseline } = await runAgainst("filled", true);
  const f = (r: Result | undefined) =>
    !r ? "—".padStart(17) : "error" in r ? "ERROR".padStart(17) : `${r.p50.toFixed(0).padStart(7)} ${r.p95.toFixed(0).padStart(9)}`;
  const head = args.baseline ? `   ${"baseline p50".padStart(12)} ${"p95".padStart(7)}` : "";
  console.log(`\n${"target".padEnd(42)} ${"empty p50".padStart(9)} ${"p95".padStart(7)}${head}   ${"filled p50".padStart(10)} ${"p95".padStart(7)}   (ms)`);
  for (const [name, r] of full) {
    const b = args.baseline ? `   ${f(baseline.get(name)).padStart(20)}` : "";
    console.log(`${name.padEnd(42)} ${f(empty.get(name))}${b}   ${f(r)}${"runs" in r && r.runs < RUNS ? `  (${r.runs} runs)` : ""}`);
  }
  for (const [name, r] of [...empty, ...baseline, ...full]) if ("error" in r) console.log(`error: ${name}: ${r.error}`);
} finally {
  await Promise.all(children.map(stop));
  for (const s of scratch) {
    if (s.db && args.keep && s.db.includes("_filled_")) console.log(`kept database ${s.db} (reuse: --database ${s.db})`);
    else if (s.db) await admin(`DROP DATABASE IF EXISTS ${s.db} WITH (FORCE)`).catch(() => {});
    if (s.dir) fs.rmSync(s.dir, { recursive: true, force: true });
  }
}
