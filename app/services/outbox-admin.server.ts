import type { OutboxStatus, Prisma } from "../generated/prisma/client.ts";
import type { PageArgs } from "../schemas/page.ts";
import { prisma } from "../utils/db.server.ts";
import { keysetPage } from "./pagination.server.ts";
import { authorize, type Actor } from "./policy.server.ts";

export interface OutboxFilter {
  status?: readonly OutboxStatus[] | null;
  /** Part of the recipient's address. */
  to?: string | null;
}

const WHOLE_ADDRESS = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/**
 * Admins follow mail delivery: newest first, keyset-paged on (createdAt, id); bodies stay out of the list (they can
 * be large). A whole address is looked up through its index; a part of one is searched for newest first.
 */
export async function listOutboxMessages(actor: Actor, filter: OutboxFilter = {}, page?: PageArgs) {
  authorize(actor, { do: "mail.view" });
  const where: Prisma.OutboxMessageWhereInput = {};
  if (filter.status?.length) where.status = { in: [...filter.status] };
  const to = filter.to?.trim();
  if (to && WHOLE_ADDRESS.test(to)) where.toAddress = { in: [...new Set([to, to.toLowerCase()])] };
  else if (to) where.toAddress = { contains: to, mode: "insensitive" };
  const db = prisma();
  return keysetPage(page, {
    field: "createdAt",
    keyOf: async (id) => (await db.outboxMessage.findUnique({ where: { id }, select: { createdAt: true } }))?.createdAt ?? null,
    fetch: (q) =>
      db.outboxMessage.findMany({
        where: { AND: [where, q.where] },
        orderBy: q.orderBy,
        take: q.take,
        select: {
          id: true,
          toAddress: true,
          subject: true,
          status: true,
          attempts: true,
          lastError: true,
          createdAt: true,
          sentAt: true,
          nextAttemptAt: true,
        },
      }),
    count: () => db.outboxMessage.count({ where }),
  });
}
