import type { Prisma } from "../generated/prisma/client.ts";
import { prisma, type Client } from "../utils/db.server.ts";
import { authorize, type Actor } from "./policy.server.ts";
import { paginate } from "./pagination.server.ts";
import type { PageArgs } from "../schemas/page.ts";

export async function recordAudit(
  db: Client,
  actor: Actor,
  action: string,
  target: { type: string; id: string },
  data?: Prisma.InputJsonValue,
) {
  await db.auditEntry.create({
    data: { actorId: actor.kind === "user" ? actor.id : null, action, targetType: target.type, targetId: target.id, data },
  });
}

export interface AuditFilter {
  /** Exact action, e.g. `partner.approved`; a trailing dot matches a whole domain (`webinar.`). */
  action?: string | null;
  /** Who did it: their email address (case-insensitive). */
  actorEmail?: string | null;
  targetId?: string | null;
}

/** Newest first, one page at a time. */
export async function listAuditEntries(actor: Actor, filter: AuditFilter = {}, page?: PageArgs) {
  authorize(actor, { do: "audit.view" });
  const where: Prisma.AuditEntryWhereInput = {};
  const action = filter.action?.trim();
  if (action) where.action = action.endsWith(".") ? { startsWith: action } : action;
  const email = filter.actorEmail?.trim();
  if (email) where.actor = { email: email.toLowerCase() };
  if (filter.targetId?.trim()) where.targetId = filter.targetId.trim();
  const db = prisma();
  return paginate(
    page,
    (q) =>
      db.auditEntry.findMany({
        ...q,
        where,
        orderBy: [{ createdAt: "desc" }, { id: "desc" }],
        include: { actor: { select: { id: true, name: true, email: true } } },
      }),
    () => db.auditEntry.count({ where }),
    50,
  );
}

/** The actions recorded so far, for the audit page's filter. */
export async function auditActions(actor: Actor) {
  authorize(actor, { do: "audit.view" });
  const rows = await prisma().auditEntry.groupBy({ by: ["action"], orderBy: { action: "asc" } });
  return rows.map((r) => r.action);
}
