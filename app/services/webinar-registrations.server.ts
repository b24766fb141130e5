import { Prisma, type RegistrationStatus, type WebinarRegistration } from "../generated/prisma/client.ts";
import { fromDbLanguage, toDbLanguage } from "../i18n/index.ts";
import { optionalMultiline } from "../schemas/fields.ts";
import { webinarRegistrationSchema } from "../schemas/webinar.ts";
import { parseInput } from "../schemas/validate.ts";
import { prisma } from "../utils/db.server.ts";
import { env } from "../utils/env.server.ts";
import { recordAudit } from "./audit.server.ts";
import { AppError, notFound } from "./errors.ts";
import { keysetPage, parsePage, toPage } from "./pagination.server.ts";
import type { PageArgs } from "../schemas/page.ts";
import { authorize, can, isStaff, type Actor, type SignedInActor } from "./policy.server.ts";
import { addressKey, enforce, LIMITS, requesterKey, type Requester } from "./rate-limit.server.ts";
import { signId, verifySignedId } from "./signed-links.server.ts";
import { notify } from "./webinar-notices.server.ts";
import { confirmSeat, promoteWaiting, seatsTaken } from "./webinar-seats.server.ts";
import { lockWebinar, type WebinarWithText } from "./webinars.server.ts";
import { confirmPendingAnswers, dropPendingAnswers, holdPendingAnswers, parseDemographics, recordAnswers } from "./insights/demographics.server.ts";

function assertOpen(webinar: WebinarWithText, now: Date) {
  if (webinar.status === "CANCELLED") throw new AppError("CONFLICT", "webinar_cancelled");
  if (webinar.endsAt <= now) throw new AppError("CONFLICT", "webinar_past");
}

/** Confirmed if approval is off and a seat is free; otherwise pending approval or waitlisted (no calendar entry). */
export async function admit(tx: Prisma.TransactionClient, webinar: WebinarWithText, reg: WebinarRegistration, viaApproval = false) {
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
  return confirmSeat(tx, webinar, reg, "confirmed");
}

/** What an anonymous visitor is told, whatever the address's situation: check your email. */
export interface CheckYourEmail {
  status: "UNCONFIRMED";
  email: string;
  checkEmail: true;
}

const REQUEST_TTL_MS = 7 * 86400_000;

/**
 * Signed-in people register in one step with their profile (a cancelled registration can register again).
 * Anyone else gets the same answer whether or not the address is registered: "check your email". The address
 * then receives either a confirmation link (the answers wait in a separate request until it is used, so an
 * unverified submission never changes or blocks anyone's registration) or, if already registered, a reminder
 * with its own link.
 */
