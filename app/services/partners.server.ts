import { sendApplicationReceived, sendDuplicateApplication, sendPartnerApproved, sendPartnerRejected } from "../../emails/senders.ts";
import type { Partner, Prisma } from "../generated/prisma/client.ts";
import { fromDbLanguage, toDbLanguage } from "../i18n/index.ts";
import { memberRoleSchema, partnerDetailsSchema, partnerRegistrationSchema, rejectionSchema, type SectorValue } from "../schemas/partner.ts";
import type { PageArgs } from "../schemas/page.ts";
import { parseInput } from "../schemas/validate.ts";
import { prisma, type Tx } from "../utils/db.server.ts";
import { env } from "../utils/env.server.ts";
import { recordAudit } from "./audit.server.ts";
import { AppError, notFound } from "./errors.ts";
import { keysetPage } from "./pagination.server.ts";
import { authorize, can, isStaff, type Actor } from "./policy.server.ts";
import { addressKey, enforce, LIMITS, requesterKey, type Requester } from "./rate-limit.server.ts";
import { lockRow } from "../utils/row-lock.server.ts";

const signInUrl = () => `${env().APP_URL}/auth/sign-in`;
const langOf = (p: Pick<Partner, "language">) => fromDbLanguage(p.language) ?? "en";

/**
 * Public self-registration: the institution waits for review; its focal point becomes its first person.
 * The answer is the same whether or not a pending or unlisted institution of that name exists (that would
 * reveal it): a second application is simply filed for review, and the existing focal point is told. Only a
 * publicly listed partner is answered as a duplicate, since the directory shows it anyway.
 */
export async function registerPartner(actor: Actor, input: unknown, requester?: Requester) {
  authorize(actor, { do: "partner.register" });
  const data = parseInput(partnerRegistrationSchema, input);
  if (requester?.ip && !isStaff(actor)) {
    await enforce(`partner-register:ip:${requesterKey(requester.ip)}`, LIMITS.partnerRegistration.perIp);
    await enforce(`partner-register:to:${addressKey(data.focalPointEmail)}`, LIMITS.partnerRegistration.perAddress);
    await enforce("partner-register:global", LIMITS.partnerRegistration.global);
  }
  return prisma().$transaction(async (tx) => {
    const duplicate = await tx.partner.findFirst({
      where: { name: { equals: data.name, mode: "insensitive" }, country: data.country, status: { not: "REJECTED" } },
      orderBy: { createdAt: "asc" },
    });
    if (duplicate?.status === "APPROVED" && duplicate.publicListing) {
      throw new AppError("CONFLICT", "duplicate_partner", { name: { key: "duplicate_partner" } });
    }
    const partner = await tx.partner.create({
      data: {
        name: data.name,
        sector: data.sector,
        country: data.country,
        website: data.website,
        focalPointName: data.focalPointName,
        focalPointEmail: data.focalPointEmail,
        interests: data.interests,
        language: toDbLanguage(data.language),
        publicListing: data.publicListing,
        consentAt: new Date(),
      },
    });
    const user = await tx.user.upsert({
      where: { email: data.focalPointEmail },
      create: { email: data.focalPointEmail, name: data.focalPointName, language: toDbLanguage(data.language) },
      update: {},
    });
    await tx.membership.create({ data: { userId: user.id, partnerId: partner.id, role: "FOCAL_POINT" } });
    await recordAudit(tx, actor, "partner.registered", { type: "Partner", id: partner.id }, {
      name: partner.name,
      ...(duplicate ? { possibleDuplicateOf: duplicate.id } : {}),
    });
    await sendApplicationReceived(tx, { to: partner.focalPointEmail, lang: data.language, partnerId: partner.id, partnerName: partner.name });
    if (duplicate && duplicate.focalPointEmail !== partner.focalPointEmail) {
      await sendDuplicateApplication(tx, { to: duplicate.focalPointEmail, lang: langOf(duplicate), partnerId: partner.id, existingId: duplicate.id });
    }
    return partner;
  });
}

