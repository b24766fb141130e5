import { email as emailField } from "../../schemas/fields.ts";
import { prisma } from "../../utils/db.server.ts";
import { recordAudit } from "../audit.server.ts";
import { AppError } from "../errors.ts";
import { authorize, type Actor } from "../policy.server.ts";

/** Admins give (or take back) the statistics grant; only research-team accounts can hold it. */
export async function setStatisticsGrant(actor: Actor, address: string, granted: boolean) {
  authorize(actor, { do: "statistics.grant" });
  return applyStatisticsGrant(actor, address, granted);
}

/** The operator's path (CLI, like `user:create`): no signed-in actor; the audit entry has no actor. */
export async function applyStatisticsGrant(by: Actor, address: string, granted: boolean) {
  const parsed = emailField.safeParse(address);
  if (!parsed.success) throw new AppError("BAD_USER_INPUT", "invalid_email", { email: { key: "invalid_email" } });
  return prisma().$transaction(async (tx) => {
    const user = await tx.user.findUnique({ where: { email: parsed.data } });
    if (!user || user.role === "PARTNER") throw new AppError("BAD_USER_INPUT", "not_staff", { email: { key: "not_staff" } });
    await tx.user.update({ where: { id: user.id }, data: { statistics: granted } });
    await recordAudit(tx, by, granted ? "user.statistics_granted" : "user.statistics_revoked", { type: "User", id: user.id });
    return { email: user.email, statistics: granted };
  });
}

/** Who holds the grant, for the admin page. */
export async function statisticsHolders(actor: Actor) {
  authorize(actor, { do: "statistics.grant" });
  return prisma().user.findMany({ where: { statistics: true }, orderBy: { email: "asc" }, select: { email: true, name: true } });
}
