import type { Prisma, WebinarRegistration } from "../generated/prisma/client.ts";
import { toDbLanguage } from "../i18n/index.ts";
import { optionalMultiline } from "../schemas/fields.ts";
import { webinarRegistrationSchema } from "../schemas/webinar.ts";
import { parseInput } from "../schemas/validate.ts";
import { prisma } from "../utils/db.server.ts";
import { recordAudit } from "./audit.server.ts";
import { AppError, notFound } from "./errors.ts";
import { authorize, can, isStaff, type Actor } from "./policy.server.ts";
import { verifySignedId } from "./signed-links.server.ts";
import { manageUrl, notify } from "./webinar-notices.server.ts";
import { lockWebinar, type WebinarWithText } from "./webinars.server.ts";

function assertOpen(webinar: WebinarWithText, now: Date) {
  if (webinar.status === "CANCELLED") throw new AppError("CONFLICT", "webinar_cancelled");
  if (webinar.endsAt <= now) throw new AppError("CONFLICT", "webinar_past");
}

async function seatsTaken(tx: Prisma.TransactionClient, webinarId: string) {
  return tx.webinarRegistration.count({ where: { webinarId, status: "CONFIRMED" } });
}

/** Confirmed if approval is off and a seat is free; otherwise pending approval or waitlisted (no calendar entry). */
async function admit(tx: Prisma.TransactionClient, webinar: WebinarWithText, reg: WebinarRegistration, viaApproval = false) {
  if (webinar.requiresApproval && !viaApproval) {
    const pending = await tx.webinarRegistration.update({ where: { id: reg.id }, data: { status: "PENDING_APPROVAL" } });
    await notify(tx, webinar, pending, "pending", pending.id);
    return pending;
  }
  if (webinar.capacity !== null && (await seatsTaken(tx, webinar.id)) >= webinar.capacity) {
    const waiting = await tx.webinarRegistration.update({ where: { id: reg.id }, data: { status: "WAITLISTED" } });
    await notify(tx, webinar, waiting, "waitlisted", waiting.updatedAt.getTime());
    return waiting;
  }
  return confirm(tx, webinar, reg, "confirmed");
}

async function confirm(tx: Prisma.TransactionClient, webinar: WebinarWithText, reg: WebinarRegistration, kind: "confirmed" | "promoted") {
  const confirmedAt = new Date();
  const done = await tx.webinarRegistration.update({ where: { id: reg.id }, data: { status: "CONFIRMED", confirmedAt } });
  await notify(tx, webinar, done, kind, `${webinar.sequence}:${confirmedAt.getTime()}`);
  return done;
}

/** When a seat frees up, the longest-waiting person is confirmed and told, in the same transaction. */
async function promoteNext(tx: Prisma.TransactionClient, webinar: WebinarWithText) {
  if (webinar.status === "CANCELLED") return;
  if (webinar.capacity !== null && (await seatsTaken(tx, webinar.id)) >= webinar.capacity) return;
  const next = await tx.webinarRegistration.findFirst({
    where: { webinarId: webinar.id, status: "WAITLISTED" },
    orderBy: { createdAt: "asc" },
  });
  if (next) await confirm(tx, webinar, next, "promoted");
}

/**
 * Signed-in people register in one step with their profile; anyone else confirms their address first.
 * A cancelled registration can register again.
 */
export async function registerForWebinar(actor: Actor, webinarId: string, input: unknown, now = new Date()) {
  const data = parseInput(webinarRegistrationSchema, {
    ...(input as object),
    ...(actor.kind === "user" ? { email: actor.email, name: (input as { name?: string })?.name || actor.name } : {}),
  });
  return prisma().$transaction(async (tx) => {
    const webinar = await lockWebinar(tx, webinarId);
    // Invited-only webinars are invisible to the public and to partners: no hint that they exist.
    if (webinar.audience === "INVITED" && !isStaff(actor)) throw notFound();
    authorize(actor, { do: "webinar.register", webinar });
    assertOpen(webinar, now);
    const existing = await tx.webinarRegistration.findUnique({ where: { webinarId_email: { webinarId, email: data.email } } });
    if (existing && existing.status !== "CANCELLED") throw new AppError("CONFLICT", "already_registered", { email: { key: "already_registered" } });
    const fields = {
      name: data.name,
      userId: actor.kind === "user" ? actor.id : null,
      language: toDbLanguage(data.language),
      timeZone: data.timeZone,
      institution: data.institution ?? null,
      country: data.country ?? null,
      captions: data.captions,
      signLanguage: data.signLanguage,
      interpretationLanguage: data.interpretationLanguage ?? null,
      status: "UNCONFIRMED" as const,
      confirmedAt: null,
      denialMessage: null,
    };
    const reg = existing
      ? await tx.webinarRegistration.update({ where: { id: existing.id }, data: fields })
      : await tx.webinarRegistration.create({ data: { ...fields, webinarId, email: data.email } });
    if (actor.kind === "user") return admit(tx, webinar, reg);
    await notify(tx, webinar, reg, "confirm", reg.updatedAt.getTime(), { confirmUrl: `${manageUrl(reg.id)}?confirm=1` });
    return reg;
  });
}

