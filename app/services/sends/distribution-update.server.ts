import type { BulkSend } from "../../generated/prisma/client.ts";
import { prisma } from "../../utils/db.server.ts";
import { authorize, type Actor } from "../policy.server.ts";
import { isReleased } from "../publications/audience.ts";
import { createSend } from "./sends.server.ts";
import { loadPublication, queueDistribution, recipientsOf, segmentSchema, type Candidate, type Segment } from "./distribution.server.ts";

/** The segments of a publication's earlier real distributions (test sends to staff are not one). */
function segmentsOf(sends: { segment: unknown }[]): Segment[] {
  const seen = new Set<string>();
  const out: Segment[] = [];
  for (const s of sends) {
    if (!s.segment || typeof s.segment !== "object" || "test" in s.segment) continue;
    const parsed = segmentSchema.safeParse(s.segment);
    if (!parsed.success) continue;
    const key = JSON.stringify(parsed.data);
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(parsed.data);
  }
  return out;
}

/**
 * "Updated: <title>" to the people an updated publication was distributed to before — only when staff choose
 * to (the edit form's box, GraphQL `notifyEarlierRecipients`). The earlier sends' segments are matched again
 * today through the same audience rule, so whoever may no longer see the item gets nothing; a person in several
 * segments gets one mail; suppressed addresses none. A draft, an embargoed item or one never distributed sends
 * nothing (null).
 */
export async function notifyEarlierRecipients(actor: Actor, id: string): Promise<BulkSend | null> {
  authorize(actor, { do: "send.manage" });
  return prisma().$transaction(
    async (tx) => {
      const p = await loadPublication(tx, id);
      if (!isReleased(p)) return null;
      const earlier = await tx.bulkSend.findMany({ where: { publicationId: id, kind: "DISTRIBUTION" }, select: { segment: true }, orderBy: { startedAt: "asc" } });
      const segments = segmentsOf(earlier);
      if (!segments.length) return null;
      const byAddress = new Map<string, Candidate>();
      for (const segment of segments) {
        for (const r of await recipientsOf(tx, p, segment)) if (!byAddress.has(r.email.toLowerCase())) byAddress.set(r.email.toLowerCase(), r);
      }
      const send = await createSend(tx, {
        kind: "DISTRIBUTION_UPDATE",
        publicationId: id,
        segment: { segments },
        createdById: actor.kind === "user" ? actor.id : undefined,
      });
      return queueDistribution(tx, send.id, p, [...byAddress.values()], { update: true });
    },
    { timeout: 120_000, maxWait: 30_000 },
  );
}
