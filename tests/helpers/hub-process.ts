import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import path from "node:path";
import { chromium } from "playwright-core";

// The real hub in its own process (as `npm start` runs it) and Debian's Chromium, for tests and benchmarks that
// need a real socket or a real browser.
export const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

export function launchChromium() {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--no-first-run"],
  });
}

export async function freePort(): Promise<number> {
  const probe = net.createServer();
  await new Promise<void>((resolve, reject) => probe.once("error", reject).listen(0, "127.0.0.1", resolve));
  const { port } = probe.address() as net.AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

export async function waitForHealth(base: string, describeFailure: () => string = () => "") {
  for (let i = 0; i < 240; i++) {
    const ok = await fetch(`${base}/healthz`).then((r) => r.ok, () => false);
    if (ok) return;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${base} did not start\n${describeFailure()}`);
}

export interface Hub {
  base: string;
  port: number;
  child: ChildProcess;
  /** Stops the whole process group (the server and anything it started). */
  stop(): void;
}

/**
 * Starts the hub on the embedded database in `dataDir` (file mailbox, in-process worker), in production mode and
 * its own process group. `compiled` runs build/server.js (the `npm start` path); otherwise server.ts through tsx.
 */
export async function startHub(opts: { dataDir: string; host?: string; env?: Record<string, string>; compiled?: boolean }): Promise<Hub> {
  const port = await freePort();
  const base = `http://${opts.host ?? "127.0.0.1"}:${port}`;
  const env: NodeJS.ProcessEnv = { ...process.env, PORT: String(port), DATA_DIR: opts.dataDir, APP_URL: base, NODE_ENV: "production", ...opts.env };
  for (const name of ["DATABASE_URL", "SMTP_URL", "TRUST_PROXY", "ALLOWED_ORIGINS"]) if (!opts.env?.[name]) delete env[name];
  const logFile = path.join(opts.dataDir, "server.log");
  const log = fs.openSync(logFile, "w");
  const args = opts.compiled ? ["build/server.js"] : ["--import", "tsx", "server.ts"];
  const child = spawn(process.execPath, args, { env, stdio: ["ignore", log, log], detached: true });
  const stop = () => {
    if (child.pid && child.exitCode === null) {
      try {
        process.kill(-child.pid, "SIGTERM");
      } catch {
        // already gone
      }
    }
  };
  await waitForHealth(base, () => fs.readFileSync(logFile, "utf8"));
  return { base, port, child, stop };
}

/**
 * The first match of `pattern` in the newest mailbox file to `to`, waiting for the worker to write it. `after`
 * skips older mail: files written before that time (ms), or the file names already seen (a set taken earlier).
 */
export async function mailMatch(dataDir: string, to: string, pattern: RegExp, after: number | ReadonlySet<string> = 0) {
  const dir = path.join(dataDir, "mail");
  for (let i = 0; i < 60; i++) {
    const files = fs.existsSync(dir) ? fs.readdirSync(dir).sort().reverse() : [];
    for (const f of files) {
      const file = path.join(dir, f);
      if (typeof after === "number" ? fs.statSync(file).mtimeMs < after : after.has(f)) continue;
      // quoted-printable: soft line breaks and "=3D" for "="
      const raw = fs.readFileSync(file, "utf8").replace(/=\r?\n/g, "").replace(/=3D/g, "=");
      const found = pattern.exec(raw);
      if (raw.includes(`To: ${to}`) && found) return found;
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`no mail to ${to} matching ${pattern}`);
}

/** A link from the newest mail to `to` (the HTML part escapes "&" in query strings). */
export async function linkInMail(dataDir: string, to: string, pattern: RegExp, after: number | ReadonlySet<string> = 0) {
  return (await mailMatch(dataDir, to, pattern, after))[0].replace(/&amp;/g, "&");
}

/** The names of the mailbox files so far, to pass as `after` and read only mail written since. */
export function mailSeen(dataDir: string): Set<string> {
  const dir = path.join(dataDir, "mail");
  return new Set(fs.existsSync(dir) ? fs.readdirSync(dir) : []);
}

/** The sign-in token of the newest mail to `to` written after `after` (see `mailMatch`). */
export async function signInTokenFor(dataDir: string, to: string, after: number | ReadonlySet<string> = 0) {
  return (await mailMatch(dataDir, to, /\/auth\/verify\?token=([\w-]+)/, after))[1];
}
