import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { suppress, type Cell, type PublishedTable, type TableShape } from "../app/services/insights/suppression.ts";

/**
 * An attacker's view, solved by brute force (independently of the module's network-flow audit): every integer
 * table whose published numbers match, whose "<k" numbers lie in 0…k−1 and whose "x" numbers are ≥ k. A hidden
 * number is protected when at least two such tables give it different values.
 */
interface Slot {
  truth: number;
  cell: Cell;
}

function slotsOf(counts: number[][], t: PublishedTable) {
  const rows = counts.length;
  const cols = counts[0].length;
  const cells: Slot[][] = counts.map((row, r) => row.map((v, c) => ({ truth: v, cell: t.cells[r][c] })));
  const rowT = t.rowTotals?.map((cell, r) => ({ truth: counts[r].reduce((a, b) => a + b, 0), cell })) ?? null;
  const colT = t.colTotals?.map((cell, c) => ({ truth: counts.reduce((a, row) => a + row[c], 0), cell })) ?? null;
  const grand = t.grandTotal ? { truth: counts.flat().reduce((a, b) => a + b, 0), cell: t.grandTotal } : null;
  return { rows, cols, cells, rowT, colT, grand };
}

/** Does some consistent table give this slot another value? Depth-first over the hidden inner cells. */
function otherValuePossible(counts: number[][], t: PublishedTable, target: { kind: "cell"; r: number; c: number } | { kind: "row" | "col"; i: number } | { kind: "grand" }) {
  const k = t.k;
  const m = slotsOf(counts, t);
  const total = m.grand?.truth ?? counts.flat().reduce((a, b) => a + b, 0);
  const cap = total + k; // the true table lies inside; a second table found inside is a second table
  const range = (s: Slot): [number, number] => (s.cell.kind === "value" ? [s.truth, s.truth] : s.cell.kind === "small" ? [0, k - 1] : [k, cap]);
  const fits = (s: Slot | null, v: number) => !s || (v >= range(s)[0] && v <= range(s)[1]);
  const x = counts.map((row) => row.map(() => 0));
  const order: [number, number][] = [];
  for (let r = 0; r < m.rows; r++) for (let c = 0; c < m.cols; c++) order.push([r, c]);
  const differs = () => {
    if (target.kind === "cell") return x[target.r][target.c] !== counts[target.r][target.c];
    if (target.kind === "row") return x[target.i].reduce((a, b) => a + b, 0) !== m.rowT![target.i].truth;
    if (target.kind === "col") return x.reduce((a, row) => a + row[target.i], 0) !== m.colT![target.i].truth;
    return x.flat().reduce((a, b) => a + b, 0) !== m.grand!.truth;
  };
  const dfs = (i: number): boolean => {
    if (i === order.length) {
      for (let c = 0; c < m.cols; c++) if (m.colT && !fits(m.colT[c], x.reduce((a, row) => a + row[c], 0))) return false;
      if (m.grand && !fits(m.grand, x.flat().reduce((a, b) => a + b, 0))) return false;
      return differs();
    }
    const [r, c] = order[i];
    const [lo, hi] = range(m.cells[r][c]);
    for (let v = lo; v <= hi; v++) {
      x[r][c] = v;
      const rowSoFar = x[r].slice(0, c + 1).reduce((a, b) => a + b, 0);
      if (m.rowT) {
        const [rlo, rhi] = range(m.rowT[r]);
        if (rowSoFar > rhi) break;
        if (c === m.cols - 1 && rowSoFar < rlo) continue;
      }
      const colSoFar = x.slice(0, r + 1).reduce((a, row) => a + row[c], 0);
      if (m.colT) {
        const [clo, chi] = range(m.colT[c]);
        if (colSoFar > chi) break;
        if (r === m.rows - 1 && colSoFar < clo) continue;
      }
      if (x.flat().slice(0, i + 1).reduce((a, b) => a + b, 0) > cap) break;
      if (dfs(i + 1)) return true;
    }
    x[r][c] = 0;
    return false;
  };
  return dfs(0);
}

function hiddenTargets(t: PublishedTable) {
  const out: Parameters<typeof otherValuePossible>[2][] = [];
  t.cells.forEach((row, r) => row.forEach((cell, c) => cell.kind !== "value" && out.push({ kind: "cell", r, c })));
  t.rowTotals?.forEach((cell, i) => cell.kind !== "value" && out.push({ kind: "row", i }));
  t.colTotals?.forEach((cell, i) => cell.kind !== "value" && out.push({ kind: "col", i }));
  if (t.grandTotal && t.grandTotal.kind !== "value") out.push({ kind: "grand" });
  return out;
}

/**
 * The same question for a funnel column whose total the reader knows exactly (columns are independent there):
 * can the hidden cell take another value while the column's hidden cells still add up to what is left?
 */
function otherValueInKnownColumn(counts: number[][], cells: Cell[][], k: number, r: number, c: number) {
  const column = counts.map((row, i) => ({ truth: row[c], cell: cells[i][c] }));
  const left = column.reduce((a, x) => a + x.truth, 0) - column.reduce((a, x) => a + (x.cell.kind === "value" ? x.truth : 0), 0);
  const range = (cell: Cell): [number, number] => (cell.kind === "small" ? [0, k - 1] : [k, Infinity]);
  const others = column.filter((x, i) => i !== r && x.cell.kind !== "value");
  const lo = others.reduce((a, x) => a + range(x.cell)[0], 0);
  const hi = others.reduce((a, x) => a + range(x.cell)[1], 0);
  const [vlo, vhi] = range(cells[r][c]);
  for (let v = vlo; v <= Math.min(vhi, left); v++) if (v !== counts[r][c] && left - v >= lo && left - v <= hi) return true;
  return false;
}