export async function registerForWebinar(actor: SignedInActor, webinarId: string, input: unknown, now?: Date, requester?: Requester): Promise<WebinarRegistration>;
export async function registerForWebinar(actor: Actor, webinarId: string, input: unknown, now?: Date, requester?: Requester): Promise<WebinarRegistration | CheckYourEmail>;
export async function registerForWebinar(actor: Actor, webinarId: string, input: unknown, now = new Date(), requester?: Requester) {
  const given = (input as { language?: unknown } | null)?.language;
  const data = parseInput(webinarRegistrationSchema, {
    ...(input as object),
    ...(actor.kind === "user" ? { email: actor.email, name: (input as { name?: string })?.name || actor.name } : {}),
    // Without a language of their own choosing, a signed-in person hears in their account's language, not English.
    ...(actor.kind === "user" && (given === undefined || given === null || given === "") ? { language: fromDbLanguage(actor.language) ?? "en" } : {}),
  });
  // Optional statistics answers, validated with the rest but stored apart from the registration (ADR 0022).
  const demographics = parseDemographics((input as { demographics?: unknown })?.demographics ?? {});
  if (actor.kind !== "user" && requester?.ip) {
    await enforce(`webinar-register:ip:${requesterKey(requester.ip)}`, LIMITS.webinarRegistration.perIp, now);
    await enforce(`webinar-register:to:${addressKey(data.email)}`, LIMITS.webinarRegistration.perAddress, now);
    await enforce("webinar-register:global", LIMITS.webinarRegistration.global, now);
  }
  return prisma().$transaction(async (tx) => {
    const webinar = await lockWebinar(tx, webinarId);
    // Invited-only webinars are invisible to the public and to partners: no hint that they exist.
    if (webinar.audience === "INVITED" && !isStaff(actor)) throw notFound();
    authorize(actor, { do: "webinar.register", webinar });
    assertOpen(webinar, now);
    const answers = { ...registrationFields(data), answers: questionAnswers(webinar, data.answers) };
    const existing = await tx.webinarRegistration.findUnique({ where: { webinarId_email: { webinarId, email: data.email } } });
    const active = existing && !REPLACEABLE.includes(existing.status);
    if (actor.kind !== "user") {
      const answer: CheckYourEmail = { status: "UNCONFIRMED", email: data.email, checkEmail: true };
      if (active) {
        await notify(tx, webinar, existing, "already_registered", now.getTime());
        return answer;
      }
      // Unconfirmed answers are personal data nobody vouched for: they go when their link expires.
      const expired = await tx.webinarRegistrationRequest.findMany({ where: { webinarId, expiresAt: { lt: now }, confirmedAt: null }, select: { id: true } });
      await dropPendingAnswers(tx, expired.map((r) => r.id));
      await tx.webinarRegistrationRequest.deleteMany({ where: { webinarId, expiresAt: { lt: now } } });
      const request = await tx.webinarRegistrationRequest.create({
        data: { webinarId, email: data.email, answers, expiresAt: new Date(Math.min(webinar.endsAt.getTime(), now.getTime() + REQUEST_TTL_MS)) },
      });
      await holdPendingAnswers(tx, request.id, demographics);
      const pending = { id: request.id, email: data.email, name: answers.name, language: answers.language, timeZone: answers.timeZone };
      await notify(tx, webinar, pending, "confirm", now.getTime(), { confirmUrl: `${confirmUrl(request.id)}?confirm=1` });
      return answer;
    }
    if (active) throw new AppError("CONFLICT", "already_registered", { email: { key: "already_registered" } });
    await recordAnswers(tx, data.email, demographics);
    const fields = { ...answers, userId: actor.id, status: "UNCONFIRMED" as const, confirmedAt: null, denialMessage: null };
    const reg = existing
      ? await renewRegistration(tx, existing.id, fields, now)
      : await tx.webinarRegistration.create({ data: { ...fields, webinarId, email: data.email } });
    return admit(tx, webinar, reg);
  });
}

// A cancelled registration may register again; an UNCONFIRMED row (kept from before confirmations were
// stored apart) never blocks its address's owner.
export const REPLACEABLE: RegistrationStatus[] = ["CANCELLED", "UNCONFIRMED"];

/**
 * A replaceable row taken over by a new registration. It counts as registered now: the waiting list goes in
 * registration order, and leaving and coming back must not jump ahead of those who registered meanwhile.
 */
export const renewRegistration = (tx: Prisma.TransactionClient, id: string, data: Prisma.WebinarRegistrationUncheckedUpdateInput, now: Date) =>
  tx.webinarRegistration.update({ where: { id }, data: { ...data, createdAt: now } });

function registrationFields(data: ReturnType<typeof webinarRegistrationSchema.parse>) {
  return {
    name: data.name,
    language: toDbLanguage(data.language),
    timeZone: data.timeZone,
    institution: data.institution ?? null,
    country: data.country ?? null,
    captions: data.captions,
    signLanguage: data.signLanguage,
    interpretationLanguage: data.interpretationLanguage ?? null,
  };
}

/** Only answers to the webinar's own questions are kept; an empty answer is no answer. */
function questionAnswers(webinar: WebinarWithText, given: Record<string, string>) {
  const ids = new Set(((webinar.questions as { id: string }[] | null) ?? []).map((q) => q.id));
  const kept = Object.fromEntries(Object.entries(given).filter(([id, v]) => ids.has(id) && v));
  return Object.keys(kept).length ? kept : undefined;
}

const confirmUrl = (requestId: string) => `${env().APP_URL}/r/${signId("confirm", requestId)}`;

/** The confirmation link of an anonymous registration: what it would register, or null for any other token. */
export async function registrationRequestForToken(token: string, now = new Date()) {
  const id = verifySignedId("confirm", token);
  if (!id) return null;
  const request = await prisma().webinarRegistrationRequest.findUnique({ where: { id }, include: { webinar: { include: { translations: true } } } });
  if (!request || (!request.confirmedAt && request.expiresAt <= now)) throw notFound();
  // Once used, the link shows the registration it made (or found), not the request.
  const registration = request.confirmedAt
    ? await prisma().webinarRegistration.findUnique({ where: { webinarId_email: { webinarId: request.webinarId, email: request.email } } })
    : null;
  return { ...request, registration };
}

