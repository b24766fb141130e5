import type { Prisma, WebinarRegistration } from "../generated/prisma/client.ts";
import { notify } from "./webinar-notices.server.ts";
import type { WebinarWithText } from "./webinars.server.ts";

// Who holds a seat and who gets the next one. Registration, cancellation and a change of capacity all come here,
// with the webinar row locked (lockWebinar), so two of them never hand out the same seat.

export async function seatsTaken(tx: Prisma.TransactionClient, webinarId: string) {
  return tx.webinarRegistration.count({ where: { webinarId, status: "CONFIRMED" } });
}

/**
 * A seat for this registration, told in the same transaction (with the calendar invite). Someone who had a seat
 * before (cancelled, then registered again) gets an invite above the CANCEL they had (ADR 0048).
 */
export async function confirmSeat(tx: Prisma.TransactionClient, webinar: WebinarWithText, reg: WebinarRegistration, kind: "confirmed" | "promoted") {
  const confirmedAt = new Date();
  const done = await tx.webinarRegistration.update({ where: { id: reg.id }, data: { status: "CONFIRMED", confirmedAt, personalSequence: { increment: 1 } } });
  await notify(tx, webinar, done, kind, `${webinar.sequence}:${confirmedAt.getTime()}`);
  return done;
}

/**
 * Fills every free seat from the waiting list, longest-waiting first (a seat freed by a cancellation, or several
 * added by raising the capacity; all of them when the limit is removed). A cancelled or finished webinar moves
 * nobody. Returns how many were promoted.
 */
export async function promoteWaiting(tx: Prisma.TransactionClient, webinar: WebinarWithText, now = new Date()) {
  if (webinar.status === "CANCELLED" || webinar.endsAt <= now) return 0;
  const free = webinar.capacity === null ? undefined : webinar.capacity - (await seatsTaken(tx, webinar.id));
  if (free !== undefined && free <= 0) return 0;
  const next = await tx.webinarRegistration.findMany({
    where: { webinarId: webinar.id, status: "WAITLISTED" },
    orderBy: [{ createdAt: "asc" }, { id: "asc" }],
    take: free,
  });
  for (const reg of next) await confirmSeat(tx, webinar, reg, "promoted");
  return next.length;
}
