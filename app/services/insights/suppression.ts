/**
 * Small-cell suppression for every published count (page, GraphQL, CSV, print): one module, pure, no I/O.
 *
 * A table is a grid of counts with, optionally, row totals, column totals and a grand total. Publishing it:
 *  1. primary suppression: every number (cell or total) below k is hidden and shown as "<k";
 *  2. complementary suppression, line rule: a row or column (with its total) that hides exactly one number would
 *     give it away by subtraction, so the smallest published number of that line is hidden too; repeated until
 *     no line hides exactly one number;
 *  3. audit: the line rule is not enough in general (several lines together can pin a value), so each hidden
 *     number is checked against every published one at once — all the integer tables that agree with what is
 *     published (hidden small numbers in 0…k−1, hidden others ≥ k) are a network-flow problem, solved exactly —
 *     and a hidden number that can take only one value gets a neighbour hidden too; then back to 2, until stable.
 * Percentages are only ever computed from two published numbers (`share`). See docs/decisions/0022.
 */

export const DEFAULT_K = 5;
export const MIN_K = 4;

/** "value": published; "small": below k, shown as "<k"; "hidden": at least k, hidden to protect a small one. */
export type Cell = { kind: "value"; value: number } | { kind: "small" } | { kind: "hidden" };

export interface TableShape {
  rowTotals?: boolean;
  colTotals?: boolean;
  /** Only meaningful with row or column totals. */
  grandTotal?: boolean;
}

export interface PublishedTable {
  k: number;
  cells: Cell[][];
  rowTotals: Cell[] | null;
  colTotals: Cell[] | null;
  grandTotal: Cell | null;
}

/** k from configuration: whole, default 5, never below 4 (a smaller k protects nobody, and the published rounding needs k ≥ 4: ADR 0037). */
export function clampK(value: unknown): number {
  const n = typeof value === "string" && value.trim() !== "" ? Number(value) : typeof value === "number" ? value : NaN;
  if (!Number.isFinite(n)) return DEFAULT_K;
  return Math.max(MIN_K, Math.floor(n));
}

export const label = (cell: Cell, k: number): string => (cell.kind === "value" ? String(cell.value) : cell.kind === "small" ? `<${k}` : "x");
export const valueOf = (cell: Cell | null | undefined): number | null => (cell?.kind === "value" ? cell.value : null);

/** Per cent, rounded, only when both numbers are published and the base is not zero. */
export function share(part: Cell | null | undefined, whole: Cell | null | undefined): number | null {
  const a = valueOf(part);
  const b = valueOf(whole);
  return a === null || b === null || b === 0 ? null : Math.round((a * 100) / b);
}

// ── internal model: every number of the table is a slot; lines say which slots must add up ────────────────
interface Slot {
  value: number;
  hidden: boolean;
}
interface Model {
  rows: number;
  cols: number;
  slots: Slot[]; // cells row-major, then row totals, column totals, grand total (those present)
  rowTotal: (r: number) => number; // slot index or -1
  colTotal: (c: number) => number;
  grand: number;
  /** Each line: member slots and the slot of their sum. */
  lines: { members: number[]; total: number }[];
}

function buildModel(counts: number[][], shape: TableShape): Model {
  const rows = counts.length;
  const cols = rows ? counts[0].length : 0;
  const slots: Slot[] = [];
  for (const row of counts) for (const v of row) slots.push({ value: v, hidden: false });
  const cell = (r: number, c: number) => r * cols + c;
  const rowBase = slots.length;
  if (shape.rowTotals) for (const row of counts) slots.push({ value: row.reduce((a, b) => a + b, 0), hidden: false });
  const colBase = slots.length;
  if (shape.colTotals) for (let c = 0; c < cols; c++) slots.push({ value: counts.reduce((a, row) => a + row[c], 0), hidden: false });
  const withGrand = !!shape.grandTotal && (!!shape.rowTotals || !!shape.colTotals);
  const grand = withGrand ? slots.length : -1;
  if (withGrand) slots.push({ value: counts.flat().reduce((a, b) => a + b, 0), hidden: false });
  const rowTotal = (r: number) => (shape.rowTotals ? rowBase + r : -1);
  const colTotal = (c: number) => (shape.colTotals ? colBase + c : -1);
  const lines: Model["lines"] = [];
  if (shape.rowTotals) for (let r = 0; r < rows; r++) lines.push({ members: [...Array(cols).keys()].map((c) => cell(r, c)), total: rowTotal(r) });
  if (shape.colTotals) for (let c = 0; c < cols; c++) lines.push({ members: [...Array(rows).keys()].map((r) => cell(r, c)), total: colTotal(c) });
  if (grand >= 0 && shape.rowTotals) lines.push({ members: [...Array(rows).keys()].map(rowTotal), total: grand });
  if (grand >= 0 && shape.colTotals) lines.push({ members: [...Array(cols).keys()].map(colTotal), total: grand });
  return { rows, cols, slots, rowTotal, colTotal, grand, lines };
}