/**
 * The address owner confirms: only now do the submitted answers become a registration. An active registration
 * of that address stays as it is; a cancelled one takes the confirmed answers.
 */
export async function confirmRegistrationRequest(token: string, now = new Date()) {
  const request = await registrationRequestForToken(token, now);
  if (!request) throw notFound();
  return prisma().$transaction(async (tx) => {
    const webinar = await lockWebinar(tx, request.webinarId);
    const existing = await tx.webinarRegistration.findUnique({ where: { webinarId_email: { webinarId: request.webinarId, email: request.email } } });
    const taken = await tx.webinarRegistrationRequest.updateMany({ where: { id: request.id, confirmedAt: null }, data: { confirmedAt: now } });
    // The owner vouched for the address: answers held for it become theirs.
    if (taken.count === 1) await confirmPendingAnswers(tx, request.id, request.email);
    if (taken.count !== 1 || (existing && !REPLACEABLE.includes(existing.status))) {
      if (!existing) throw notFound();
      return existing;
    }
    assertOpen(webinar, now);
    const fields = { ...(request.answers as ReturnType<typeof registrationFields>), status: "UNCONFIRMED" as const, confirmedAt: null, denialMessage: null };
    const reg = existing
      ? await renewRegistration(tx, existing.id, fields, now)
      : await tx.webinarRegistration.create({ data: { ...fields, webinarId: request.webinarId, email: request.email } });
    return admit(tx, webinar, reg);
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
    // Only a seat holder has the webinar in their calendar: their CANCEL goes above the REQUEST it removes (ADR 0048).
    const held = reg.status === "CONFIRMED";
    const cancelled = await tx.webinarRegistration.update({
      where: { id: reg.id },
      data: { status: "CANCELLED", ...(held ? { personalSequence: { increment: 1 } } : {}) },
    });
    if (held) {
      await notify(tx, webinar, cancelled, "registration_cancelled", cancelled.updatedAt.getTime());
      await promoteWaiting(tx, webinar);
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

export type RegistrationStatusValue = WebinarRegistration["status"];
export interface RegistrationFilter {
  status?: readonly RegistrationStatusValue[] | null;
  /** Part of a name or an email address. */
  search?: string | null;
}

/** Registration lists are for the research team only; oldest first, as people registered. */
export async function listRegistrations(actor: Actor, webinarId: string, filter: RegistrationFilter = {}, page?: PageArgs) {
  authorize(actor, { do: "webinar.manage" });
  const where: Prisma.WebinarRegistrationWhereInput = { webinarId };
  if (filter.status?.length) where.status = { in: [...filter.status] };
  const q = filter.search?.trim();
  if (q) where.OR = [{ name: { contains: q, mode: "insensitive" } }, { email: { contains: q, mode: "insensitive" } }];
  const db = prisma();
  return keysetPage(page, {
    field: "createdAt",
    dir: "asc",
    keyOf: async (id) => (await db.webinarRegistration.findUnique({ where: { id }, select: { createdAt: true } }))?.createdAt ?? null,
    fetch: (q) => db.webinarRegistration.findMany({ where: { AND: [where, q.where] }, orderBy: q.orderBy, take: q.take }),
    count: () => db.webinarRegistration.count({ where }),
  });
}

function registrationWhere(webinarIds: readonly string[], filter: RegistrationFilter): Prisma.WebinarRegistrationWhereInput {
  const where: Prisma.WebinarRegistrationWhereInput = { webinarId: { in: [...webinarIds] } };
  if (filter.status?.length) where.status = { in: [...filter.status] };
  const q = filter.search?.trim();
  if (q) where.OR = [{ name: { contains: q, mode: "insensitive" } }, { email: { contains: q, mode: "insensitive" } }];
  return where;
}

/**
 * The first (or last) page of registrations of many webinars at once, for a list of webinars that asks for
 * them: one windowed query for the ids, one for the rows, one grouped count when asked, however many webinars.
 * A page after a cursor belongs to one webinar and is read on its own.
 */
export async function registrationPagesOf(actor: Actor, webinarIds: readonly string[], filter: RegistrationFilter = {}, page?: PageArgs) {
  authorize(actor, { do: "webinar.manage" });
  const p = parsePage(page);
  const ids = [...new Set(webinarIds)];
  if (p.cursorId || ids.length === 1) {
    const pages = await Promise.all(ids.map((id) => listRegistrations(actor, id, filter, page)));
    return new Map(ids.map((id, i) => [id, pages[i]]));
  }
  const conditions = [Prisma.sql`r."webinarId" = ANY(${ids}::text[])`];
  if (filter.status?.length) conditions.push(Prisma.sql`r.status::text = ANY(${[...filter.status]}::text[])`);
  const q = filter.search?.trim();
  if (q) {
    const like = `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    conditions.push(Prisma.sql`(r.name ILIKE ${like} OR r.email ILIKE ${like})`);
  }
  const dir = p.backward ? Prisma.sql`DESC` : Prisma.sql`ASC`;
  const db = prisma();
  const picked = await db.$queryRaw<{ id: string }[]>`
    SELECT id FROM (
      SELECT r.id, ROW_NUMBER() OVER (PARTITION BY r."webinarId" ORDER BY r."createdAt" ${dir}, r.id ${dir}) AS n
      FROM "WebinarRegistration" r WHERE ${Prisma.join(conditions, " AND ")}
    ) ranked WHERE n <= ${p.size + 1}`;
  const rows = picked.length
    ? await db.webinarRegistration.findMany({ where: { id: { in: picked.map((r) => r.id) } }, orderBy: [{ createdAt: "asc" }, { id: "asc" }] })
    : [];
  let counts: Promise<Map<string, number>> | undefined;
  const countAll = () =>
    (counts ??= db.webinarRegistration
      .groupBy({ by: ["webinarId"], where: registrationWhere(ids, filter), _count: { _all: true } })
      .then((groups) => new Map(groups.map((g) => [g.webinarId, g._count._all]))));
  return new Map(
    ids.map((id) => [id, toPage(p, rows.filter((r) => r.webinarId === id), () => countAll().then((m) => m.get(id) ?? 0))]),
  );
}

export interface RegistrationCounts {
  confirmed: number;
  waitlisted: number;
  pending: number;
}

/** Seat counts for many webinars in one grouped query, so a page of webinars costs one query, not one each. */
export async function registrationCounts(webinarIds: readonly string[]): Promise<Map<string, RegistrationCounts>> {
  const out = new Map<string, RegistrationCounts>(webinarIds.map((id) => [id, { confirmed: 0, waitlisted: 0, pending: 0 }]));
  if (!webinarIds.length) return out;
  const rows = await prisma().webinarRegistration.groupBy({
    by: ["webinarId", "status"],
    where: { webinarId: { in: [...new Set(webinarIds)] }, status: { in: ["CONFIRMED", "WAITLISTED", "PENDING_APPROVAL"] } },
    _count: { _all: true },
  });
  for (const row of rows) {
    const counts = out.get(row.webinarId)!;
    if (row.status === "CONFIRMED") counts.confirmed = row._count._all;
    if (row.status === "WAITLISTED") counts.waitlisted = row._count._all;
    if (row.status === "PENDING_APPROVAL") counts.pending = row._count._all;
  }
  return out;
}

export const seatsLeft = (capacity: number | null, counts: RegistrationCounts) =>
  capacity === null ? null : Math.max(0, capacity - counts.confirmed);

export type JoinAnswer =
  | { kind: "join"; url: string }
  | { kind: "cancelled"; webinarId: string; reason: string | null }
  | { kind: "closed"; webinarId: string };

/**
 * Where a personal join link leads: the meeting for a confirmed registrant of a webinar still to end; the hub's
 * own explanation when the webinar was cancelled (or the link's registration no longer holds a seat); null for
 * a token that names nothing.
 */
export async function joinTarget(token: string, now = new Date()): Promise<JoinAnswer | null> {
  const id = verifySignedId("join", token);
  if (!id) return null;
  const reg = await prisma().webinarRegistration.findUnique({ where: { id }, include: { webinar: true } });
  if (!reg) return null;
  if (reg.webinar.status === "CANCELLED") return { kind: "cancelled", webinarId: reg.webinarId, reason: reg.webinar.cancelReason };
  if (reg.status !== "CONFIRMED" || reg.webinar.endsAt < now) return { kind: "closed", webinarId: reg.webinarId };
  return { kind: "join", url: reg.webinar.meetingUrl };
}

export async function myRegistration(actor: Actor, webinarId: string) {
  if (actor.kind !== "user") return null;
  return prisma().webinarRegistration.findFirst({
    where: { webinarId, status: { not: "UNCONFIRMED" }, OR: [{ userId: actor.id }, { email: actor.email }] },
  });
}
