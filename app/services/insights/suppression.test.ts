import { describe, expect, it } from "vitest";
import { clampK, label, share, suppress, type Cell } from "./suppression.ts";

const labels = (cells: Cell[], k = 5) => cells.map((c) => label(c, k));

describe("small-cell suppression", () => {
  it("hides every number below k as <k and publishes the rest", () => {
    const t = suppress([[12, 7], [9, 30]], { colTotals: true });
    expect(t.cells.map((r) => labels(r))).toEqual([["12", "7"], ["9", "30"]]);
    expect(labels(t.colTotals!)).toEqual(["21", "37"]);
    const small = suppress([[12], [3], [8]], {});
    expect(labels(small.cells.map((r) => r[0]))).toEqual(["12", "<5", "8"]);
  });

  it("hides a second number in a column whose total would give a lone hidden cell away", () => {
    // 3 = 23 − 12 − 8: the smallest other cell (8) goes too.
    const t = suppress([[12], [3], [8]], { colTotals: true });
    expect(labels(t.cells.map((r) => r[0]))).toEqual(["12", "<5", "x"]);
    expect(labels(t.colTotals!)).toEqual(["23"]);
  });

  it("handles rows and columns together, and totals below k", () => {
    const t = suppress([[2, 10, 11], [9, 8, 20], [6, 7, 15]], { rowTotals: true, colTotals: true, grandTotal: true });
    const hiddenPerLine = (cells: Cell[]) => cells.filter((c) => c.kind !== "value").length;
    for (let r = 0; r < 3; r++) expect(hiddenPerLine([...t.cells[r], t.rowTotals![r]])).not.toBe(1);
    for (let c = 0; c < 3; c++) expect(hiddenPerLine([...t.cells.map((row) => row[c]), t.colTotals![c]])).not.toBe(1);
    expect(t.cells[0][0]).toEqual({ kind: "small" });
    const tiny = suppress([[1, 2]], { rowTotals: true, colTotals: true, grandTotal: true });
    expect(labels([...tiny.cells[0], ...tiny.rowTotals!, ...tiny.colTotals!, tiny.grandTotal!])).toEqual(["<5", "<5", "<5", "<5", "<5", "<5"]);
  });

  it("hides a complement when one published total equals the minimum and would pin a zero", () => {
    // Column [0, 5] with total 5: hiding 0 and then 5 (≥ k) alone would pin both; the total goes too.
    const t = suppress([[0], [5]], { colTotals: true });
    expect(t.cells[0][0]).toEqual({ kind: "small" });
    expect(t.colTotals![0].kind).not.toBe("value");
  });

  it("takes k from configuration, never below 4", () => {
    expect(clampK(undefined)).toBe(5);
    expect(clampK("10")).toBe(10);
    expect(clampK("2")).toBe(4);
    expect(clampK(1)).toBe(4);
    expect(clampK("abc")).toBe(5);
    const t = suppress([[4], [12]], {}, 2);
    expect(t.k).toBe(4);
    expect(labels(t.cells.map((r) => r[0]), 4)).toEqual(["4", "12"]);
  });

  it("computes percentages only from published numbers", () => {
    expect(share({ kind: "value", value: 5 }, { kind: "value", value: 20 })).toBe(25);
    expect(share({ kind: "small" }, { kind: "value", value: 20 })).toBeNull();
    expect(share({ kind: "value", value: 5 }, { kind: "hidden" })).toBeNull();
    expect(share({ kind: "value", value: 0 }, { kind: "value", value: 0 })).toBeNull();
  });

  it("refuses what is not a table of counts", () => {
    expect(() => suppress([[1, 2], [3]])).toThrow();
    expect(() => suppress([[-1]])).toThrow();
  });
});
