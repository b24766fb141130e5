import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { lockFile, releaseLock, tryClaim, type OwnerRecord } from "./db-lock.server.ts";

const root = fs.mkdtempSync(path.join(os.tmpdir(), "gmh-lock-"));
let n = 0;
const database = () => path.join(root, `db${n++}`, "pglite");
const linux = fs.existsSync("/proc/self/stat");

function startTime(pid: number) {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
  return stat.slice(stat.lastIndexOf(")") + 2).split(" ")[19];
}

function writeLock(dir: string, record: Partial<OwnerRecord>) {
  fs.mkdirSync(path.dirname(dir), { recursive: true });
  const full: OwnerRecord = { role: "server", command: "server.ts", startedAt: new Date().toISOString(), database: dir, pid: 0, ...record };
  fs.writeFileSync(lockFile(dir), JSON.stringify(full));
}

function claimed(dir: string) {
  const claim = tryClaim(dir, "cli");
  if (!("held" in claim)) throw new Error(`expected to hold ${dir}, owner is ${JSON.stringify(claim.owner)}`);
  return claim.held;
}

afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

describe("ownership lock of an embedded data directory", () => {
  it("is taken once per process, names its holder and is given back", () => {
    const dir = database();
    const lock = claimed(dir);
    expect(tryClaim(dir, "cli")).toEqual({ held: lock });
    const onDisk = JSON.parse(fs.readFileSync(lockFile(dir), "utf8")) as OwnerRecord;
    expect(onDisk).toMatchObject({ pid: process.pid, role: "cli", database: path.resolve(dir) });
    expect(fs.statSync(lockFile(dir)).mode & 0o777).toBe(0o600);
    releaseLock(lock);
    expect(fs.existsSync(lockFile(dir))).toBe(false);
  });

  it.skipIf(!linux)("answers with the owner while it lives and takes over once it is gone", async () => {
    const dir = database();
    const child = spawn(process.execPath, ["-e", "setInterval(() => {}, 1000)"], { stdio: "ignore" });
    await new Promise((resolve) => child.once("spawn", resolve));
    writeLock(dir, { pid: child.pid!, bootId: fs.readFileSync("/proc/sys/kernel/random/boot_id", "utf8").trim(), procStart: startTime(child.pid!) });
    expect(tryClaim(dir, "cli")).toMatchObject({ owner: { pid: child.pid } });
    child.kill("SIGKILL");
    await new Promise((resolve) => child.once("exit", resolve));
    const lock = claimed(dir);
    expect(lock.record.pid).toBe(process.pid);
    releaseLock(lock);
  });

  it.skipIf(!linux)("does not mistake a reused pid for the owner (a container restarted, the same pid again)", async () => {
    const child = spawn(process.execPath, ["-e", "setInterval(() => {}, 1000)"], { stdio: "ignore" });
    await new Promise((resolve) => child.once("spawn", resolve));
    try {
      const bootId = fs.readFileSync("/proc/sys/kernel/random/boot_id", "utf8").trim();
      const reused = database();
      writeLock(reused, { pid: child.pid!, bootId, procStart: String(Number(startTime(child.pid!)) - 1) });
      releaseLock(claimed(reused));
      const ourOldSelf = database();
      writeLock(ourOldSelf, { pid: process.pid, bootId, procStart: startTime(process.pid) });
      releaseLock(claimed(ourOldSelf));
      const otherBoot = database();
      writeLock(otherBoot, { pid: child.pid!, bootId: "another-boot", procStart: startTime(child.pid!) });
      releaseLock(claimed(otherBoot));
    } finally {
      child.kill("SIGKILL");
    }
  });
});