export interface PartnerFilter {
  /** Staff only: everyone else sees approved institutions whatever they ask. */
  status?: readonly ("PENDING" | "APPROVED" | "REJECTED")[] | null;
  sector?: readonly SectorValue[] | null;
  country?: string | null;
  /** A region's countries (ANDed with `country` when both are given). */
  countries?: readonly string[] | null;
  search?: string | null;
}

/**
 * Staff see every status; approved partners see the directory; everyone else sees only approved
 * institutions that chose a public listing. Sorted by name, one page at a time.
 */
export async function listPartners(actor: Actor, filter: PartnerFilter = {}, page?: PageArgs, query: { include?: Prisma.PartnerInclude } = {}) {
  const where = directoryWhere(actor, filter);
  const db = prisma();
  return keysetPage(page, {
    field: "name",
    dir: "asc",
    keyOf: async (id) => (await db.partner.findUnique({ where: { id }, select: { name: true } }))?.name ?? null,
    fetch: (q) => db.partner.findMany({ ...query, where: { AND: [where, q.where] }, orderBy: q.orderBy, take: q.take }),
    count: () => db.partner.count({ where }),
  });
}

function directoryWhere(actor: Actor, filter: PartnerFilter): Prisma.PartnerWhereInput {
  const where: Prisma.PartnerWhereInput = {};
  if (isStaff(actor)) {
    if (filter.status?.length) where.status = { in: [...filter.status] };
  } else {
    where.status = "APPROVED";
    if (!can(actor, { do: "partner.directory" })) where.publicListing = true;
  }
  if (filter.sector?.length) where.sector = { in: [...filter.sector] };
  const country = filter.country?.trim().toUpperCase();
  if (filter.countries) where.country = { in: country ? filter.countries.filter((c) => c === country) : [...filter.countries] };
  else if (country) where.country = country;
  if (filter.search?.trim()) where.name = { contains: filter.search.trim(), mode: "insensitive" };
  return where;
}

/** The countries of the institutions this actor may see in the directory, for its country filter. */
export async function directoryCountries(actor: Actor): Promise<string[]> {
  const rows = await prisma().partner.groupBy({ by: ["country"], where: directoryWhere(actor, {}), orderBy: { country: "asc" } });
  return rows.map((r) => r.country);
}

/** The institutions waiting for a decision, oldest application first, a page at a time. */
export async function listPendingPartners(actor: Actor, page?: PageArgs) {
  authorize(actor, { do: "partner.listPending" });
  const db = prisma();
  const where = { status: "PENDING" as const };
  return keysetPage(page, {
    field: "createdAt",
    dir: "asc",
    keyOf: async (id) => (await db.partner.findUnique({ where: { id }, select: { createdAt: true } }))?.createdAt ?? null,
    fetch: (q) => db.partner.findMany({ where: { AND: [where, q.where] }, orderBy: q.orderBy, take: q.take }),
    count: () => db.partner.count({ where }),
  });
}

/** Returns the partner only if the actor may see at least its public card; NOT_FOUND otherwise, so ids leak nothing. */
export async function getPartner(actor: Actor, id: string, query: { include?: Prisma.PartnerInclude } = {}) {
  const partner = await prisma().partner.findUnique({ ...query, where: { id } });
  if (!partner) throw notFound();
  if (!can(actor, { do: "partner.view", partner }) && !can(actor, { do: "partner.viewPublic", partner })) throw notFound();
  return partner;
}

export async function listMembers(actor: Actor, partner: Partner) {
  authorize(actor, { do: "partner.viewMembers", partner });
  return prisma().membership.findMany({
    where: { partnerId: partner.id },
    include: { user: { select: { id: true, name: true, email: true } } },
    orderBy: [{ role: "asc" }, { createdAt: "asc" }],
  });
}