/** The self-service link in every email: the token names the registration it may act on, nothing else. */
export async function registrationForToken(token: string) {
  const id = verifySignedId("manage", token);
  if (!id) throw notFound();
  const reg = await prisma().webinarRegistration.findUnique({ where: { id }, include: { webinar: { include: { translations: true } } } });
  if (!reg) throw notFound();
  return reg;
}

export async function confirmRegistrationEmail(token: string, now = new Date()) {
  const { id } = await registrationForToken(token);
  return prisma().$transaction(async (tx) => {
    const reg = await tx.webinarRegistration.findUniqueOrThrow({ where: { id } });
    const webinar = await lockWebinar(tx, reg.webinarId);
    if (reg.status !== "UNCONFIRMED") return reg;
    assertOpen(webinar, now);
    return admit(tx, webinar, reg);
  });
}

/** By the registrant (token from their email, or signed in) or by staff. Frees the seat for the waiting list. */
export async function cancelWebinarRegistration(actor: Actor, registrationId: string, viaToken = false) {
  return prisma().$transaction(async (tx) => {
    const reg = await tx.webinarRegistration.findUnique({ where: { id: registrationId } });
    if (!reg) throw notFound();
    const own = viaToken || (actor.kind === "user" && reg.userId === actor.id);
    if (!own && !can(actor, { do: "webinar.manage" })) throw notFound();
    const webinar = await lockWebinar(tx, reg.webinarId);
    if (reg.status === "CANCELLED" || reg.status === "DENIED") throw new AppError("CONFLICT", "not_registrable");
    const cancelled = await tx.webinarRegistration.update({ where: { id: reg.id }, data: { status: "CANCELLED" } });
    if (reg.status === "CONFIRMED") {
      await notify(tx, webinar, cancelled, "registration_cancelled", cancelled.updatedAt.getTime());
      await promoteNext(tx, webinar);
    }
    if (!own) await recordAudit(tx, actor, "webinar.registrationCancelled", { type: "WebinarRegistration", id: reg.id });
    return cancelled;
  });
}

async function decide(actor: Actor, registrationId: string, fn: (tx: Prisma.TransactionClient, w: WebinarWithText, r: WebinarRegistration) => Promise<WebinarRegistration>) {
  authorize(actor, { do: "webinar.manage" });
  return prisma().$transaction(async (tx) => {
    const reg = await tx.webinarRegistration.findUnique({ where: { id: registrationId } });
    if (!reg) throw notFound();
    const webinar = await lockWebinar(tx, reg.webinarId);
    if (reg.status !== "PENDING_APPROVAL") throw new AppError("CONFLICT", "not_registrable");
    return fn(tx, webinar, reg);
  });
}

export const approveWebinarRegistration = (actor: Actor, registrationId: string) =>
  decide(actor, registrationId, async (tx, webinar, reg) => {
    await recordAudit(tx, actor, "webinar.registrationApproved", { type: "WebinarRegistration", id: reg.id });
    return admit(tx, webinar, reg, true);
  });

export const denyWebinarRegistration = (actor: Actor, registrationId: string, message?: string | null) =>
  decide(actor, registrationId, async (tx, webinar, reg) => {
    const denialMessage = optionalMultiline("message", message, 2000);
    const denied = await tx.webinarRegistration.update({ where: { id: reg.id }, data: { status: "DENIED", denialMessage } });
    await recordAudit(tx, actor, "webinar.registrationDenied", { type: "WebinarRegistration", id: reg.id });
    await notify(tx, webinar, denied, "denied", denied.id, denialMessage ? { message: denialMessage } : undefined);
    return denied;
  });

/** Registration lists are for the research team only. */
export async function listRegistrations(actor: Actor, webinarId: string) {
  authorize(actor, { do: "webinar.manage" });
  return prisma().webinarRegistration.findMany({ where: { webinarId }, orderBy: { createdAt: "asc" } });
}

/** The meeting URL for a confirmed registrant of a webinar that still takes place; null otherwise. */
export async function joinTarget(token: string, now = new Date()) {
  const id = verifySignedId("join", token);
  if (!id) return null;
  const reg = await prisma().webinarRegistration.findUnique({ where: { id }, include: { webinar: true } });
  if (!reg || reg.status !== "CONFIRMED" || reg.webinar.status !== "SCHEDULED" || reg.webinar.endsAt < now) return null;
  return reg.webinar.meetingUrl;
}

export async function myRegistration(actor: Actor, webinarId: string) {
  if (actor.kind !== "user") return null;
  return prisma().webinarRegistration.findFirst({ where: { webinarId, OR: [{ userId: actor.id }, { email: actor.email }] } });
}
