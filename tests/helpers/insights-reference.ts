import { regionOf } from "../../app/schemas/regions.ts";
import { addKeys } from "../../app/services/insights/cell-key.ts";
import { cellKeySecret, recordKey } from "../../app/services/insights/cell-key.server.ts";
import { personKey } from "../../app/services/insights/demographics.server.ts";
import { CATEGORIES, STAGES, type Breakdown, type Scope, type Stage } from "../../app/services/insights/participation.server.ts";
import { prisma } from "../../app/utils/db.server.ts";

/**
 * The funnel counted the slow, obvious way: every registration in scope, categorised one by one in Node, with the
 * record keys computed here. The SQL count and the database's tallies must both give exactly this.
 */
export async function reference(scope: Scope, breakdown: Breakdown) {
  const db = prisma();
  const where =
    scope.kind === "webinar" ? { webinarId: scope.id! } : scope.kind === "series" ? { webinar: { seriesId: scope.id! } } : { webinar: { startsAt: { gte: scope.from!, lt: scope.to! } } };
  const regs = await db.webinarRegistration.findMany({ where, select: { email: true, userId: true, country: true, invitedAt: true, confirmedAt: true, attended: true, status: true } });
  const answers = new Map((await db.demographicAnswer.findMany()).map((a) => [a.key, a]));
  const memberships = await db.membership.findMany({ where: { partner: { status: "APPROVED" } }, orderBy: [{ createdAt: "asc" }, { id: "asc" }], include: { partner: true } });
  const firstPartner = new Map<string, { sector: string; country: string }>();
  for (const m of memberships) if (!firstPartner.has(m.userId)) firstPartner.set(m.userId, m.partner);
  const secret = await cellKeySecret();
  const categories = CATEGORIES[breakdown];
  const counts = categories.map(() => STAGES.map(() => 0));
  const keys = categories.map(() => STAGES.map(() => 0));
  for (const r of regs) {
    const stages = new Set<Stage>(["registered"]);
    if (r.invitedAt) stages.add("invited");
    if (r.confirmedAt || r.status === "CONFIRMED") stages.add("confirmed");
    if (r.attended) stages.add("attended");
    const answer = answers.get(personKey(r.email));
    const partner = r.userId ? firstPartner.get(r.userId) : undefined;
    const country = r.country ?? partner?.country;
    const category =
      breakdown === "gender"
        ? (answer?.gender ?? "no-answer")
        : breakdown === "age-band"
          ? (answer?.ageBand ?? "no-answer")
          : breakdown === "partner-sector"
            ? (partner?.sector ?? "NONE")
            : (country && regionOf(country)) || "UNKNOWN";
    const row = categories.indexOf(category) >= 0 ? categories.indexOf(category) : categories.length - 1;
    STAGES.forEach((s, c) => {
      if (!stages.has(s)) return;
      counts[row][c] += 1;
      keys[row][c] = addKeys(keys[row][c], recordKey(personKey(r.email), secret));
    });
  }
  return { counts, keys };
}
