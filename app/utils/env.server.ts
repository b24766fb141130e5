import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { z } from "zod";
import { ProxyList } from "./client-ip.server.ts";
import { senderSettings, type DkimKey } from "./mail-sender-env.server.ts";
import { ensurePrivateDir, writePrivateFileOnce } from "./private-files.server.ts";

const wholeNumber = (min: number) =>
  z.coerce.number({ invalid_type_error: "must be a whole number" }).int({ message: "must be a whole number" }).min(min, { message: `must be at least ${min}` });

const schema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  DATABASE_URL: z
    .string()
    .optional()
    .refine((v) => !v || /^(postgres(ql)?:\/\/|memory:\/\/|file:|\.{0,2}\/)/.test(v), {
      message: "must be postgres://…, memory:// or a directory path for the embedded database",
    }),
  DATA_DIR: z.string().min(1).default("./data"),
  SMTP_URL: z
    .string()
    .optional()
    .refine((v) => !v || /^smtps?:\/\//.test(v), { message: "must start with smtp:// or smtps://" }),
  APP_URL: z.string().url({ message: "must be an absolute URL such as https://hub.example.org" }).optional(),
  // Other origins (scheme://host[:port], comma-separated) allowed to send state-changing and CORS requests.
  ALLOWED_ORIGINS: z
    .string()
    .optional()
    .refine((v) => !v || v.split(/[\s,]+/).filter(Boolean).every((o) => /^https?:\/\/[^/\s]+\/?$/.test(o)), {
      message: "must be a comma-separated list of origins such as https://partners.example.org",
    }),
  PORT: z.coerce.number().int().min(1).max(65535).default(3000),
  SESSION_SECRET: z.string().min(32, { message: "must be at least 32 characters" }).optional(),
  MAIL_FROM: z.string().default("GenMig Hub <hub@genmig.invalid>"),
  // DKIM signing of every message (ADR 0042): all three, the key as PEM text or a file; npm run cli -- dkim:keygen.
  DKIM_DOMAIN: z.string().optional(),
  DKIM_SELECTOR: z.string().optional(),
  DKIM_PRIVATE_KEY: z.string().optional(),
  DKIM_PRIVATE_KEY_FILE: z.string().optional(),
  // The SMTP relay signs the mail itself: production sending without DKIM_* is then accepted.
  DKIM_SIGNED_BY_RELAY: z.enum(["0", "1"], { message: "must be 0 or 1" }).optional(),
  // Pooled SMTP connections per worker process (several messages in flight on each worker).
  MAIL_CONNECTIONS: z.coerce.number().int().min(1, { message: "must be at least 1" }).max(50, { message: "must be at most 50" }).default(5),
  // Messages per second per worker process (a provider limit such as 14); 0 means unlimited.
  MAIL_RATE_PER_SECOND: z.coerce.number({ invalid_type_error: "must be a number of messages per second" }).min(0, { message: "must be 0 (unlimited) or more" }).default(0),
  // Bulk messages (digests, distributions) per rolling 24 hours across all workers; 0 means no cap. Transactional
  // mail is never capped. A send that reaches the cap continues by itself as the window frees (ADR 0019).
  MAIL_DAILY_CAP: z.coerce.number({ invalid_type_error: "must be a number of messages per 24 hours" }).int({ message: "must be a whole number" }).min(0, { message: "must be 0 (no cap) or more" }).default(0),
  // How long a worker's claim on a message lasts without renewal; a live worker renews it every third of that
  // while the message waits or is on the wire, so this is how soon a crashed worker's messages are taken over.
  MAIL_LEASE_SECONDS: z.coerce.number({ invalid_type_error: "must be a number of seconds" }).min(1, { message: "must be at least 1" }).max(3600, { message: "must be at most 3600" }).default(30),
  // Days to keep mailbox files and sent outbox rows; 0 keeps them forever.
  MAIL_RETENTION_DAYS: z.coerce.number().int({ message: "must be a whole number of days" }).min(0, { message: "must be 0 (keep forever) or more" }).default(30),
  // Reverse proxies (addresses or CIDRs) whose X-Forwarded-For is believed; see app/utils/client-ip.server.ts.
  TRUST_PROXY: z
    .string()
    .optional()
    .superRefine((v, ctx) => {
      try {
        new ProxyList(v);
      } catch (error) {
        ctx.addIssue({ code: "custom", message: (error as Error).message });
      }
    }),
  // Where uploaded documents live: "disk" (DATA_DIR/files) or "database" (shared by every process on PostgreSQL).
  FILE_STORE: z.enum(["disk", "database"], { message: "must be disk or database" }).default("disk"),
  // Documents shared in dialogues (ADR 0039): files still shared (not removed) and their total size, per person
  // across all dialogues and per dialogue, and uploads per person per hour.
  DIALOGUE_FILES_PER_PERSON: wholeNumber(1).default(200),
  DIALOGUE_MB_PER_PERSON: wholeNumber(1).default(1000),
  DIALOGUE_FILES_PER_DIALOGUE: wholeNumber(1).default(1000),
  DIALOGUE_MB_PER_DIALOGUE: wholeNumber(1).default(5000),
  DIALOGUE_UPLOADS_PER_HOUR: wholeNumber(1).default(60),
  // Smallest count published by the participation statistics; smaller ones show as "<k" (ADR 0022).
  INSIGHTS_MIN_CELL: z.coerce
    .number({ invalid_type_error: "must be a whole number" })
    .int({ message: "must be a whole number" })
    .min(4, { message: "must be at least 4: smaller counts can identify people" })
    .default(5),
  // Shared secret of POST /webhooks/email-events (bounces, complaints); unset: the endpoint refuses everything.
  EMAIL_WEBHOOK_SECRET: z.string().min(24, { message: "must be at least 24 characters" }).optional(),
  // Email events older than this (by their own timestamp) are refused as replays; ids are remembered this long (ADR 0044).
  EMAIL_EVENT_MAX_AGE_SECONDS: z.coerce
    .number({ invalid_type_error: "must be a whole number of seconds" })
    .int({ message: "must be a whole number of seconds" })
    .min(300, { message: "must be at least 300 (5 minutes)" })
    .max(30 * 86400, { message: "must be at most 2592000 (30 days)" })
    .default(3 * 86400),
  // Replies by email into dialogues (ADR 0052): the domain of reply+<token>@… addresses; unset, no mail offers one.
  REPLY_DOMAIN: z
    .string()
    .optional()
    .refine((v) => !v || /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/i.test(v), { message: "must be a domain name such as reply.partners.org" }),
  // Key of the reply addresses' signatures; unset: derived from SESSION_SECRET. Changing it voids every address.
  REPLY_SECRET: z.string().min(32, { message: "must be at least 32 characters" }).optional(),
  // How long a reply address works after the mail that named it (days).
  REPLY_ADDRESS_DAYS: z.coerce
    .number({ invalid_type_error: "must be a whole number of days" })
    .int({ message: "must be a whole number of days" })
    .min(1, { message: "must be at least 1" })
    .max(365, { message: "must be at most 365" })
    .default(60),
  // The built-in SMTP receiver for replies (a relay forwards reply+… mail to it); unset: not started.
  INBOUND_SMTP_PORT: z.coerce.number().int().min(1).max(65535).optional(),
  INBOUND_SMTP_HOST: z.string().min(1).default("0.0.0.0"),
  // Secret of POST /webhooks/inbound-email (raw MIME from a provider's inbound parse); unset: EMAIL_WEBHOOK_SECRET's.
  INBOUND_EMAIL_SECRET: z.string().min(24, { message: "must be at least 24 characters" }).optional(),
  // The mailto: address in List-Unsubscribe (requests are handled by whoever reads it); default: MAIL_FROM's address.
  LIST_UNSUBSCRIBE_MAILTO: z.string().email({ message: "must be an email address" }).optional(),
  // How long a subscription confirmation link works (hours); it works once (ADR 0041).
  SUBSCRIPTION_CONFIRM_HOURS: z.coerce
    .number({ invalid_type_error: "must be a whole number of hours" })
    .int({ message: "must be a whole number of hours" })
    .min(1, { message: "must be at least 1" })
    .max(720, { message: "must be at most 720 (30 days)" })
    .default(48),
  // GraphQL introspection (schema queries): on by default in development and test, off in production (ADR 0041).
  GRAPHQL_INTROSPECTION: z.enum(["0", "1"], { message: "must be 0 or 1" }).optional(),
  // On SIGTERM/SIGINT the web process stops accepting and waits this long for requests in flight (ADR 0028).
  SHUTDOWN_TIMEOUT_SECONDS: z.coerce
    .number({ invalid_type_error: "must be a number of seconds" })
    .min(0, { message: "must be 0 or more" })
    .max(300, { message: "must be at most 300" })
    .default(10),
  // Run the outbox worker inside the web process (default: yes on the embedded database, no on PostgreSQL).
  RUN_WORKER: z.enum(["0", "1"]).optional(),
  // Log lines at this level and above: fatal, error, warn, info (default), debug, trace or silent (ADR 0051).
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"], { message: "must be fatal, error, warn, info, debug, trace or silent" }).optional(),
  // Bearer token a Prometheus scraper sends to GET /metrics; unset: /metrics answers 404 (ADR 0051).
  METRICS_TOKEN: z.string().min(16, { message: "must be at least 16 characters" }).optional(),
});

