import { prisma } from "../utils/db.server.ts";
import { can, type SignedInActor } from "./policy.server.ts";

const ACTIVE = ["CONFIRMED", "WAITLISTED", "PENDING_APPROVAL"] as const;

/**
 * What a signed-in person sees first on the home page: their next registrations (made while signed in or with
 * their address), their institutions, and for the research team what waits for a decision.
 */
export async function homeDashboard(actor: SignedInActor, now = new Date()) {
  const db = prisma();
  const registrations = await db.webinarRegistration.findMany({
    where: {
      status: { in: [...ACTIVE] },
      OR: [{ userId: actor.id }, { email: actor.email }],
      webinar: { status: "SCHEDULED", endsAt: { gte: now } },
    },
    include: { webinar: { include: { translations: true } } },
    orderBy: [{ webinar: { startsAt: "asc" } }, { id: "asc" }],
    take: 5,
  });
  const pendingPartners = can(actor, { do: "partner.listPending" }) ? await db.partner.count({ where: { status: "PENDING" } }) : null;
  return {
    registrations,
    institutions: actor.memberships,
    staff: can(actor, { do: "webinar.manage" }) ? { pendingPartners: pendingPartners ?? 0, admin: can(actor, { do: "audit.view" }) } : null,
  };
}