async function decide(actor: Actor, id: string, change: (tx: Tx, partner: Partner) => Promise<Partner>) {
  authorize(actor, { do: "partner.decide" });
  return prisma().$transaction(async (tx) => {
    const partner = await tx.partner.findUnique({ where: { id } });
    if (!partner) throw notFound();
    if (partner.status !== "PENDING") throw new AppError("CONFLICT", "not_pending");
    return change(tx, partner);
  });
}

export async function approvePartner(actor: Actor, id: string) {
  return decide(actor, id, async (tx, partner) => {
    const updated = await tx.partner.update({ where: { id }, data: { status: "APPROVED", decidedAt: new Date() } });
    await recordAudit(tx, actor, "partner.approved", { type: "Partner", id });
    await sendPartnerApproved(tx, {
      to: partner.focalPointEmail,
      lang: langOf(partner),
      partnerId: id,
      partnerName: partner.name,
      signInUrl: signInUrl(),
    });
    return updated;
  });
}

export async function rejectPartner(actor: Actor, id: string, reasonInput: unknown) {
  authorize(actor, { do: "partner.decide" });
  const { reason } = parseInput(rejectionSchema, { reason: reasonInput });
  return decide(actor, id, async (tx, partner) => {
    const updated = await tx.partner.update({
      where: { id },
      data: { status: "REJECTED", decidedAt: new Date(), rejectionReason: reason },
    });
    await recordAudit(tx, actor, "partner.rejected", { type: "Partner", id }, { reason });
    await sendPartnerRejected(tx, { to: partner.focalPointEmail, lang: langOf(partner), partnerId: id, partnerName: partner.name, reason });
    return updated;
  });
}

export { acceptPartnerInvitation, invitePartnerMember } from "./partner-invitations.server.ts";

export async function removePartnerMember(actor: Actor, partnerId: string, userId: string) {
  return prisma().$transaction(async (tx) => {
    const partner = await tx.partner.findUnique({ where: { id: partnerId } });
    if (!partner || !can(actor, { do: "partner.view", partner })) throw notFound();
    authorize(actor, { do: "partner.manageMembers", partner });
    const membership = await tx.membership.findUnique({
      where: { userId_partnerId: { userId, partnerId } },
      include: { user: { select: { id: true, name: true, email: true } } },
    });
    if (!membership) throw notFound();
    if (membership.role === "FOCAL_POINT") {
      const focalPoints = await tx.membership.count({ where: { partnerId, role: "FOCAL_POINT" } });
      if (focalPoints <= 1) throw new AppError("CONFLICT", "last_focal_point");
    }
    await tx.membership.delete({ where: { id: membership.id } });
    await recordAudit(tx, actor, "partner.memberRemoved", { type: "Partner", id: partnerId }, { userId });
    return membership;
  });
}

/** A focal point (or the research team) updates the institution's contact and profile; audited with what changed. */
export async function updatePartnerDetails(actor: Actor, partnerId: string, input: unknown) {
  const data = parseInput(partnerDetailsSchema, input);
  return prisma().$transaction(async (tx) => {
    const partner = await tx.partner.findUnique({ where: { id: partnerId } });
    if (!partner || !can(actor, { do: "partner.view", partner })) throw notFound();
    authorize(actor, { do: "partner.editDetails", partner });
    const next = { ...data, website: data.website ?? null, language: toDbLanguage(data.language) };
    const changed = (Object.keys(next) as (keyof typeof next)[]).filter((k) => JSON.stringify(next[k]) !== JSON.stringify(partner[k]));
    const updated = await tx.partner.update({ where: { id: partnerId }, data: next });
    if (changed.length) await recordAudit(tx, actor, "partner.detailsUpdated", { type: "Partner", id: partnerId }, { changed });
    return Object.assign(updated, { changed });
  });
}

/**
 * Makes a member a focal point, or a focal point a member again; an institution always keeps one focal point.
 * Audited with the person and the new role.
 */
