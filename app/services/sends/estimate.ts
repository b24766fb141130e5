/**
 * When will a send finish? Pure, so it is tested without a clock. `usage` is bulk messages per minute over the
 * last 24 hours (the daily cap's window); the send goes on at `ratePerSecond` while the window has room, and
 * waits for old minutes to leave the window when it has none — what the worker does (ADR 0019).
 */
export interface EstimateInput {
  now: Date;
  remaining: number;
  ratePerSecond: number;
  dailyCap: number;
  usage: { minute: Date; count: number }[];
}

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;
/** Beyond this the answer is "not within a year" (null): a cap of 1 a day for a million readers. */
const HORIZON_MINUTES = 366 * 24 * 60;

export function estimateFinish({ now, remaining, ratePerSecond, dailyCap, usage }: EstimateInput): Date | null {
  if (remaining <= 0) return now;
  if (!(ratePerSecond > 0)) return null;
  if (dailyCap <= 0) return new Date(now.getTime() + (remaining / ratePerSecond) * 1000);
  // Minute buckets leave the window 24 h after they end; simulate minute by minute with a running window sum.
  const start = Math.floor(now.getTime() / MINUTE);
  const window = new Map<number, number>();
  let used = 0;
  for (const u of usage) {
    const m = Math.floor(u.minute.getTime() / MINUTE);
    if ((m + 1) * MINUTE + DAY > now.getTime()) {
      window.set(m, (window.get(m) ?? 0) + u.count);
      used += u.count;
    }
  }
  const perMinute = ratePerSecond * 60;
  let left = remaining;
  for (let i = 0; i < HORIZON_MINUTES; i++) {
    const m = start + i;
    const expired = m - 24 * 60 - 1;
    used -= window.get(expired) ?? 0;
    window.delete(expired);
    const room = Math.max(0, dailyCap - used);
    const sendNow = Math.min(left, room, perMinute);
    if (sendNow > 0) {
      window.set(m, (window.get(m) ?? 0) + sendNow);
      used += sendNow;
      left -= sendNow;
      // The last minute is usually partial: finish within it at the sending rate.
      if (left <= 0) return new Date(Math.max(now.getTime(), m * MINUTE) + (sendNow / ratePerSecond) * 1000);
    }
  }
  return null;
}
