import fs from "node:fs";

/**
 * Creates `dir` (and missing parents) readable by this OS user only, and tightens it if an earlier version left
 * it open: it holds secrets (session key, sign-in links in mail files). A directory we do not own is left alone.
 */
export function ensurePrivateDir(dir: string) {
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  try {
    if ((fs.statSync(dir).mode & 0o077) !== 0) fs.chmodSync(dir, 0o700);
  } catch {
    // not ours (e.g. a mounted volume): its owner decides
  }
}

/** Writes a new file readable by this OS user only; false when it already exists. */
export function writePrivateFileOnce(file: string, data: string | Buffer): boolean {
  try {
    fs.writeFileSync(file, data, { mode: 0o600, flag: "wx" });
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "EEXIST") return false;
    throw error;
  }
}