/** Hides the smallest published slot among the candidates (cells before totals); false when none is left. */
function hideSmallest(model: Model, candidates: number[]): boolean {
  const open = candidates.filter((i) => !model.slots[i].hidden);
  if (!open.length) return false;
  const isTotal = (i: number) => i >= model.rows * model.cols;
  open.sort((a, b) => Number(isTotal(a)) - Number(isTotal(b)) || model.slots[a].value - model.slots[b].value || a - b);
  model.slots[open[0]].hidden = true;
  return true;
}

function lineRule(model: Model): void {
  for (let changed = true; changed; ) {
    changed = false;
    for (const line of model.lines) {
      const all = [...line.members, line.total];
      if (all.filter((i) => model.slots[i].hidden).length === 1 && hideSmallest(model, all)) changed = true;
    }
  }
}

// ── exact audit: the tables consistent with the published numbers are the feasible circulations of a network ─
const INF = 1e12;

interface Edge {
  to: number;
  cap: number;
  rev: number;
}

function maxFlow(n: number, adj: Edge[][], s: number, t: number): number {
  let total = 0;
  for (;;) {
    const level = new Array<number>(n).fill(-1);
    level[s] = 0;
    const queue = [s];
    for (let qi = 0; qi < queue.length; qi++) {
      for (const e of adj[queue[qi]]) {
        if (e.cap > 0 && level[e.to] < 0) {
          level[e.to] = level[queue[qi]] + 1;
          queue.push(e.to);
        }
      }
    }
    if (level[t] < 0) return total;
    const it = new Array<number>(n).fill(0);
    const push = (u: number, f: number): number => {
      if (u === t) return f;
      for (; it[u] < adj[u].length; it[u]++) {
        const e = adj[u][it[u]];
        if (e.cap > 0 && level[e.to] === level[u] + 1) {
          const d = push(e.to, Math.min(f, e.cap));
          if (d > 0) {
            e.cap -= d;
            adj[e.to][e.rev].cap += d;
            return d;
          }
        }
      }
      return 0;
    };
    for (let f = push(s, INF); f > 0; f = push(s, INF)) total += f;
  }
}

type Bounds = [number, number];

/** Is there a table agreeing with every published number, hidden ones within their bounds? */
function feasible(model: Model, k: number, override?: { slot: number; bounds: Bounds }): boolean {
  const bounds = (i: number): Bounds => {
    if (override?.slot === i) return override.bounds;
    const s = model.slots[i];
    if (!s.hidden) return [s.value, s.value];
    return s.value < k ? [0, k - 1] : [k, INF];
  };
  // Nodes: S, rows, cols, T, plus super source/sink. Edges S→row (row total), row→col (cell), col→T (column
  // total), T→S (grand total); absent totals are free.
  const { rows, cols } = model;
  const S = 0;
  const row = (r: number) => 1 + r;
  const col = (c: number) => 1 + rows + c;
  const T = 1 + rows + cols;
  const SS = T + 1;
  const TT = T + 2;
  const n = T + 3;
  const adj: Edge[][] = Array.from({ length: n }, () => []);
  const excess = new Array<number>(n).fill(0);
  const add = (u: number, v: number, [lo, hi]: Bounds) => {
    if (lo > hi) return false;
    excess[v] += lo;
    excess[u] -= lo;
    const cap = hi - lo;
    adj[u].push({ to: v, cap, rev: adj[v].length });
    adj[v].push({ to: u, cap: 0, rev: adj[u].length - 1 });
    return true;
  };
  const free: Bounds = [0, INF];
  let ok = true;
  for (let r = 0; r < rows; r++) ok &&= add(S, row(r), model.rowTotal(r) >= 0 ? bounds(model.rowTotal(r)) : free);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) ok &&= add(row(r), col(c), bounds(r * cols + c));
  for (let c = 0; c < cols; c++) ok &&= add(col(c), T, model.colTotal(c) >= 0 ? bounds(model.colTotal(c)) : free);
  ok &&= add(T, S, model.grand >= 0 ? bounds(model.grand) : free);
  if (!ok) return false;
  let need = 0;
  for (let v = 0; v < SS; v++) {
    if (excess[v] > 0) {
      need += excess[v];
      add(SS, v, [0, excess[v]]);
    } else if (excess[v] < 0) add(v, TT, [0, -excess[v]]);
  }
  return maxFlow(n, adj, SS, TT) === need;
}

