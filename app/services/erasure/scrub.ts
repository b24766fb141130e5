import type { Prisma } from "../../generated/prisma/client.ts";

/** What stands where an erased person's name, address or id was written in a record that stays. */
export const ERASED = "[erased]";

/** The identifiers of one person that erasure looks for: address and id anywhere, the name where it is a word. */
export interface Needles {
  email: string;
  id: string | null;
  name: string | null;
}

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/**
 * The name matches only as whole words (so "Ana" leaves "Banana" alone); names shorter than three letters are
 * too common to search for outside the person's own records.
 */
function patterns(n: Needles) {
  const list = [new RegExp(escapeRegExp(n.email), "gi")];
  if (n.id) list.push(new RegExp(escapeRegExp(n.id), "g"));
  if (n.name && n.name.trim().length >= 3) list.push(new RegExp(`(?<![\\p{L}\\p{N}])${escapeRegExp(n.name.trim())}(?![\\p{L}\\p{N}])`, "giu"));
  return list;
}

export function mentions(text: string | null | undefined, n: Needles): boolean {
  if (!text) return false;
  return patterns(n).some((p) => p.test(text));
}

export function scrubText(text: string, n: Needles): string {
  return patterns(n).reduce((t, p) => t.replace(p, ERASED), text);
}

/** The same inside any JSON value: strings scrubbed, keys kept. */
export function scrubJson(value: Prisma.JsonValue, n: Needles): Prisma.JsonValue {
  if (typeof value === "string") return scrubText(value, n);
  if (Array.isArray(value)) return value.map((v) => scrubJson(v, n));
  if (value && typeof value === "object") return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, scrubJson(v ?? null, n)]));
  return value;
}
