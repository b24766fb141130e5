import { createRequire } from "node:module";
import pino, { type Logger } from "pino";

const LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"] as const;

/** LOG_LEVEL if it names a pino level, else info (warn under the test runner, whose output is for failures). */
export function logLevel(value = process.env.LOG_LEVEL): string {
  const wanted = value?.trim().toLowerCase();
  if (wanted && (LEVELS as readonly string[]).includes(wanted)) return wanted;
  return process.env.NODE_ENV === "test" ? "warn" : "info";
}

/**
 * pino-pretty is a devDependency: in development it makes lines readable when installed; everywhere else (and
 * when it is missing) the lines stay JSON, one a line, for a log shipper.
 */
function prettyStream() {
  if (process.env.NODE_ENV !== "development") return undefined;
  try {
    const require = createRequire(import.meta.url);
    const pretty = require("pino-pretty") as (opts: object) => NodeJS.WritableStream;
    return pretty({ colorize: true, translateTime: "SYS:HH:MM:ss", ignore: "pid,hostname" });
  } catch {
    return undefined;
  }
}

let root: Logger | undefined;

/**
 * The hub's one logger. Fields are chosen where a line is written and never include addresses, names, tokens or
 * session ids: every caller logs ids and counts only (ADR 0051).
 */
export function log(): Logger {
  if (root) return root;
  const options = {
    level: logLevel(),
    base: { pid: process.pid },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label: string) => ({ level: label }) },
  };
  const pretty = prettyStream();
  root = pretty ? pino(options, pretty) : pino(options);
  return root;
}

const ADDRESS = /[^\s@<>"'(),;:]+@[^\s@<>"'(),;:]+/g;

/**
 * A short description of an error for a log line: its class and last message line, never a stack; anything that
 * looks like an address (an SMTP refusal often quotes one) is masked.
 */
export function errorSummary(error: unknown): string {
  const text = error instanceof Error ? `${error.name}: ${error.message.trim().split("\n").at(-1)}` : String(error);
  return text.replace(ADDRESS, "<address>").slice(0, 300);
}

/**
 * The stack of an unexpected error, for the operator's eyes (never a response): frames only, since the message line
 * may quote input.
 */
export function stackOf(error: unknown): string | undefined {
  return error instanceof Error ? error.stack?.split("\n").filter((l) => /^\s+at /.test(l)).slice(0, 12).join("\n") : undefined;
}
