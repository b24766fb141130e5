import type { OutboxMessage } from "../app/generated/prisma/client.ts";
import { renewLeases } from "./claim.ts";

/**
 * The leases of one delivery run, kept alive: every third of a lease the rows still held (waiting in a batch or
 * on the wire) get a new lease in one UPDATE. A row the heartbeat no longer holds was taken over by another
 * worker and is not sent; while the heartbeat cannot reach the database, rows whose lease is about to run out
 * are not started either (another worker may take them once it has).
 */
export class Leases {
  private readonly expiry = new Map<string, number>();
  private readonly lost = new Set<string>();
  private readonly timer: NodeJS.Timeout;
  private renewing: Promise<void> | null = null;

  constructor(
    private readonly workerId: string,
    private readonly leaseMs: number,
    /** The clock of due times and leases (tests may run it ahead). */
    private readonly clock: () => number,
  ) {
    this.timer = setInterval(() => void this.renew(), Math.max(50, Math.floor(leaseMs / 3)));
    this.timer.unref();
  }

  /** Rows just claimed: their lease runs from when the claim was sent. */
  add(batch: OutboxMessage[], claimedAt: number) {
    for (const m of batch) this.expiry.set(m.id, claimedAt + this.leaseMs);
  }

  drop(messages: OutboxMessage[]) {
    for (const m of messages) this.expiry.delete(m.id);
  }

  /** May this worker start sending the message now? A margin of a fifth of the lease covers clock skew. */
  usable(id: string) {
    const until = this.expiry.get(id);
    return until !== undefined && !this.lost.has(id) && until - this.leaseMs / 5 > Date.now();
  }

  private renew() {
    if (this.renewing || !this.expiry.size) return this.renewing;
    const ids = [...this.expiry.keys()];
    const startedAt = Date.now();
    this.renewing = renewLeases(this.workerId, ids, new Date(this.clock() + this.leaseMs))
      .then((held) => {
        for (const id of ids) {
          if (!this.expiry.has(id)) continue;
          if (held.has(id)) this.expiry.set(id, startedAt + this.leaseMs);
          else this.lost.add(id);
        }
      })
      .catch(() => {}) // the database is away: rows stop being started as their leases near their end
      .finally(() => (this.renewing = null));
    return this.renewing;
  }

  async stop() {
    clearInterval(this.timer);
    await this.renewing;
  }
}