export type Env = z.infer<typeof schema> & { APP_URL: string; SESSION_SECRET: string; DKIM: DkimKey | null };

export class EnvError extends Error {}

function readOrCreateSecret(dataDir: string): string {
  const file = path.join(dataDir, "session-secret");
  try {
    return fs.readFileSync(file, "utf8").trim();
  } catch {
    const secret = crypto.randomBytes(32).toString("base64url");
    // Exclusive create so two processes starting together keep the first one's secret
    return writePrivateFileOnce(file, secret) ? secret : fs.readFileSync(file, "utf8").trim();
  }
}

export function parseEnv(source: NodeJS.ProcessEnv): Env {
  const cleaned = Object.fromEntries(Object.entries(source).filter(([, v]) => v !== ""));
  const result = schema.safeParse(cleaned);
  if (!result.success) {
    const lines = result.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`);
    throw new EnvError(`Invalid configuration:\n${lines.join("\n")}`);
  }
  const e = result.data;
  if (e.FILE_STORE === "database" && !/^postgres(ql)?:\/\//.test(e.DATABASE_URL ?? "")) {
    // The embedded database has one process: its files directory already serves everyone.
    throw new EnvError("Invalid configuration:\n  FILE_STORE: database needs DATABASE_URL=postgres://… (the embedded database keeps files on disk)");
  }
  const sender = senderSettings(e);
  if (sender.problems.length) throw new EnvError(`Invalid configuration:\n${sender.problems.map((p) => `  ${p}`).join("\n")}`);
  // The data directory holds the database, the session secret and every mail sent: its owner only.
  ensurePrivateDir(e.DATA_DIR);
  return {
    ...e,
    APP_URL: (e.APP_URL ?? `http://localhost:${e.PORT}`).replace(/\/$/, ""),
    SESSION_SECRET: e.SESSION_SECRET ?? readOrCreateSecret(e.DATA_DIR),
    DKIM: sender.dkim,
  };
}

const KEY = Symbol.for("genmig.env");
type G = typeof globalThis & { [KEY]?: Env };

/** Parsed once per process; tests reset it with resetEnv() after changing process.env. */
export function env(): Env {
  const g = globalThis as G;
  return (g[KEY] ??= parseEnv(process.env));
}

export function resetEnv() {
  delete (globalThis as G)[KEY];
}
