// Load benchmark of the real, compiled server (build/server.js): public GraphQL queries and pages under 20
// concurrent connections, each next to a bare graphql-yoga `{ hello }` server in its own process, taking turns in
// one-second slices so that a shared, busy CPU affects both alike. Report ratios, not absolute numbers.
// Run: npm run bench:load [-- --duration 5 --connections 20]   (PGlite; set DATABASE_URL=postgresql://… for PostgreSQL:
// a scratch database is created on that server and dropped at the end)
import { spawn, type ChildProcess } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import { freePort } from "../tests/helpers/hub-process.ts";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import autocannon from "autocannon";
import pg from "pg";

const { values: args } = parseArgs({
  options: {
    duration: { type: "string", default: "5" },
    connections: { type: "string", default: "20" },
    // Write the server's CPU profile (node --cpu-prof) into this directory.
    profile: { type: "string" },
    // Only the targets whose name matches this regular expression.
    only: { type: "string" },
    // Seconds per turn: on a machine loaded by other work a signed-in page may take longer than one second.
    slice: { type: "string", default: "1" },
    // Run the server from another checkout's build (e.g. a copy of the previous code's build/), same seed.
    root: { type: "string" },
  },
});
const DURATION = Number(args.duration);
const CONNECTIONS = Number(args.connections);
const SLICE = Number(args.slice);

const LIST_QUERY = `{ webinars(when: UPCOMING, first: 20) { totalCount edges { node { id title startsAt endsAt timeZone audience seatsLeft speakers { name affiliation role } } } } }`;
const DIRECTORY_QUERY = `{ partners(first: 20) { totalCount edges { node { id name sector country } } } }`;

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "genmig-load-"));
const server = process.env.DATABASE_URL?.startsWith("postgres") ? process.env.DATABASE_URL : undefined;
let scratch: string | undefined;
const children: ChildProcess[] = [];

async function admin(sql: string) {
  const client = new pg.Client({ connectionString: server });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

async function waitFor(url: string) {
  for (let i = 0; i < 300; i++) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${url} did not answer`);
}

/** 20 upcoming webinars with three speakers each, 40 listed partners; returns a staff token and a webinar id. */
const BENCH_BROWSER = crypto.randomBytes(32).toString("base64url");

async function seed() {
  const { migrate } = await import("../app/utils/migrate.server.ts");
  const { prisma, closeDatabase } = await import("../app/utils/db.server.ts");
  const { scheduleWebinar } = await import("../app/services/webinars.server.ts");
  const { createUser, loadActor } = await import("../app/services/users.server.ts");
  const { createApiToken } = await import("../app/services/api-tokens.server.ts");
  await migrate();
  const staff = (await loadActor((await createUser({ email: "bench@example.org", name: "Bench", role: "STAFF" })).id))!;
  const zones = ["Africa/Dakar", "America/Bogota", "Europe/Paris", "Asia/Manila"];
  let firstId = "";
  for (let i = 0; i < 20; i++) {
    const start = new Date(Date.now() + (i + 1) * 24 * 3600_000);
    const w = await scheduleWebinar(staff, {
      translations: [
        { language: "en", title: `Migration and gender, session ${i + 1}`, description: "Findings and discussion.\nWith partners." },
        { language: "fr", title: `Migration et genre, séance ${i + 1}`, description: "Résultats et discussion." },
      ],
      startsAt: start,
      endsAt: new Date(start.getTime() + 90 * 60_000),
      timeZone: zones[i % zones.length],
      meetingUrl: `https://meet.example.org/bench-${i}`,
      speakers: [
        { name: `Speaker A${i}`, affiliation: "University of Dakar", role: "SPEAKER" },
        { name: `Speaker B${i}`, affiliation: "IOM", role: "SPEAKER" },
        { name: `Moderator ${i}`, role: "MODERATOR" },
      ],
    });
    firstId ||= w.id;
  }
  const sectors = ["RESEARCH", "GOVERNMENT", "IGO", "NGO", "PRIVATE", "OTHER"] as const;
  await prisma().partner.createMany({
    data: Array.from({ length: 40 }, (_, i) => ({
      name: `Institution ${String(i).padStart(2, "0")}`,
      sector: sectors[i % sectors.length],
      country: ["SN", "CO", "PH", "FR", "KE"][i % 5],
      focalPointName: `Focal ${i}`,
      focalPointEmail: `focal${i}@example.org`,
      status: "APPROVED" as const,
      publicListing: true,
      consentAt: new Date(),
    })),
  });
  const token = (await createApiToken(staff, { name: "bench" })).token;
  // A dialogue the staff member facilitates, with one thread of a few posts.
  const { createDialogue } = await import("../app/services/dialogues/dialogues.server.ts");
  const { startThread, postInThread } = await import("../app/services/dialogues/threads.server.ts");
  const dialogue = await createDialogue(staff, {
    visibility: "SECRET",
    chathamHouse: false,
    translations: [{ language: "en", title: "Return migration", description: "Closed talks." }],
  });
  const thread = await startThread(staff, dialogue.id!, { title: "First findings", body: "What we saw in the field.", attributable: true });
  for (let i = 0; i < 5; i++) await postInThread(staff, thread.id, { body: `Reply ${i}`, attributable: true });
  const { randomToken, sha256 } = await import("../app/services/crypto.server.ts");
  const signIn = randomToken();
  // Bound to the benchmark's own browser cookie, as a link asked for from the sign-in page is.
  await prisma().signInToken.create({ data: { email: "bench@example.org", tokenHash: sha256(signIn), browserHash: sha256(BENCH_BROWSER), expiresAt: new Date(Date.now() + 600_000) } });
  await closeDatabase();
  return { token, signIn, webinarId: firstId, dialogueId: dialogue.id!, threadId: thread.id };
}

