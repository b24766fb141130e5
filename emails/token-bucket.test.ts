import { describe, expect, it } from "vitest";
import { TokenBucket, type Clock } from "./token-bucket.ts";

/** A clock that only moves when someone sleeps, recording every sleep. */
function fakeClock() {
  let t = 0;
  const sleeps: number[] = [];
  const clock: Clock = {
    now: () => t,
    sleep: async (ms) => {
      sleeps.push(ms);
      t += ms;
    },
  };
  return { clock, sleeps, advance: (ms: number) => (t += ms), get time() {
    return t;
  } };
}

describe("TokenBucket", () => {
  it("lets a burst through, then paces callers at the rate", async () => {
    const c = fakeClock();
    const bucket = new TokenBucket(14, 14, c.clock);
    for (let i = 0; i < 14; i++) await bucket.take();
    expect(c.time).toBe(0);
    for (let i = 0; i < 28; i++) await bucket.take();
    // 28 more tokens at 14/s take two seconds (rounded up to whole milliseconds per wait).
    expect(c.time).toBeGreaterThanOrEqual(2000);
    expect(c.time).toBeLessThan(2000 + 28);
  });

  it("refills while idle, but never beyond its burst", async () => {
    const c = fakeClock();
    const bucket = new TokenBucket(10, 5, c.clock);
    for (let i = 0; i < 5; i++) await bucket.take();
    c.advance(60_000);
    for (let i = 0; i < 5; i++) await bucket.take();
    expect(c.sleeps).toEqual([]);
    await bucket.take();
    expect(c.sleeps).toEqual([100]);
  });

  it("serves concurrent callers in order, one token each", async () => {
    const c = fakeClock();
    const bucket = new TokenBucket(2, 1, c.clock);
    const order: number[] = [];
    await Promise.all([0, 1, 2, 3].map((i) => bucket.take().then(() => order.push(i))));
    expect(order).toEqual([0, 1, 2, 3]);
    expect(c.time).toBe(1500);
  });

  it("is unlimited at rate 0", async () => {
    const c = fakeClock();
    const bucket = new TokenBucket(0, 1, c.clock);
    for (let i = 0; i < 1000; i++) await bucket.take();
    expect(c.sleeps).toEqual([]);
  });
});