// Small populations, as a webinar or a series gives: mostly small counts, some zeros, some larger ones.
const count = fc.oneof({ weight: 3, arbitrary: fc.integer({ min: 0, max: 6 }) }, { weight: 1, arbitrary: fc.integer({ min: 7, max: 14 }) });
const table = fc.integer({ min: 1, max: 3 }).chain((rows) => fc.integer({ min: 1, max: 3 }).chain((cols) => fc.array(fc.array(count, { minLength: cols, maxLength: cols }), { minLength: rows, maxLength: rows })));
const shape: fc.Arbitrary<TableShape> = fc.constantFrom<TableShape>(
  { rowTotals: true, colTotals: true, grandTotal: true },
  { colTotals: true },
  { rowTotals: true, colTotals: true },
  { colTotals: true, grandTotal: true },
);
const k = fc.integer({ min: 4, max: 6 }); // the smallest k allowed is 4 (ADR 0037)

describe("no published combination reveals a suppressed number", () => {
  it("every hidden number (cell or total) admits at least two values", () => {
    fc.assert(
      fc.property(table, shape, k, (counts, sh, kk) => {
        const t = suppress(counts, sh, kk);
        for (const target of hiddenTargets(t)) expect(otherValuePossible(counts, t, target), JSON.stringify({ counts, sh, kk, target })).toBe(true);
      }),
      { numRuns: 300, seed: 12 },
    );
  });

  it("published numbers are the true ones, every number below k is hidden, and published totals add up", () => {
    fc.assert(
      fc.property(table, shape, k, (counts, sh, kk) => {
        const t = suppress(counts, sh, kk);
        const m = slotsOf(counts, t);
        const all = [...m.cells.flat(), ...(m.rowT ?? []), ...(m.colT ?? []), ...(m.grand ? [m.grand] : [])];
        for (const s of all) {
          if (s.cell.kind === "value") expect(s.cell.value).toBe(s.truth);
          if (s.truth < kk) expect(s.cell.kind).toBe("small");
          if (s.cell.kind === "small") expect(s.truth).toBeLessThan(kk);
          if (s.cell.kind === "hidden") expect(s.truth).toBeGreaterThanOrEqual(kk);
        }
        // A fully published line is consistent with its published total.
        const v = (c: Cell) => (c.kind === "value" ? c.value : null);
        m.rowT?.forEach((rt, r) => {
          const members = t.cells[r].map(v);
          if (v(rt.cell) !== null && members.every((x) => x !== null)) expect(members.reduce((a, b) => a! + b!, 0)).toBe(v(rt.cell));
        });
        m.colT?.forEach((ct, c) => {
          const members = t.cells.map((row) => v(row[c]));
          if (v(ct.cell) !== null && members.every((x) => x !== null)) expect(members.reduce((a, b) => a! + b!, 0)).toBe(v(ct.cell));
        });
      }),
      { numRuns: 300, seed: 7 },
    );
  });

  it("crafted small datasets: a lone small cell, a zero row, a table of small numbers", () => {
    const crafted: [number[][], TableShape][] = [
      [[[12, 3], [9, 8]], { rowTotals: true, colTotals: true, grandTotal: true }],
      [[[0, 0], [7, 9]], { rowTotals: true, colTotals: true, grandTotal: true }],
      [[[1, 2], [3, 4]], { rowTotals: true, colTotals: true, grandTotal: true }],
      [[[20], [4], [30]], { colTotals: true }],
      [[[5, 0], [6, 5]], { rowTotals: true, colTotals: true, grandTotal: true }],
      [[[10, 6, 5], [0, 7, 9]], { colTotals: true }],
    ];
    for (const [counts, sh] of crafted) {
      const t = suppress(counts, sh, 5);
      expect(hiddenTargets(t).length).toBeGreaterThan(0);
      for (const target of hiddenTargets(t)) expect(otherValuePossible(counts, t, target), JSON.stringify({ counts, target })).toBe(true);
    }
  });

  it("a reader who knows the funnel's totals exactly (from another breakdown or a webinar's own page) learns no hidden cell the totals alone leave open", () => {
    // The stage totals are the same in every breakdown and staff see registration counts elsewhere, even where the
    // funnel shows "<k": the audit must hold against that reader too.
    const funnel = fc.integer({ min: 2, max: 5 }).chain((rows) => fc.integer({ min: 1, max: 3 }).chain((cols) => fc.array(fc.array(count, { minLength: cols, maxLength: cols }), { minLength: rows, maxLength: rows })));
    fc.assert(
      fc.property(funnel, k, (counts, kk) => {
        const t = suppress(counts, { colTotals: true }, kk);
        const everyCellHidden = counts.map((row) => row.map((v): Cell => (v < kk ? { kind: "small" } : { kind: "hidden" })));
        for (const target of hiddenTargets(t)) {
          if (target.kind !== "cell") continue;
          if (!otherValueInKnownColumn(counts, everyCellHidden, kk, target.r, target.c)) continue; // pinned by the totals alone
          expect(otherValueInKnownColumn(counts, t.cells, kk, target.r, target.c), JSON.stringify({ counts, kk, target })).toBe(true);
        }
      }),
      { numRuns: 500, seed: 21 },
    );
  });
});
