import { spawn } from "node:child_process";

/**
 * A test helper script (tests/helpers/*-process.ts) run as its own process group on `databaseUrl`, as a worker
 * beside the test would run: its output kept, its exit awaited, its last stdout line read as JSON.
 */
export function startScript(script: string, databaseUrl: string, args: string[], extraEnv: Record<string, string> = {}) {
  const child = spawn(process.execPath, ["--import", "tsx", script, ...args], {
    env: { ...process.env, DATABASE_URL: databaseUrl, NODE_ENV: "test", ...extraEnv },
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (c: Buffer) => (stdout += c));
  child.stderr.on("data", (c: Buffer) => (stderr += c));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on("exit", (code, signal) => resolve({ code, signal })));
  return {
    exited,
    output: () => ({ stdout, stderr }),
    json: () => JSON.parse(stdout.trim().split("\n").at(-1)!) as Record<string, unknown>,
    signal: (s: NodeJS.Signals) => process.kill(child.pid!, s),
    /** The whole process group, should the script have children; nothing if it is already gone. */
    kill: () => {
      try {
        process.kill(-child.pid!, "SIGKILL");
      } catch {
        // already gone
      }
    },
  };
}
export type ScriptProcess = ReturnType<typeof startScript>;
