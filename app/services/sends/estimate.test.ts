import { describe, expect, it } from "vitest";
import { estimateFinish } from "./estimate.ts";

const now = new Date("2026-11-26T10:00:00Z");
const hours = (d: Date | null) => (d!.getTime() - now.getTime()) / 3600_000;

describe("estimated finish of a send", () => {
  it("without a cap: what is left at the sending rate", () => {
    expect(hours(estimateFinish({ now, remaining: 36_000, ratePerSecond: 10, dailyCap: 0, usage: [] }))).toBeCloseTo(1, 5);
  });

  it("is unknown while nothing gives a rate, and now when nothing is left", () => {
    expect(estimateFinish({ now, remaining: 10, ratePerSecond: 0, dailyCap: 0, usage: [] })).toBeNull();
    expect(estimateFinish({ now, remaining: 0, ratePerSecond: 0, dailyCap: 0, usage: [] })).toEqual(now);
  });

  it("a send larger than the cap waits for the window and finishes the next day", () => {
    // 50,000 a day at 100/s: the first 50,000 go in under 9 minutes, the rest 24 h after those minutes.
    const eta = hours(estimateFinish({ now, remaining: 80_000, ratePerSecond: 100, dailyCap: 50_000, usage: [] }));
    expect(eta).toBeGreaterThan(24);
    expect(eta).toBeLessThan(24 + 10 / 60);
  });

  it("counts what was sent in the last 24 hours against the cap", () => {
    // The window is full from a burst 23 h ago: nothing can go for about an hour.
    const usage = [{ minute: new Date(now.getTime() - 23 * 3600_000), count: 1000 }];
    const eta = hours(estimateFinish({ now, remaining: 10, ratePerSecond: 1, dailyCap: 1000, usage }));
    expect(eta).toBeGreaterThan(1);
    expect(eta).toBeLessThan(1.1);
  });

  it("three days for three caps' worth", () => {
    const eta = hours(estimateFinish({ now, remaining: 3000, ratePerSecond: 1000, dailyCap: 1000, usage: [] }));
    expect(eta).toBeGreaterThan(48);
    expect(eta).toBeLessThan(48.1);
  });
});
