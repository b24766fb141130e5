import type { OutboxStatus, Prisma } from "../generated/prisma/client.ts";
import type { PageArgs } from "../schemas/page.ts";
import { prisma } from "../utils/db.server.ts";
import { keysetPage } from "./pagination.server.ts";
import { authorize, type Actor } from "./policy.server.ts";

export interface OutboxFilter {
  status?: readonly OutboxStatus[] | null;
  /** A whole address, "@" and the start of a domain, or the start of an address or of its domain (any case). */
  to?: string | null;
}

const WHOLE_ADDRESS = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const WHOLE_DOMAIN = /^@[^\s@.]+(\.[^\s@.]+)+$/;

// LIKE's own wildcards in what was typed match themselves ("first_last@" is not "first?last@").
const likeEscaped = (text: string) => text.replace(/[\\%_]/g, (c) => `\\${c}`);

/**
 * What operators type to find mail, each read from an index in list order or as one range (ADR 0038): a whole
 * address is that address; "@example.org" that domain, "@exam" the domains starting so; anything else the addresses starting
 * with it, and without an "@" also the domains starting with it ("example" finds info@example.org and
 * example.person@mail.org). A part in the middle of an address ("4321") matches nothing.
 */
export function recipientWhere(typed: string): Prisma.OutboxMessageWhereInput {
  const to = typed.trim().toLowerCase();
  if (WHOLE_ADDRESS.test(to)) return { toAddressKey: to };
  if (WHOLE_DOMAIN.test(to)) return { toDomain: to.slice(1) };
  if (to.startsWith("@")) return { toDomain: { startsWith: likeEscaped(to.slice(1)) } };
  const start = { toAddressKey: { startsWith: likeEscaped(to) } };
  return to.includes("@") ? start : { OR: [start, { toDomain: { startsWith: likeEscaped(to) } }] };
}

/**
 * Admins follow mail delivery: newest first, keyset-paged on (createdAt, id); bodies stay out of the list (they can
 * be large). The recipient filter is index-backed (recipientWhere).
 */
export async function listOutboxMessages(actor: Actor, filter: OutboxFilter = {}, page?: PageArgs) {
  authorize(actor, { do: "mail.view" });
  const where: Prisma.OutboxMessageWhereInput = {};
  if (filter.status?.length) where.status = { in: [...filter.status] };
  const to = filter.to?.trim();
  if (to) Object.assign(where, recipientWhere(to));
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
