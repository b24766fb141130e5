/**
 * Cell-key rounding of published counts (ADR 0037), pure: no I/O, no secret.
 *
 * Every registration carries a secret record key (0 … CELL_KEY_MODULUS−1, derived from the person's address
 * digest and the statistics secret, both stored by the database: see cell-key.server.ts). A cell's key is the sum
 * of its records' keys modulo CELL_KEY_MODULUS: the same registrations give the same key, whichever scope or query
 * asked, and a total's key is the sum of its cells' keys. A count n ≥ k is published rounded to a multiple of the
 * base b, up or down as the key says (up with chance (n mod b)/b, so unbiased), never below k. Counts below k stay
 * "<k" (suppression decides on true counts first).
 *
 * Why rounding to a lattice and not ±noise: two nested scopes' tables give their difference only up to the sum of
 * both roundings, and because every published number is a multiple of b, the difference's possible values can
 * never narrow to a single small count (b is chosen for k so that this holds; tests/cell-key.test.ts checks
 * every case exhaustively). Bounded ±noise without the lattice pins a count at the extremes of the noise.
 */

export const CELL_KEY_MODULUS = 2 ** 28;

/** The rounding base for k: the smallest b ≥ 3 that does not divide k − 3 (3 for the default k = 5). */
export function roundingBase(k: number): number {
  if (k < 4) throw new Error("cell-key rounding needs k ≥ 4");
  for (let b = 3; ; b++) if ((k - 3) % b !== 0) return b;
}

/** The number published for a true count n ≥ k with this cell key. */
export function roundCount(n: number, cellKey: number, k: number): number {
  const b = roundingBase(k);
  const down = n - (n % b);
  if (down === n && n >= k) return n;
  const up = down + b;
  if (down < k) return up;
  const u = (((cellKey % CELL_KEY_MODULUS) + CELL_KEY_MODULUS) % CELL_KEY_MODULUS) / CELL_KEY_MODULUS;
  return u < (n % b) / b ? up : down;
}

/** Every number a true count n ≥ k can be published as, whatever its key: what a reader of the method knows. */
export function possiblyPublished(n: number, k: number): number[] {
  const b = roundingBase(k);
  const down = n - (n % b);
  if (down === n && n >= k) return [n];
  if (down < k) return [down + b];
  return [down, down + b];
}

/** Adds record keys (or cell keys) the way cells combine. */
export const addKeys = (...keys: number[]) => keys.reduce((a, b) => (a + b) % CELL_KEY_MODULUS, 0);
