import type { OutboxStatus, Prisma } from "../generated/prisma/client.ts";
import type { PageArgs } from "../schemas/page.ts";
import { prisma } from "../utils/db.server.ts";
import { paginate } from "./pagination.server.ts";
import { authorize, type Actor } from "./policy.server.ts";

export interface OutboxFilter {
  status?: readonly OutboxStatus[] | null;
  /** Part of the recipient's address. */
  to?: string | null;
}

/** Admins follow mail delivery: newest first; bodies stay out of the list (they can be large). */
export async function listOutboxMessages(actor: Actor, filter: OutboxFilter = {}, page?: PageArgs) {
  authorize(actor, { do: "mail.view" });
  const where: Prisma.OutboxMessageWhereInput = {};
  if (filter.status?.length) where.status = { in: [...filter.status] };
  if (filter.to?.trim()) where.toAddress = { contains: filter.to.trim(), mode: "insensitive" };
  const db = prisma();
  return paginate(
    page,
    (q) =>
      db.outboxMessage.findMany({
        ...q,
        where,
        orderBy: [{ createdAt: "desc" }, { id: "desc" }],
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
    () => db.outboxMessage.count({ where }),
  );
}
