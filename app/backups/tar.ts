import fs from "node:fs";
import type { Readable, Writable } from "node:stream";

// A minimal POSIX ustar writer and reader (regular files only), enough for a backup that `tar tzf` can also read.
// No tar package is a runtime dependency of the hub; this is all a backup needs.

const BLOCK = 512;

function header(name: string, size: number, mtime: Date): Buffer {
  const h = Buffer.alloc(BLOCK, 0);
  let prefix = "";
  let base = name;
  if (Buffer.byteLength(name) > 100) {
    const cut = name.lastIndexOf("/", 155);
    if (cut <= 0 || Buffer.byteLength(name.slice(cut + 1)) > 100) throw new Error(`Path too long for a backup: ${name}`);
    prefix = name.slice(0, cut);
    base = name.slice(cut + 1);
  }
  const octal = (n: number, width: number) => n.toString(8).padStart(width - 1, "0") + "\0";
  h.write(base, 0, 100, "utf8");
  h.write(octal(0o600, 8), 100, "ascii");
  h.write(octal(0, 8), 108, "ascii");
  h.write(octal(0, 8), 116, "ascii");
  h.write(octal(size, 12), 124, "ascii");
  h.write(octal(Math.floor(mtime.getTime() / 1000), 12), 136, "ascii");
  h.write("        ", 148, "ascii");
  h.write("0", 156, "ascii");
  h.write("ustar\0", 257, "ascii");
  h.write("00", 263, "ascii");
  h.write(prefix, 345, 155, "utf8");
  let sum = 0;
  for (const byte of h) sum += byte;
  h.write(sum.toString(8).padStart(6, "0") + "\0 ", 148, "ascii");
  return h;
}

const padding = (size: number) => Buffer.alloc((BLOCK - (size % BLOCK)) % BLOCK, 0);

function write(out: Writable, chunk: Buffer) {
  return out.write(chunk) ? Promise.resolve() : new Promise<void>((resolve) => out.once("drain", resolve));
}

export class TarWriter {
  constructor(private out: Writable) {}

  async addBuffer(name: string, data: Buffer | Uint8Array, mtime = new Date()) {
    await write(this.out, header(name, data.byteLength, mtime));
    await write(this.out, Buffer.from(data));
    await write(this.out, padding(data.byteLength));
  }

  /** A file as it is on disk now (its size is read first; a file growing meanwhile is cut at that size). */
  async addFile(name: string, file: string) {
    const stat = fs.statSync(file);
    await write(this.out, header(name, stat.size, stat.mtime));
    let left = stat.size;
    for await (const chunk of fs.createReadStream(file, { end: Math.max(0, stat.size - 1), highWaterMark: 1 << 20 }) as AsyncIterable<Buffer>) {
      if (left <= 0) break;
      const part = chunk.subarray(0, left);
      left -= part.length;
      await write(this.out, part);
    }
    if (left > 0) await write(this.out, Buffer.alloc(left, 0));
    await write(this.out, padding(stat.size));
  }

  async end() {
    await write(this.out, Buffer.alloc(BLOCK * 2, 0));
    await new Promise<void>((resolve, reject) => this.out.end((error?: Error | null) => (error ? reject(error) : resolve())));
  }
}

export interface TarEntry {
  name: string;
  size: number;
  /** The entry's bytes, in chunks; must be consumed before the next entry is asked for. */
  chunks: AsyncGenerator<Buffer>;
}

/** Reads a ustar stream entry by entry (regular files; directories and other types are skipped). */
export async function* readTar(input: Readable): AsyncGenerator<TarEntry> {
  const source = input[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  let buffered = Buffer.alloc(0);
  const fill = async (n: number) => {
    while (buffered.length < n) {
      const next = await source.next();
      if (next.done) throw new Error("The backup file is truncated");
      buffered = Buffer.concat([buffered, next.value]);
    }
  };
  const take = async (n: number) => {
    await fill(n);
    const out = buffered.subarray(0, n);
    buffered = buffered.subarray(n);
    return out;
  };
  for (;;) {
    const h = await take(BLOCK);
    if (h.every((b) => b === 0)) return;
    const text = (from: number, length: number) => h.subarray(from, from + length).toString("utf8").replace(/\0.*$/s, "");
    const size = parseInt(text(124, 12).trim() || "0", 8);
    const prefix = text(345, 155);
    const name = prefix ? `${prefix}/${text(0, 100)}` : text(0, 100);
    const type = text(156, 1);
    let left = size;
    async function* chunks() {
      while (left > 0) {
        if (!buffered.length) await fill(1);
        const part = buffered.subarray(0, Math.min(left, buffered.length));
        buffered = buffered.subarray(part.length);
        left -= part.length;
        yield Buffer.from(part);
      }
    }
    const body = chunks();
    if (type === "0" || type === "") yield { name, size, chunks: body };
    // Whatever the reader left unread of this entry (or all of it, for a skipped type).
    while (left > 0) {
      const skip = Math.min(left, 1 << 20);
      await take(skip);
      left -= skip;
    }
    await take((BLOCK - (size % BLOCK)) % BLOCK);
  }
}
