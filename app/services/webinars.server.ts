import crypto from "node:crypto";
import { Prisma, type Webinar, WebinarSpeaker, WebinarTranslation } from "../generated/prisma/client.ts";
import { toDbLanguage } from "../i18n/index.ts";
import { optionalMultiline } from "../schemas/fields.ts";
import { z } from "zod";
import { scheduleWebinarSchema, startsAtFor, updateWebinarSchema, type PastRule } from "../schemas/webinar.ts";
import { parseInput } from "../schemas/validate.ts";
import { prisma, type Tx } from "../utils/db.server.ts";
import { env } from "../utils/env.server.ts";
import { recordAudit } from "./audit.server.ts";
import { AppError, notFound } from "./errors.ts";
import { keysetPage } from "./pagination.server.ts";
import type { PageArgs } from "../schemas/page.ts";
import { authorize, isStaff, type Actor } from "./policy.server.ts";
import { notifyRegistrants } from "./webinar-notices.server.ts";
import { promoteWaiting } from "./webinar-seats.server.ts";
export { webinarPageUrl, webinarText } from "./webinar-text.ts";
export { genderCategory, type GenderCategory } from "../schemas/gender.ts";
import { genderCategory, type GenderCategory } from "../schemas/gender.ts";
import { lockRow } from "../utils/row-lock.server.ts";

export type WebinarWithText = Webinar & { translations: WebinarTranslation[]; speakers: WebinarSpeaker[] };
const withText = { translations: true, speakers: { orderBy: { position: "asc" } } } as const;

function speakerRows(speakers: { name: string; affiliation?: string; role: "SPEAKER" | "MODERATOR"; gender?: string }[]) {
  return speakers.map((s, position) => ({ ...s, position }));
}

/**
 * The forms and the API refuse a start in the past (`refusePast`); imports, the seed and tests may record past
 * webinars. `within` does more work in the same transaction (linking the webinar to the request it comes from):
 * when it fails, nothing is saved.
 */
export interface ScheduleOptions extends PastRule {
  within?: (tx: Tx, webinar: { id: string }) => Promise<void>;
}

export async function scheduleWebinar(actor: Actor, input: unknown, opts: ScheduleOptions = {}) {
  authorize(actor, { do: "webinar.manage" });
  const data = parseInput(scheduleWebinarSchema(opts), input);
  return prisma().$transaction(async (tx) => {
    const webinar = await tx.webinar.create({
      data: {
        uid: `${crypto.randomUUID()}@${new URL(env().APP_URL).hostname || "genmig.invalid"}`,
        startsAt: data.startsAt,
        endsAt: data.endsAt,
        timeZone: data.timeZone,
        meetingUrl: data.meetingUrl,
        capacity: data.capacity,
        audience: data.audience,
        requiresApproval: data.requiresApproval,
        askInstitution: data.askInstitution,
        askCountry: data.askCountry,
        askAccessNeeds: data.askAccessNeeds,
        questions: data.questions.length ? data.questions : undefined,
        createdById: actor.kind === "user" ? actor.id : null,
        translations: { create: data.translations.map((t) => ({ ...t, language: toDbLanguage(t.language) })) },
        speakers: { create: speakerRows(data.speakers) },
      },
      include: withText,
    });
    await recordAudit(tx, actor, "webinar.scheduled", { type: "Webinar", id: webinar.id });
    await opts.within?.(tx, webinar);
    return webinar;
  });
}

/**
 * Time, link, status and wording changes bump SEQUENCE in the same transaction; a change of time or wording also
 * sends every confirmed registrant an updated REQUEST. A new meeting link needs no invite: joins go through /j/.
 * Seats added (a higher capacity, or none) go to the waiting list at once, longest-waiting first.
 */
