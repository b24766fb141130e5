import { describe, expect, it } from "vitest";
import { CELL_KEY_MODULUS, addKeys, possiblyPublished, roundCount, roundingBase } from "./cell-key.ts";

type Shown = number | "small" | "hidden";
const seen = new Map<string, Set<number>>();
/** What a reader who knows the method can believe of a true count, from one published number, "<k" or "x". */
function preimage(shown: Shown, k: number, cap: number): Set<number> {
  const id = `${k}/${shown}`;
  if (!seen.has(id)) {
    const out = new Set<number>();
    for (let n = 0; n <= cap; n++) if (shown === "small" ? n < k : n >= k && (shown === "hidden" || possiblyPublished(n, k).includes(shown))) out.add(n);
    seen.set(id, out);
  }
  return seen.get(id)!;
}

describe("cell-key rounding", () => {
  it("never lets two nested tables pin a small difference, for every k it allows", () => {
    for (let k = 4; k <= 12; k++) {
      const cap = 10 * k;
      const shownOf = (n: number): Shown[] => (n < k ? ["small"] : [...possiblyPublished(n, k), "hidden"]);
      for (let inner = 0; inner < cap - 2 * k; inner++) {
        for (let d = 0; d < k; d++) {
          for (const a of shownOf(inner + d)) {
            for (const b of shownOf(inner)) {
              const inA = preimage(a, k, cap);
              const inB = preimage(b, k, cap);
              const possible = new Set<number>();
              for (const x of inA) for (let e = 0; e < k; e++) if (inB.has(x - e)) possible.add(e);
              expect(possible.has(d)).toBe(true);
              expect(possible.size, `k=${k}, counts ${inner + d} and ${inner}, shown ${a} and ${b}`).toBeGreaterThan(1);
            }
          }
        }
      }
    }
  });

  it("publishes multiples of the base, never below k, the same for the same key, and unbiased over keys", () => {
    expect(roundingBase(5)).toBe(3);
    expect(roundingBase(6)).toBe(4);
    expect(() => roundingBase(3)).toThrow();
    for (let n = 5; n < 60; n++) {
      const key = (n * 7919) % CELL_KEY_MODULUS;
      const shown = roundCount(n, key, 5);
      expect(shown % 3).toBe(0);
      expect(shown).toBeGreaterThanOrEqual(5);
      expect(Math.abs(shown - n)).toBeLessThan(3);
      expect(possiblyPublished(n, 5)).toContain(shown);
      expect(roundCount(n, key, 5)).toBe(shown);
    }
    const keys = [...Array(3000).keys()].map((i) => Math.floor((i / 3000) * CELL_KEY_MODULUS));
    expect(keys.reduce((sum, key) => sum + roundCount(31, key, 5), 0) / keys.length).toBeCloseTo(31, 1);
    expect(addKeys(CELL_KEY_MODULUS - 1, 2)).toBe(1);
  });
});
