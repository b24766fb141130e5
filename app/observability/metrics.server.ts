import crypto from "node:crypto";
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from "prom-client";
import { prisma } from "../utils/db.server.ts";
import { databaseKind } from "../utils/database-url.ts";
import { env } from "../utils/env.server.ts";

/**
 * The hub's Prometheus metrics (ADR 0051). Counters are per process (a worker process counts its own deliveries);
 * the outbox, send and connection gauges are read from the database at each scrape, so any process shows them.
 */
function create() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: "genmig_" });
  const m = {
    registry,
    http: new Histogram({
      name: "genmig_http_request_duration_seconds",
      help: "HTTP requests by route pattern, method and status",
      labelNames: ["route", "method", "status"] as const,
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    }),
    delivered: new Counter({ name: "genmig_mail_delivered_total", help: "Messages accepted by the mail server", registers: [registry] }),
    deliveryFailures: new Counter({
      name: "genmig_mail_delivery_failures_total",
      help: "Delivery attempts that failed: retry (will be tried again) or permanent (given up)",
      labelNames: ["kind"] as const,
      registers: [registry],
    }),
    batches: new Counter({ name: "genmig_mail_batches_total", help: "Outbox batches claimed by this process", registers: [registry] }),
    jobRuns: new Counter({ name: "genmig_job_runs_total", help: "Mail job runs by job and outcome (ok, failed)", labelNames: ["job", "outcome"] as const, registers: [registry] }),
    cache: new Counter({ name: "genmig_response_cache_total", help: "Public response cache lookups (hit, miss)", labelNames: ["result"] as const, registers: [registry] }),
  };
  for (const result of ["hit", "miss"]) m.cache.inc({ result }, 0);
  for (const kind of ["retry", "permanent"]) m.deliveryFailures.inc({ kind }, 0);
  new Gauge({
    name: "genmig_outbox_messages",
    help: "Outbox messages waiting or in flight, by priority and status (sent and failed rows are not counted)",
    labelNames: ["priority", "status"] as const,
    registers: [registry],
    async collect() {
      this.reset();
      for (const p of ["TRANSACTIONAL", "BULK"]) for (const s of ["PENDING", "SENDING"]) this.set({ priority: p, status: s }, 0);
      const rows = await prisma().outboxMessage.groupBy({ by: ["priority", "status"], where: { status: { in: ["PENDING", "SENDING"] } }, _count: { _all: true } });
      for (const r of rows) this.set({ priority: r.priority, status: r.status }, r._count._all);
    },
  });
  new Gauge({
    name: "genmig_outbox_oldest_due_seconds",
    help: "How long the oldest due pending message has been waiting since it became due, by priority (0: none)",
    labelNames: ["priority"] as const,
    registers: [registry],
    async collect() {
      const now = new Date();
      for (const priority of ["TRANSACTIONAL", "BULK"] as const) {
        const oldest = await prisma().outboxMessage.findFirst({
          where: { status: "PENDING", priority, nextAttemptAt: { lte: now } },
          orderBy: { nextAttemptAt: "asc" },
          select: { nextAttemptAt: true },
        });
        this.set({ priority }, oldest ? (now.getTime() - oldest.nextAttemptAt.getTime()) / 1000 : 0);
      }
    },
  });
  new Gauge({
    name: "genmig_send_messages",
    help: "Unfinished sends (digests, distributions): readers considered, messages queued, sent and failed so far",
    labelNames: ["send", "kind", "count"] as const,
    registers: [registry],
    async collect() {
      this.reset();
      const recent = await prisma().bulkSend.findMany({
        where: { finishedAt: null },
        select: { id: true, kind: true, status: true, total: true, enqueued: true, sent: true, failed: true },
        orderBy: { startedAt: "desc" },
        take: 50,
      });
      // As the sends page says (sends.server.ts): composing, or queued with messages not yet sent or failed.
      const sends = recent.filter((s) => s.status === "COMPOSING" || s.enqueued > s.sent + s.failed);
      for (const s of sends) {
        for (const count of ["total", "enqueued", "sent", "failed"] as const) this.set({ send: s.id, kind: s.kind, count }, s[count]);
      }
    },
  });
  new Gauge({
    name: "genmig_db_connections",
    help: "PostgreSQL connections to the hub's database by state, from every process (absent on the embedded database)",
    labelNames: ["state"] as const,
    registers: [registry],
    async collect() {
      this.reset();
      if (databaseKind(env().DATABASE_URL) !== "postgres") return;
      const rows = await prisma().$queryRaw<{ state: string | null; n: bigint }[]>`
        SELECT state, count(*) AS n FROM pg_stat_activity WHERE datname = current_database() GROUP BY state`;
      for (const r of rows) this.set({ state: r.state ?? "unknown" }, Number(r.n));
    },
  });
  return m;
}

// The server bundle and the Remix build load their own copies of this module: one registry per process.
const KEY = Symbol.for("genmig.metrics");
type G = typeof globalThis & { [KEY]?: ReturnType<typeof create> };
export const metrics = () => ((globalThis as G)[KEY] ??= create());

export function observeRequest(route: string, method: string, status: number, seconds: number) {
  metrics().http.observe({ route, method, status: String(status) }, seconds);
}

export function observeDeliveries(result: { sent: number; retried: number; failed: number }, claimed: number) {
  const m = metrics();
  m.batches.inc(claimed ? 1 : 0);
  m.delivered.inc(result.sent);
  m.deliveryFailures.inc({ kind: "retry" }, result.retried);
  m.deliveryFailures.inc({ kind: "permanent" }, result.failed);
}

export const observeJob = (job: string, ok: boolean) => metrics().jobRuns.inc({ job, outcome: ok ? "ok" : "failed" });
export const observeCache = (hit: boolean) => metrics().cache.inc({ result: hit ? "hit" : "miss" });

function sameSecret(given: string, expected: string) {
  const a = crypto.createHash("sha256").update(given).digest();
  const b = crypto.createHash("sha256").update(expected).digest();
  return crypto.timingSafeEqual(a, b);
}

/**
 * GET /metrics: 404 when METRICS_TOKEN is unset (metrics off), 401 without the token as a Bearer credential.
 * A failing database gauge fails the scrape (503), which an alert on `up` then sees.
 */
export async function metricsResponse(request: Request): Promise<Response> {
  const token = env().METRICS_TOKEN;
  const plain = { "content-type": "text/plain; charset=utf-8", "cache-control": "no-store" };
  if (!token) return new Response("404 Not found\n", { status: 404, headers: plain });
  const auth = request.headers.get("authorization") ?? "";
  const given = /^bearer\s+(.+)$/i.exec(auth)?.[1]?.trim();
  if (!given || !sameSecret(given, token)) {
    return new Response("401 Unauthorized\n", { status: 401, headers: { ...plain, "www-authenticate": 'Bearer realm="metrics"' } });
  }
  if (request.method !== "GET" && request.method !== "HEAD") return new Response("405 Method not allowed\n", { status: 405, headers: { ...plain, allow: "GET, HEAD" } });
  const registry = metrics().registry;
  try {
    return new Response(await registry.metrics(), { headers: { "content-type": registry.contentType, "cache-control": "no-store" } });
  } catch {
    return new Response("503 Metrics unavailable\n", { status: 503, headers: plain });
  }
}