export async function updateWebinar(actor: Actor, id: string, input: unknown, opts: ScheduleOptions = {}) {
  authorize(actor, { do: "webinar.manage" });
  const data = parseInput(updateWebinarSchema, input);
  return prisma().$transaction(async (tx) => {
    const current = await lockWebinar(tx, id);
    if (current.status === "CANCELLED") throw new AppError("CONFLICT", "webinar_cancelled");
    const startsAt = data.startsAt ?? current.startsAt;
    const endsAt = data.endsAt ?? current.endsAt;
    if (endsAt <= startsAt) throw new AppError("BAD_USER_INPUT", "invalid_input", { endsAt: { key: "end_before_start" } });
    const timeChanged = startsAt.getTime() !== current.startsAt.getTime() || endsAt.getTime() !== current.endsAt.getTime();
    // The same rule as scheduling, applied only when the time moves: a past webinar's wording can still be fixed.
    if (timeChanged) parseInput(z.object({ startsAt: startsAtFor(opts) }), { startsAt });
    const linkChanged = data.meetingUrl !== undefined && data.meetingUrl !== current.meetingUrl;
    const textKey = (ts: { language: string; title: string; description: string }[]) =>
      JSON.stringify(ts.map((t) => [t.language.toUpperCase(), t.title, t.description]).sort());
    const textChanged = data.translations !== undefined && textKey(data.translations) !== textKey(current.translations);
    const bump = timeChanged || linkChanged || textChanged;
    const update: Prisma.WebinarUpdateInput = {
      startsAt,
      endsAt,
      timeZone: data.timeZone,
      meetingUrl: data.meetingUrl,
      capacity: data.capacity === undefined ? undefined : data.capacity,
      audience: data.audience,
      requiresApproval: data.requiresApproval,
      askInstitution: data.askInstitution,
      askCountry: data.askCountry,
      askAccessNeeds: data.askAccessNeeds,
      questions: data.questions === undefined ? undefined : data.questions.length ? data.questions : Prisma.DbNull,
      ...(bump ? { sequence: { increment: 1 } } : {}),
    };
    if (data.translations) {
      await tx.webinarTranslation.deleteMany({ where: { webinarId: id } });
      update.translations = { create: data.translations.map((t) => ({ ...t, language: toDbLanguage(t.language) })) };
    }
    if (data.speakers) {
      await tx.webinarSpeaker.deleteMany({ where: { webinarId: id } });
      update.speakers = { create: speakerRows(data.speakers) };
    }
    const webinar = await tx.webinar.update({ where: { id }, data: update, include: withText });
    // Who was told, so the organiser sees it: every confirmed registrant, or nobody for a change they need not know.
    const notified = timeChanged || textChanged ? await notifyRegistrants(tx, webinar, "updated") : 0;
    // After the update notice, so someone promoted now gets one mail: the confirmation with the current invite.
    const promoted = data.capacity !== undefined ? await promoteWaiting(tx, webinar) : 0;
    await recordAudit(tx, actor, "webinar.updated", { type: "Webinar", id }, { sequence: webinar.sequence, timeChanged, linkChanged, ...(promoted ? { promoted } : {}) });
    return Object.assign(webinar, { notified, promoted });
  });
}

export async function cancelWebinar(actor: Actor, id: string, reason?: string | null) {
  authorize(actor, { do: "webinar.manage" });
  const cancelReason = optionalMultiline("reason", reason, 2000);
  return prisma().$transaction(async (tx) => {
    const current = await lockWebinar(tx, id);
    if (current.status === "CANCELLED") throw new AppError("CONFLICT", "webinar_cancelled");
    const webinar = await tx.webinar.update({
      where: { id },
      data: { status: "CANCELLED", cancelReason, sequence: { increment: 1 } },
      include: withText,
    });
    await recordAudit(tx, actor, "webinar.cancelled", { type: "Webinar", id }, { reason: cancelReason });
    const notified = await notifyRegistrants(tx, webinar, "cancelled");
    return Object.assign(webinar, { notified });
  });
}

/**
 * The zone the schedule form starts from: the one the organiser chose for viewing times, else the zone of the
 * last webinar they scheduled; null when we cannot know (the form then asks, rather than assume UTC).
 */
