import type { Prisma } from "../../generated/prisma/client.ts";
import type { Lang } from "../../i18n/index.ts";
import type { SectorValue } from "../../schemas/partner.ts";
import type { TopicValue } from "../../schemas/topics.ts";
import type { Client } from "../../utils/db.server.ts";
import type { Actor } from "../policy.server.ts";

/**
 * THE audience rule for publications (docs/decisions/0017-publications.md). The page, GraphQL, the PDF download,
 * the digest and the distribution email all ask it — through `can` for a signed-in or anonymous actor, or
 * directly with a viewer built for a mail recipient — so a partners-only brief reaches nobody else by any path.
 * The rule itself is pure; the functions at the end only load who a person is and apply it as a query.
 */

/**
 * Who is looking. A subscriber without an account sees what the public sees. A partner person's `sectors` are
 * those of the *approved* partners they belong to (empty: not, or not yet, a partner); `dialogueIds` are the
 * dialogues they are a member of.
 */
export type PublicationViewer =
  | { kind: "anonymous" }
  | { kind: "subscriber" }
  | { kind: "partnerPerson"; sectors: readonly SectorValue[]; dialogueIds: readonly string[] }
  | { kind: "staff" };

export type PublicationStatusValue = "DRAFT" | "SCHEDULED" | "PUBLISHED";
export type PublicationAudienceValue = "PUBLIC" | "PARTNERS" | "SECTORS" | "DIALOGUES";

/** What the rule needs to know about a publication. */
export interface PublicationGate {
  status: PublicationStatusValue;
  publishedAt: Date | null;
  audience: PublicationAudienceValue;
  audienceSectors: readonly SectorValue[];
  dialogueIds: readonly string[];
}

/** Facts about a signed-in person that their Actor does not carry (loaded by `viewerReach`). */
export interface ViewerReach {
  sectors: readonly SectorValue[];
  dialogueIds: readonly string[];
}

export type PublicationAction =
  /** Create, edit, publish, upload files; also see drafts and embargoed items. */
  | { do: "publication.manage" }
  /** See the item at all: its page, its metadata, its PDFs, its place in lists, digests and distributions. */
  | { do: "publication.see"; publication: PublicationGate; reach: ViewerReach };

/** Out of draft and past its embargo: from then on every language version is visible at once. */
export const isReleased = (p: Pick<PublicationGate, "status" | "publishedAt">, now: Date = new Date()) =>
  p.status !== "DRAFT" && p.publishedAt !== null && p.publishedAt.getTime() <= now.getTime();

const staffActor = (a: Actor) => a.kind === "user" && (a.role === "STAFF" || a.role === "ADMIN");

export function viewerFromActor(actor: Actor, reach: ViewerReach): PublicationViewer {
  if (actor.kind !== "user") return { kind: "anonymous" };
  if (staffActor(actor)) return { kind: "staff" };
  return { kind: "partnerPerson", sectors: reach.sectors, dialogueIds: reach.dialogueIds };
}

/** Staff see everything, drafts included (to prepare and check them); everyone else only released items. */
export function canSeePublication(viewer: PublicationViewer, p: PublicationGate, now: Date = new Date()): boolean {
  if (viewer.kind === "staff") return true;
  if (!isReleased(p, now)) return false;
  switch (p.audience) {
    case "PUBLIC":
      return true;
    case "PARTNERS":
      return viewer.kind === "partnerPerson" && viewer.sectors.length > 0;
    case "SECTORS":
      return viewer.kind === "partnerPerson" && viewer.sectors.some((s) => p.audienceSectors.includes(s));
    case "DIALOGUES":
      return viewer.kind === "partnerPerson" && viewer.dialogueIds.some((d) => p.dialogueIds.includes(d));
  }
}

/** Called only through `can` in policy.server.ts. */
export function canPublication(actor: Actor, action: PublicationAction): boolean {
  if (action.do === "publication.manage") return staffActor(actor);
  return canSeePublication(viewerFromActor(actor, action.reach), action.publication);
}

/**
 * The same rule as a database filter, for lists (pages, GraphQL connections, digests, distributions). Only
 * released items unless `unreleased` is asked for by staff (their working list). tests/publications/audience
 * proves this filter and canSeePublication agree on every combination.
 */
export function visibilityWhere(
  viewer: PublicationViewer,
  opts: { now?: Date; unreleased?: boolean } = {},
): Prisma.PublicationWhereInput {
  const now = opts.now ?? new Date();
  if (viewer.kind === "staff") {
    return opts.unreleased ? {} : { status: { in: ["SCHEDULED", "PUBLISHED"] }, publishedAt: { lte: now } };
  }
  const audiences: Prisma.PublicationWhereInput[] = [{ audience: "PUBLIC" }];
  if (viewer.kind === "partnerPerson") {
    if (viewer.sectors.length > 0) {
      audiences.push({ audience: "PARTNERS" }, { audience: "SECTORS", audienceSectors: { hasSome: [...viewer.sectors] } });
    }
    if (viewer.dialogueIds.length > 0) {
      audiences.push({ audience: "DIALOGUES", dialogues: { some: { dialogueId: { in: [...viewer.dialogueIds] } } } });
    }
  }
  return { status: { in: ["SCHEDULED", "PUBLISHED"] }, publishedAt: { lte: now }, OR: audiences };
}

/** A reader's language version: theirs, else English, else the first there is. `fallback` says it is not theirs. */
export function pickTranslation<T extends { language: "EN" | "FR" | "ES" }>(
  translations: readonly T[],
  lang: Lang,
): { translation: T; fallback: boolean } | null {
  const wanted = lang.toUpperCase();
  const own = translations.find((t) => t.language === wanted);
  if (own) return { translation: own, fallback: false };
  const order = ["EN", "FR", "ES"];
  const other = [...translations].sort((a, b) => order.indexOf(a.language) - order.indexOf(b.language))[0];
  return other ? { translation: other, fallback: true } : null;
}