interface Target {
  name: string;
  path: string;
  method?: "GET" | "POST";
  body?: string;
  headers?: Record<string, string>;
}

async function slice(base: string, t: Target) {
  const result = await autocannon({
    url: base + t.path,
    method: t.method ?? "GET",
    body: t.body,
    headers: t.headers,
    connections: CONNECTIONS,
    duration: SLICE,
  });
  if (result.non2xx || result.errors) throw new Error(`${t.name}: ${result.non2xx} non-2xx, ${result.errors} errors`);
  return { requests: result.requests.total, seconds: result.duration, p99: result.latency.p99 };
}

/**
 * The CPU is shared with other work whose load comes and goes: the hub and bare yoga take turns in one-second
 * slices, so that both see the same conditions. p99: the median slice's, and the worst slice's.
 */
async function compare(hubBase: string, bareBase: string, t: Target, bareTarget: Target) {
  const hub = { requests: 0, seconds: 0, p99s: [] as number[] };
  const bare = { requests: 0, seconds: 0, p99s: [] as number[] };
  for (let i = 0; i < DURATION / SLICE; i++) {
    for (const [side, base, target] of [[bare, bareBase, bareTarget], [hub, hubBase, t]] as const) {
      const r = await slice(base, target);
      side.requests += r.requests;
      side.seconds += r.seconds;
      side.p99s.push(r.p99);
    }
  }
  const summary = (side: typeof hub) => {
    const sorted = [...side.p99s].sort((a, b) => a - b);
    return { rps: side.requests / side.seconds, p99: sorted[Math.floor(sorted.length / 2)], worst: sorted.at(-1)! };
  };
  return { hub: summary(hub), bare: summary(bare) };
}

const gql = (query: string, headers: Record<string, string> = {}): Pick<Target, "method" | "body" | "headers"> => ({
  method: "POST",
  body: JSON.stringify({ query }),
  headers: { "content-type": "application/json", ...headers },
});