export async function organiserTimeZone(actor: Actor, viewerZone: string | null): Promise<string | null> {
  if (viewerZone) return viewerZone;
  if (actor.kind !== "user") return null;
  const last = await prisma().webinar.findFirst({ where: { createdById: actor.id }, orderBy: { createdAt: "desc" }, select: { timeZone: true } });
  return last?.timeZone ?? null;
}

/** Row lock: registrations, cancellations and changes of one webinar happen one at a time. */
export async function lockWebinar(tx: Prisma.TransactionClient, id: string) {
  await lockRow(tx, "Webinar", id);
  const webinar = await tx.webinar.findUnique({ where: { id }, include: withText });
  if (!webinar) throw notFound();
  return webinar;
}

/** Invited-only webinars are listed to staff and to the people registered for them. */
function visibility(actor: Actor): Prisma.WebinarWhereInput {
  if (isStaff(actor)) return {};
  const mine: Prisma.WebinarWhereInput[] = actor.kind === "user" ? [{ registrations: { some: { userId: actor.id } } }] : [];
  return { OR: [{ audience: { in: ["PUBLIC", "PARTNERS"] } }, ...mine] };
}

export type WebinarWhen = "upcoming" | "past";
export interface WebinarFilter {
  when?: WebinarWhen | null;
  audience?: readonly ("PUBLIC" | "PARTNERS" | "INVITED")[] | null;
  status?: readonly ("SCHEDULED" | "CANCELLED")[] | null;
  now?: Date;
}

/** Upcoming soonest first, past most recent first; everything else in start order. One page at a time. */
export async function listWebinars(actor: Actor, filter: WebinarFilter = {}, page?: PageArgs, query: { include?: Prisma.WebinarInclude } = {}) {
  const now = filter.now ?? new Date();
  const and: Prisma.WebinarWhereInput[] = [visibility(actor)];
  if (filter.when === "past") and.push({ endsAt: { lt: now } });
  if (filter.when === "upcoming") and.push({ endsAt: { gte: now } });
  if (filter.audience?.length) and.push({ audience: { in: [...filter.audience] } });
  if (filter.status?.length) and.push({ status: { in: [...filter.status] } });
  const where = { AND: and };
  const dir = filter.when === "past" ? "desc" : "asc";
  const db = prisma();
  return keysetPage(page, {
    field: "startsAt",
    dir,
    keyOf: async (id) => (await db.webinar.findUnique({ where: { id }, select: { startsAt: true } }))?.startsAt ?? null,
    // The page's text needs translations and speakers whatever the API selected; both load in one query each.
    fetch: (q) =>
      db.webinar.findMany({
        where: { AND: [where, q.where] },
        orderBy: q.orderBy,
        take: q.take,
        include: { ...query.include, ...withText },
      }) as Promise<WebinarWithText[]>,
    count: () => db.webinar.count({ where }),
  });
}

export async function getWebinar(actor: Actor, id: string) {
  const webinar = await prisma().webinar.findFirst({ where: { AND: [{ id }, visibility(actor)] }, include: withText });
  if (!webinar) throw notFound();
  return webinar;
}

/** Panel composition from what speakers chose to declare; the moderator is counted on their own. */
export function panelBalance(speakers: { role: string; gender: string | null }[]) {
  const count = (role: string) => {
    const out: Record<GenderCategory, number> = { woman: 0, man: 0, "non-binary": 0, "self-described": 0, undisclosed: 0 };
    for (const s of speakers) if (s.role === role) out[genderCategory(s.gender)] += 1;
    return out;
  };
  const panel = count("SPEAKER");
  const declared = (Object.keys(panel) as GenderCategory[]).filter((k) => k !== "undisclosed" && panel[k] > 0);
  const declaredCount = declared.reduce((n, k) => n + panel[k], 0);
  return { panel, moderators: count("MODERATOR"), singleGender: declaredCount >= 2 && declared.length === 1 ? declared[0] : null };
}
