import type { Client } from "../utils/db.server.ts";
import { AppError } from "./errors.ts";

/**
 * Sliding-window limit stored in the database so every web process shares it.
 * Counts only attempts inside the window; old hits are pruned as new ones arrive.
 */
export async function consume(db: Client, bucket: string, limit: number, windowMs: number, now = new Date()) {
  const since = new Date(now.getTime() - windowMs);
  const used = await db.rateLimitHit.count({ where: { bucket, createdAt: { gt: since } } });
  if (used >= limit) throw new AppError("RATE_LIMITED", "rate_limited");
  await db.rateLimitHit.create({ data: { bucket, createdAt: now } });
  if (used === 0) await db.rateLimitHit.deleteMany({ where: { bucket, createdAt: { lte: since } } });
}
