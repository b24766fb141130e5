import { REGIONS, type Region } from "../../schemas/regions.ts";
import { REQUEST_STATUSES, REQUEST_TYPES, type RequestStatus, type RequestType } from "../../schemas/support-request.ts";
import type { Client } from "../../utils/db.server.ts";

export interface SupportRequestCounts {
  total: number;
  byStatus: Record<RequestStatus, number>;
  byType: Record<RequestType, number>;
  /** `NONE`: requests with no region (an institution whose country lies in no region). */
  byRegion: Record<Region | "NONE", number>;
}

const zeros = <K extends string>(keys: readonly K[]) => Object.fromEntries(keys.map((k) => [k, 0])) as Record<K, number>;

/**
 * Counts of requests received in [from, to) by status, type and region, for the insights page. Counts of
 * requests, not of people: the caller applies its own small-cell suppression and authorisation. Every key is
 * present (zero included), so a table has the same rows for every period.
 */
export async function supportRequestCounts(db: Client, period: { from?: Date; to?: Date } = {}): Promise<SupportRequestCounts> {
  const where = { createdAt: { ...(period.from ? { gte: period.from } : {}), ...(period.to ? { lt: period.to } : {}) } };
  const [byStatus, byType, byRegion] = await Promise.all([
    db.supportRequest.groupBy({ by: ["status"], where, _count: { _all: true } }),
    db.supportRequest.groupBy({ by: ["type"], where, _count: { _all: true } }),
    db.supportRequest.groupBy({ by: ["region"], where, _count: { _all: true } }),
  ]);
  const result: SupportRequestCounts = {
    total: 0,
    byStatus: zeros(REQUEST_STATUSES),
    byType: zeros(REQUEST_TYPES),
    byRegion: zeros([...REGIONS, "NONE"] as const),
  };
  for (const row of byStatus) {
    result.byStatus[row.status] = row._count._all;
    result.total += row._count._all;
  }
  for (const row of byType) result.byType[row.type] = row._count._all;
  for (const row of byRegion) {
    const key = row.region && (REGIONS as readonly string[]).includes(row.region) ? (row.region as Region) : "NONE";
    result.byRegion[key] += row._count._all;
  }
  return result;
}
