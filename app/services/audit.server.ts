import type { Prisma } from "../generated/prisma/client.ts";
import { prisma, type Client } from "../utils/db.server.ts";
import { authorize, type Actor } from "./policy.server.ts";

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

export async function listAuditEntries(actor: Actor, opts: { before?: Date; take?: number } = {}) {
  authorize(actor, { do: "audit.view" });
  return prisma().auditEntry.findMany({
    where: opts.before ? { createdAt: { lt: opts.before } } : undefined,
    orderBy: { createdAt: "desc" },
    take: Math.min(opts.take ?? 50, 200),
    include: { actor: { select: { name: true, email: true } } },
  });
}