export async function setMemberRole(actor: Actor, partnerId: string, userId: string, roleInput: unknown) {
  const role = parseInput(memberRoleSchema, roleInput);
  return prisma().$transaction(async (tx) => {
    const partner = await tx.partner.findUnique({ where: { id: partnerId } });
    if (!partner || !can(actor, { do: "partner.view", partner })) throw notFound();
    authorize(actor, { do: "partner.manageMembers", partner });
    // Serialises concurrent demotions: two focal points demoting each other must not leave none.
    await lockRow(tx, "Partner", partnerId);
    const membership = await tx.membership.findUnique({ where: { userId_partnerId: { userId, partnerId } }, include: { user: { select: { name: true } } } });
    if (!membership) throw notFound();
    if (membership.role === role) return membership;
    if (role === "MEMBER" && (await tx.membership.count({ where: { partnerId, role: "FOCAL_POINT" } })) <= 1) throw new AppError("CONFLICT", "last_focal_point");
    const updated = await tx.membership.update({ where: { id: membership.id }, data: { role }, include: { user: { select: { name: true } } } });
    await recordAudit(tx, actor, "partner.memberRoleChanged", { type: "Partner", id: partnerId }, { userId, role });
    return updated;
  });
}

/**
 * Other institutions that look like this one: same country and the same or a similar name (accents, case,
 * punctuation and small typos aside), plus any the registration flagged. For the team reviewing an application.
 */
export async function likelyDuplicates(actor: Actor, partner: Pick<Partner, "id" | "name" | "country">) {
  return (await likelyDuplicatesOf(actor, [partner])).get(partner.id) ?? [];
}

/**
 * Likely duplicates of several institutions at once (the admin queue): two queries whatever their number — the
 * duplicate flags recorded at registration, and the institutions of the same countries, compared in memory.
 */
export async function likelyDuplicatesOf(actor: Actor, partners: Pick<Partner, "id" | "name" | "country">[]) {
  authorize(actor, { do: "partner.decide" });
  type Candidate = Pick<Partner, "id" | "name" | "status" | "country">;
  const found = new Map<string, Candidate[]>();
  if (!partners.length) return found;
  const db = prisma();
  const [flags, sameCountries] = await Promise.all([
    db.auditEntry.findMany({ where: { targetId: { in: partners.map((p) => p.id) }, action: "partner.registered" }, select: { targetId: true, data: true } }),
    db.partner.findMany({ where: { country: { in: [...new Set(partners.map((p) => p.country))] } }, select: { id: true, name: true, status: true, country: true }, orderBy: [{ createdAt: "asc" }, { id: "asc" }] }),
  ]);
  const flagged = new Map<string, Set<string>>();
  for (const f of flags) {
    const other = (f.data as { possibleDuplicateOf?: string } | null)?.possibleDuplicateOf;
    if (other) flagged.set(f.targetId, (flagged.get(f.targetId) ?? new Set()).add(other));
  }
  const byCountry = new Map<string, { partner: Candidate; key: string }[]>();
  for (const c of sameCountries) byCountry.set(c.country, [...(byCountry.get(c.country) ?? []), { partner: c, key: normaliseName(c.name) }]);
  for (const p of partners) {
    const key = normaliseName(p.name);
    const flags = flagged.get(p.id);
    found.set(
      p.id,
      (byCountry.get(p.country) ?? []).filter((c) => c.partner.id !== p.id && (flags?.has(c.partner.id) || similarNames(key, c.key))).map((c) => c.partner),
    );
  }
  return found;
}

export const normaliseName = (name: string) =>
  name
    .normalize("NFD")
    .replace(/\p{M}/gu, "")
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, " ")
    .trim();

export function similarNames(a: string, b: string) {
  if (a === b) return true;
  if (a.length >= 6 && b.length >= 6 && (a.includes(b) || b.includes(a))) return true;
  return editDistance(a, b) <= Math.max(1, Math.floor(Math.min(a.length, b.length) / 10));
}

function editDistance(a: string, b: string) {
  if (Math.abs(a.length - b.length) > 3) return 99;
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = cur;
  }
  return prev[b.length];
}
