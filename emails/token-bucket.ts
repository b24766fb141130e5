export interface Clock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

export const systemClock: Clock = {
  now: () => performance.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

/**
 * Sending rate shared by every send of one worker: `ratePerSecond` tokens a second, at most `burst` saved up.
 * Waiters are served in arrival order, so a message that asked first sends first. A rate of 0 means unlimited.
 */
export class TokenBucket {
  private tokens: number;
  private last: number;
  private queue: Promise<void> = Promise.resolve();

  constructor(
    readonly ratePerSecond: number,
    readonly burst = Math.max(1, Math.ceil(ratePerSecond)),
    private readonly clock: Clock = systemClock,
  ) {
    this.tokens = burst;
    this.last = clock.now();
  }

  private refill() {
    const now = this.clock.now();
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) / 1000) * this.ratePerSecond);
    this.last = now;
  }

  /** Resolves when one message may be sent. */
  take(): Promise<void> {
    if (this.ratePerSecond <= 0) return Promise.resolve();
    // Chained so concurrent callers cannot both see the same token.
    const turn = this.queue.then(async () => {
      this.refill();
      while (this.tokens < 1) {
        await this.clock.sleep(Math.ceil(((1 - this.tokens) / this.ratePerSecond) * 1000));
        this.refill();
      }
      this.tokens -= 1;
    });
    this.queue = turn;
    return turn;
  }
}
