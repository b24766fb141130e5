import type { WebinarRegistration } from "../generated/prisma/client.ts";
import { email as emailField } from "../schemas/fields.ts";
import { parseInput } from "../schemas/validate.ts";
import { timeZone } from "../schemas/webinar.ts";
import { z } from "zod";
import { prisma } from "../utils/db.server.ts";
import { env } from "../utils/env.server.ts";
import { notFound } from "./errors.ts";
import type { SignedInActor } from "./policy.server.ts";
import { addressKey, enforce, LIMITS, requesterKey, type Requester } from "./rate-limit.server.ts";
import { signId } from "./signed-links.server.ts";
import { notify } from "./webinar-notices.server.ts";
import { REPLACEABLE } from "./webinar-registrations.server.ts";
import { lockWebinar } from "./webinars.server.ts";

/** The meeting opens to registrants this long before the start (and until the end). */
export const JOIN_OPENS_MS = 30 * 60_000;

export interface RegistrationCard {
  id: string;
  status: WebinarRegistration["status"];
  /** 1 for the next person to get a seat; only on the waiting list. */
  position: number | null;
  timeZone: string;
  /** The personal /j/ link, only while the meeting is open to this confirmed registrant. */
  joinPath: string | null;
  /** Confirmed, the webinar still ahead, but the meeting not open yet. */
  joinLater: boolean;
  canCancel: boolean;
}

type CardInput = Pick<WebinarRegistration, "id" | "status" | "timeZone" | "createdAt" | "webinarId">;
type CardWebinar = { status: string; startsAt: Date; endsAt: Date };

/** What a registrant sees of their own registration, on the webinar page, on /r/<token> and on /account. */
export async function registrationCard(reg: CardInput, webinar: CardWebinar, now = new Date()): Promise<RegistrationCard> {
  const live = webinar.status === "SCHEDULED" && webinar.endsAt > now;
  const confirmed = reg.status === "CONFIRMED" && live;
  const open = confirmed && webinar.startsAt.getTime() - JOIN_OPENS_MS <= now.getTime();
  const position =
    reg.status === "WAITLISTED"
      ? (await prisma().webinarRegistration.count({ where: { webinarId: reg.webinarId, status: "WAITLISTED", createdAt: { lt: reg.createdAt } } })) + 1
      : null;
  return {
    id: reg.id,
    status: reg.status,
    position,
    timeZone: reg.timeZone,
    joinPath: open ? `/j/${signId("join", reg.id)}` : null,
    joinLater: confirmed && !open,
    canCancel: live && !["CANCELLED", "DENIED", "UNCONFIRMED"].includes(reg.status),
  };
}

const MY_WEBINARS = 50;

/** "My webinars": the signed-in person's registrations, upcoming soonest first and past most recent first. */
export async function myWebinars(actor: SignedInActor, now = new Date()) {
  const mine = { OR: [{ userId: actor.id }, { email: actor.email }], status: { not: "UNCONFIRMED" as const } };
  const include = { webinar: { include: { translations: true } } } as const;
  const [upcoming, past] = await Promise.all([
    prisma().webinarRegistration.findMany({ where: { ...mine, webinar: { endsAt: { gt: now } } }, include, orderBy: { webinar: { startsAt: "asc" } }, take: MY_WEBINARS }),
    prisma().webinarRegistration.findMany({ where: { ...mine, webinar: { endsAt: { lte: now } } }, include, orderBy: { webinar: { startsAt: "desc" } }, take: MY_WEBINARS }),
  ]);
  return { upcoming, past };
}

/**
 * "Send me my link again", for anyone: the answer never says whether the address is registered. A registered
 * address gets its links (the usual "already registered" mail); an address with an unconfirmed request gets its
 * confirmation link again; any other address gets nothing. Limited like registering, per requester and address.
 */
export async function resendRegistrationLink(webinarId: string, input: { email: unknown }, requester?: Requester, now = new Date()) {
  const { email } = parseInput(z.object({ email: emailField }), { email: input.email });
  if (requester?.ip) {
    await enforce(`webinar-register:ip:${requesterKey(requester.ip)}`, LIMITS.webinarRegistration.perIp, now);
    await enforce(`webinar-register:to:${addressKey(email)}`, LIMITS.webinarRegistration.perAddress, now);
  }
  await prisma().$transaction(async (tx) => {
    const webinar = await lockWebinar(tx, webinarId);
    if (webinar.audience === "INVITED" || webinar.status === "CANCELLED") throw notFound();
    const reg = await tx.webinarRegistration.findUnique({ where: { webinarId_email: { webinarId, email } } });
    if (reg && !REPLACEABLE.includes(reg.status)) {
      await notify(tx, webinar, reg, "already_registered", now.getTime());
      return;
    }
    const request = await tx.webinarRegistrationRequest.findFirst({
      where: { webinarId, email, confirmedAt: null, expiresAt: { gt: now } },
      orderBy: { createdAt: "desc" },
    });
    if (!request) return;
    const answers = request.answers as { name: string; language: "EN" | "FR" | "ES"; timeZone: string };
    const pending = { id: request.id, email, name: answers.name, language: answers.language, timeZone: answers.timeZone };
    await notify(tx, webinar, pending, "confirm", now.getTime(), { confirmUrl: `${env().APP_URL}/r/${signId("confirm", request.id)}?confirm=1` });
  });
  return { ok: true as const, email };
}

/**
 * The registrant picks the zone our emails and pages use for them (from their emailed link, or signed in).
 * Later emails follow it; nothing is re-sent.
 */
export async function changeRegistrationZone(registrationId: string, zone: unknown) {
  const { timeZone: chosen } = parseInput(z.object({ timeZone }), { timeZone: zone });
  return prisma().webinarRegistration.update({ where: { id: registrationId }, data: { timeZone: chosen } });
}
