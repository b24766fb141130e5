import { z } from "zod";
import { prisma } from "../../utils/db.server.ts";
import { normaliseAddress, suppressionKey } from "./suppression.server.ts";

const isAddress = (v: string) => z.string().email().max(254).safeParse(v).success;

export interface ImportCounts {
  read: number;
  added: number;
  alreadySuppressed: number;
  invalid: number;
  invalidLines: number[];
}

/**
 * Imports a suppression list (from an earlier provider, a legal request…): one address per line, or CSV with
 * the address in any column (a header row has none and counts as invalid). Existing entries keep their reason.
 */
export async function importSuppressionList(content: string, source: string, opts: { chunk?: number } = {}): Promise<ImportCounts> {
  const counts: ImportCounts = { read: 0, added: 0, alreadySuppressed: 0, invalid: 0, invalidLines: [] };
  const addresses: string[] = [];
  const seen = new Set<string>();
  content.split(/\r?\n/).forEach((line, i) => {
    if (!line.trim() || line.trim().startsWith("#")) return;
    counts.read += 1;
    const cell = line
      .split(/[,;\t]/)
      .map((c) => c.trim().replace(/^"(.*)"$/, "$1").trim())
      .find((c) => c.includes("@"));
    if (!cell || !isAddress(cell)) {
      counts.invalid += 1;
      if (counts.invalidLines.length < 20) counts.invalidLines.push(i + 1);
      return;
    }
    const address = normaliseAddress(cell);
    if (seen.has(address)) return void (counts.alreadySuppressed += 1);
    seen.add(address);
    addresses.push(address);
  });
  const chunk = opts.chunk ?? 1000;
  const detail = `import: ${source}`.slice(0, 500);
  for (let i = 0; i < addresses.length; i += chunk) {
    const part = addresses.slice(i, i + chunk);
    const { count } = await prisma().suppressionEntry.createMany({
      data: part.map((email) => ({ addressHash: suppressionKey(email), reason: "IMPORTED" as const, detail })),
      skipDuplicates: true,
    });
    counts.added += count;
    counts.alreadySuppressed += part.length - count;
  }
  return counts;
}