try {
  const env: NodeJS.ProcessEnv = { ...process.env, DATA_DIR: dataDir, NODE_ENV: "production", RUN_WORKER: "0" };
  if (server) {
    scratch = `genmig_load_${crypto.randomBytes(4).toString("hex")}`;
    await admin(`CREATE DATABASE ${scratch}`);
    const url = new URL(server);
    url.pathname = `/${scratch}`;
    env.DATABASE_URL = url.toString();
  } else delete env.DATABASE_URL;
  Object.assign(process.env, { DATA_DIR: dataDir, DATABASE_URL: env.DATABASE_URL ?? "" });
  if (!env.DATABASE_URL) delete process.env.DATABASE_URL;
  const { token, signIn, webinarId, dialogueId, threadId } = await seed();

  const [hubPort, barePort] = [await freePort(), await freePort()];
  const profileDir = args.profile ? path.resolve(args.profile) : undefined;
  const hub = spawn(process.execPath, [...(profileDir ? ["--cpu-prof", `--cpu-prof-dir=${profileDir}`] : []), "build/server.js"], {
    cwd: args.root ? path.resolve(args.root) : undefined,
    env: { ...env, PORT: String(hubPort), APP_URL: `http://127.0.0.1:${hubPort}` },
    stdio: ["ignore", "ignore", "inherit"],
  });
  const bare = spawn(process.execPath, ["--import", "tsx", "bench/bare-yoga.ts", String(barePort)], { stdio: ["ignore", "ignore", "inherit"] });
  children.push(hub, bare);
  const hubBase = `http://127.0.0.1:${hubPort}`;
  const bareBase = `http://127.0.0.1:${barePort}`;
  await Promise.all([waitFor(`${hubBase}/healthz`), waitFor(`${bareBase}/graphql?query=%7Bhello%7D`)]);

  const bearer = { authorization: `Bearer ${token}` };
  // A browser session through the real sign-in page.
  const verified = await fetch(`${hubBase}/auth/verify`, {
    method: "POST",
    body: new URLSearchParams({ token: signIn }),
    headers: { origin: hubBase, cookie: `gmh_signin=${BENCH_BROWSER}` },
    redirect: "manual",
  });
  const session = { cookie: verified.headers.getSetCookie().map((c) => c.split(";")[0]).join("; ") };
  if (!session.cookie.includes("gmh_session=")) throw new Error(`sign-in failed: ${verified.status}`);
  const targets: Target[] = [
    { name: "webinar list query", path: "/graphql", ...gql(LIST_QUERY) },
    { name: "partner directory query", path: "/graphql", ...gql(DIRECTORY_QUERY) },
    { name: "{ __typename }", path: "/graphql", ...gql("{ __typename }") },
    { name: "/webinars", path: "/webinars" },
    { name: "/webinars, gzip", path: "/webinars", headers: { "accept-encoding": "gzip" } },
    { name: "/partners", path: "/partners" },
    { name: "webinar page", path: `/webinars/${webinarId}` },
    { name: "webinar list query, signed in (no cache)", path: "/graphql", ...gql(LIST_QUERY, bearer) },
    { name: "/webinars, signed in (no cache)", path: "/webinars", headers: session },
    { name: "webinar page, signed in (no cache)", path: `/webinars/${webinarId}`, headers: session },
    { name: "dialogue page, signed in", path: `/dialogues/${dialogueId}`, headers: session },
    { name: "thread page, signed in", path: `/dialogues/${dialogueId}/threads/${threadId}`, headers: session },
    { name: "/account, signed in", path: "/account", headers: session },
  ].filter((t) => !args.only || new RegExp(args.only).test(t.name));
  const bareTarget: Target = { name: "bare yoga { hello }", path: "/graphql", ...gql("{ hello }") };

  console.log(`${CONNECTIONS} connections, ${DURATION} s each, ${server ? "PostgreSQL" : "PGlite"}, ${os.cpus().length} CPUs (shared)`);
  console.log(`${"target".padEnd(42)} ${"req/s".padStart(8)} ${"p99 ms".padStart(7)} ${"worst".padStart(6)}   ${"bare req/s".padStart(10)} ${"ratio".padStart(6)}`);
  // Warm-up: JIT, connection pools, caches.
  await autocannon({ url: bareBase + bareTarget.path, ...bareTarget, connections: CONNECTIONS, duration: 1 });
  for (const t of targets) {
    await autocannon({ url: hubBase + t.path, method: t.method ?? "GET", body: t.body, headers: t.headers, connections: CONNECTIONS, duration: 1 });
    const { hub: hubResult, bare: base } = await compare(hubBase, bareBase, t, bareTarget);
    console.log(
      `${t.name.padEnd(42)} ${hubResult.rps.toFixed(0).padStart(8)} ${String(hubResult.p99).padStart(7)} ${String(hubResult.worst).padStart(6)}   ${base.rps.toFixed(0).padStart(10)} ${(hubResult.rps / base.rps).toFixed(2).padStart(6)}`,
    );
  }
} finally {
  // SIGTERM lets the server shut down cleanly (and write its CPU profile when asked to).
  await Promise.all(
    children.map(
      (child) =>
        new Promise<void>((resolve) => {
          if (child.exitCode !== null) return resolve();
          const force = setTimeout(() => child.kill("SIGKILL"), 15_000);
          child.once("exit", () => (clearTimeout(force), resolve()));
          child.kill("SIGTERM");
        }),
    ),
  );
  if (scratch) await admin(`DROP DATABASE IF EXISTS ${scratch} WITH (FORCE)`);
  fs.rmSync(dataDir, { recursive: true, force: true });
}