/** A hidden number is safe when the published ones allow it at least two values. */
function ambiguous(model: Model, k: number, slot: number): boolean {
  const s = model.slots[slot];
  const [lo, hi]: Bounds = s.value < k ? [0, k - 1] : [k, INF];
  return (s.value - 1 >= lo && feasible(model, k, { slot, bounds: [lo, s.value - 1] })) || (s.value + 1 <= hi && feasible(model, k, { slot, bounds: [s.value + 1, hi] }));
}

/** The slots sharing a line with this one (its row, its column, or the totals line it sits on). */
function neighbours(model: Model, slot: number): number[] {
  return [...new Set(model.lines.filter((l) => l.total === slot || l.members.includes(slot)).flatMap((l) => [...l.members, l.total]))].filter((i) => i !== slot);
}

/** Published slots ordered by how far they sit from this one through shared lines, nearest first. */
function candidatesNear(model: Model, slot: number): number[] {
  const seen = new Set([slot]);
  const out: number[] = [];
  for (let frontier = [slot]; frontier.length; ) {
    const next = [...new Set(frontier.flatMap((i) => neighbours(model, i)))].filter((i) => !seen.has(i));
    next.forEach((i) => seen.add(i));
    const open = next.filter((i) => !model.slots[i].hidden);
    const isTotal = (i: number) => i >= model.rows * model.cols;
    open.sort((a, b) => Number(isTotal(a)) - Number(isTotal(b)) || model.slots[a].value - model.slots[b].value || a - b);
    out.push(...open);
    frontier = next;
  }
  return out;
}

/** Hides one more number so the pinned one gets a second possible value: the nearest, smallest that does it. */
function protect(model: Model, k: number, slot: number): boolean {
  const candidates = candidatesNear(model, slot);
  if (!candidates.length) return false;
  for (const c of candidates) {
    model.slots[c].hidden = true;
    if (ambiguous(model, k, slot)) return true;
    model.slots[c].hidden = false;
  }
  // None alone is enough: hide the nearest and look again (the loop adds more).
  model.slots[candidates[0]].hidden = true;
  return true;
}

export function suppress(counts: number[][], shape: TableShape = {}, k = DEFAULT_K): PublishedTable {
  k = clampK(k);
  if (counts.some((row) => row.length !== (counts[0]?.length ?? 0) || row.some((v) => !Number.isInteger(v) || v < 0))) {
    throw new Error("counts must be a rectangular grid of whole numbers ≥ 0");
  }
  const model = buildModel(counts, shape);
  for (const s of model.slots) if (s.value < k) s.hidden = true;
  for (;;) {
    lineRule(model);
    // A pinned number with no published neighbour left cannot be helped; the others still can.
    const fixed = model.slots.some((s, i) => s.hidden && !ambiguous(model, k, i) && protect(model, k, i));
    if (!fixed) break;
  }
  const out = (i: number): Cell => {
    const s = model.slots[i];
    return !s.hidden ? { kind: "value", value: s.value } : s.value < k ? { kind: "small" } : { kind: "hidden" };
  };
  return {
    k,
    cells: counts.map((row, r) => row.map((_, c) => out(r * model.cols + c))),
    rowTotals: shape.rowTotals ? counts.map((_, r) => out(model.rowTotal(r))) : null,
    colTotals: shape.colTotals ? (counts[0] ?? []).map((_, c) => out(model.colTotal(c))) : null,
    grandTotal: model.grand >= 0 ? out(model.grand) : null,
  };
}
