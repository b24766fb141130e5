import type { Prisma } from "../../generated/prisma/client.ts";
import { prisma, type Client } from "../../utils/db.server.ts";
import { notFound } from "../errors.ts";
import { can, isStaff, type Actor } from "../policy.server.ts";

/** What every request use case loads with the request: the institution, the requester and the assignee. */
export const requestInclude = {
  partner: { select: { id: true, name: true, country: true } },
  requester: { select: { id: true, name: true, email: true } },
  assignee: { select: { id: true, name: true } },
  webinar: { select: { id: true, status: true } },
} satisfies Prisma.SupportRequestInclude;

export type SupportRequestView = Prisma.SupportRequestGetPayload<{ include: typeof requestInclude }>;

/**
 * The request as this actor may know it, or NOT_FOUND: the same answer for a missing id and for another
 * institution's request, so ids cannot be probed. Anonymous callers are asked to sign in first.
 */
export async function visibleRequest(actor: Actor, id: string, db: Client = prisma()): Promise<SupportRequestView> {
  if (actor.kind !== "user") throw notFound();
  const row = await db.supportRequest.findUnique({ where: { id }, include: requestInclude });
  if (!row || !can(actor, { do: "supportRequest.view", request: row })) throw notFound();
  return row;
}

/** The same rule as `supportRequest.view`, as a query. */
export function visibleWhere(actor: Actor): Prisma.SupportRequestWhereInput {
  if (actor.kind !== "user") return { id: { in: [] } };
  if (isStaff(actor)) return {};
  return { partnerId: { in: actor.memberships.map((m) => m.partnerId) } };
}

/** What a request is called in lists and mail: the event's title or the connection's topic. */
export const requestLabel = (r: { title: string | null; topic: string | null }) => r.title ?? r.topic ?? "";
