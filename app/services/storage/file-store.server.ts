import crypto from "node:crypto";
import fs from "node:fs/promises";
import path from "node:path";
import { env } from "../../utils/env.server.ts";
import { prisma } from "../../utils/db.server.ts";

/**
 * Where uploaded bytes live. Keys are made here (never from a file name), so no caller can steer a path.
 * Disk (default): DATA_DIR/files — one host, or several processes sharing that directory.
 * Database (FILE_STORE=database): the StoredFile table — every web process on one PostgreSQL sees the same files.
 */
export interface FileStore {
  put(key: string, bytes: Uint8Array): Promise<void>;
  get(key: string): Promise<Uint8Array | null>;
  remove(key: string): Promise<void>;
}

const KEY = /^[a-z0-9]{32}$/;

export function newFileKey(): string {
  return crypto.randomBytes(16).toString("hex");
}

function checkKey(key: string) {
  if (!KEY.test(key)) throw new Error("Invalid file key");
}

export class DiskFileStore implements FileStore {
  constructor(private readonly root: string) {}

  private pathOf(key: string) {
    checkKey(key);
    // Two-level fan-out keeps directories small for many thousands of files.
    return path.join(this.root, key.slice(0, 2), key);
  }

  async put(key: string, bytes: Uint8Array) {
    const target = this.pathOf(key);
    await fs.mkdir(path.dirname(target), { recursive: true, mode: 0o700 });
    // Write then rename: a reader never sees half a file, a crash leaves only a temp file.
    const temp = `${target}.${process.pid}.${crypto.randomBytes(4).toString("hex")}.tmp`;
    await fs.writeFile(temp, bytes, { mode: 0o600 });
    await fs.rename(temp, target);
  }

  async get(key: string) {
    try {
      return new Uint8Array(await fs.readFile(this.pathOf(key)));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return null;
      throw error;
    }
  }

  async remove(key: string) {
    await fs.rm(this.pathOf(key), { force: true });
  }
}

export class DatabaseFileStore implements FileStore {
  async put(key: string, bytes: Uint8Array) {
    checkKey(key);
    await prisma().storedFile.create({ data: { key, bytes: new Uint8Array(bytes), size: bytes.byteLength } });
  }

  async get(key: string) {
    checkKey(key);
    const row = await prisma().storedFile.findUnique({ where: { key }, select: { bytes: true } });
    return row ? new Uint8Array(row.bytes) : null;
  }

  async remove(key: string) {
    checkKey(key);
    await prisma().storedFile.deleteMany({ where: { key } });
  }
}

export function fileStore(): FileStore {
  const e = env();
  return e.FILE_STORE === "database" ? new DatabaseFileStore() : new DiskFileStore(path.join(e.DATA_DIR, "files"));
}