// ── The database side ────────────────────────────────────────────────────────────────────────────────────────

/** Sectors of the person's approved partners and the dialogues they belong to. */
export async function viewerReach(db: Client, userId: string): Promise<ViewerReach> {
  const [memberships, dialogues] = await Promise.all([
    db.membership.findMany({ where: { userId, partner: { status: "APPROVED" } }, select: { partner: { select: { sector: true } } } }),
    db.dialogueMember.findMany({ where: { userId }, select: { dialogueId: true } }),
  ]);
  return { sectors: [...new Set(memberships.map((m) => m.partner.sector))], dialogueIds: dialogues.map((d) => d.dialogueId) };
}

const NO_REACH: ViewerReach = { sectors: [], dialogueIds: [] };

/** For a request: anonymous visitors and staff need no lookup. */
export async function reachOf(db: Client, actor: Actor): Promise<ViewerReach> {
  return actor.kind === "user" && !staffActor(actor) ? viewerReach(db, actor.id) : NO_REACH;
}

export async function viewerForActor(db: Client, actor: Actor): Promise<PublicationViewer> {
  return viewerFromActor(actor, await reachOf(db, actor));
}

/** For mail to an account holder (partner digests, distribution): unknown ids see what the public sees. */
export async function viewerForUser(db: Client, userId: string): Promise<PublicationViewer> {
  const user = await db.user.findUnique({ where: { id: userId }, select: { role: true } });
  if (!user) return { kind: "anonymous" };
  if (user.role === "STAFF" || user.role === "ADMIN") return { kind: "staff" };
  const reach = await viewerReach(db, userId);
  return { kind: "partnerPerson", ...reach };
}

/**
 * `viewerForUser` for many people at once (digest chunks): three queries however many there are. Each viewer
 * comes with a key that is the same exactly when two viewers see the same publications.
 */
export async function viewersForUsers(db: Client, userIds: string[]): Promise<Map<string, { key: string; viewer: PublicationViewer }>> {
  const [users, memberships, dialogues] = await Promise.all([
    db.user.findMany({ where: { id: { in: userIds } }, select: { id: true, role: true } }),
    db.membership.findMany({ where: { userId: { in: userIds }, partner: { status: "APPROVED" } }, select: { userId: true, partner: { select: { sector: true } } } }),
    db.dialogueMember.findMany({ where: { userId: { in: userIds } }, select: { userId: true, dialogueId: true } }),
  ]);
  const sectors = new Map<string, Set<SectorValue>>();
  for (const m of memberships) (sectors.get(m.userId) ?? sectors.set(m.userId, new Set()).get(m.userId)!).add(m.partner.sector);
  const dialogueIds = new Map<string, string[]>();
  for (const d of dialogues) (dialogueIds.get(d.userId) ?? dialogueIds.set(d.userId, []).get(d.userId)!).push(d.dialogueId);
  const roles = new Map(users.map((u) => [u.id, u.role]));
  const out = new Map<string, { key: string; viewer: PublicationViewer }>();
  for (const id of userIds) {
    const role = roles.get(id);
    if (role === undefined) out.set(id, { key: "anonymous", viewer: { kind: "anonymous" } });
    else if (role === "STAFF" || role === "ADMIN") out.set(id, { key: "staff", viewer: { kind: "staff" } });
    else {
      const s = [...(sectors.get(id) ?? [])].sort();
      const d = [...(dialogueIds.get(id) ?? [])].sort();
      out.set(id, { key: `partnerPerson|${s.join(",")}|${d.join(",")}`, viewer: { kind: "partnerPerson", sectors: s, dialogueIds: d } });
    }
  }
  return out;
}

/** From a row loaded with `dialogues: { select: { dialogueId: true } }` (sectors are CHECKed text in the table). */
export const publicationGate = (p: {
  status: PublicationStatusValue;
  publishedAt: Date | null;
  audience: PublicationAudienceValue;
  audienceSectors: string[];
  dialogues: { dialogueId: string }[];
}): PublicationGate => ({
  status: p.status,
  publishedAt: p.publishedAt,
  audience: p.audience,
  audienceSectors: p.audienceSectors as SectorValue[],
  dialogueIds: p.dialogues.map((d) => d.dialogueId),
});

/**
 * Released publications the viewer may see, newest first, with every language version — what digests and
 * distributions build from. `since`: published strictly after (a digest's last run); `topics`: any of them;
 * `language`: only items that have a version in it (leave it out to fall back with pickTranslation).
 * Staff get released items only here too: mail never carries a draft.
 */
export async function visiblePublicationsFor(
  db: Client,
  viewer: PublicationViewer,
  opts: { since?: Date; topics?: TopicValue[]; language?: Lang; now?: Date; take?: number } = {},
) {
  const now = opts.now ?? new Date();
  const and: Prisma.PublicationWhereInput[] = [visibilityWhere(viewer, { now })];
  if (opts.since) and.push({ publishedAt: { gt: opts.since } });
  if (opts.topics) and.push({ topics: { hasSome: opts.topics } });
  if (opts.language) and.push({ translations: { some: { language: opts.language.toUpperCase() as "EN" | "FR" | "ES" } } });
  return db.publication.findMany({
    where: { AND: and },
    orderBy: [{ publishedAt: "desc" }, { id: "desc" }],
    take: opts.take ?? 200,
    include: { translations: true, dialogues: { select: { dialogueId: true } } },
  });
}
