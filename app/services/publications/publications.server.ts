import type { Prisma } from "../../generated/prisma/client.ts";
import { toDbLanguage, type Lang } from "../../i18n/index.ts";
import type { PageArgs } from "../../schemas/page.ts";
import { audienceIssues, publicationSchema, publicationUpdateSchema, publishSchema, type PublicationData } from "../../schemas/publication.ts";
import { parseInput } from "../../schemas/validate.ts";
import { prisma, type Client } from "../../utils/db.server.ts";
import { recordAudit } from "../audit.server.ts";
import { fileStore } from "../storage/file-store.server.ts";
import { renderMarkdown } from "../dialogues/markdown.ts";
import { AppError, notFound } from "../errors.ts";
import { paginate } from "../pagination.server.ts";
import { authorize, can, requireUser, type Actor } from "../policy.server.ts";
import { isReleased, publicationGate, reachOf, visibilityWhere, viewerFromActor, type ViewerReach } from "./audience.ts";

export const publicationInclude = {
  translations: { orderBy: { language: "asc" } },
  dialogues: { select: { dialogueId: true } },
} satisfies Prisma.PublicationInclude;
export type PublicationRow = Prisma.PublicationGetPayload<{ include: typeof publicationInclude }>;

type Translation = PublicationData["translations"][number];
/** The HTML is rendered once, here, with the same safe renderer as dialogue posts: readers get it as stored. */
const translationRow = (t: Translation) => ({
  language: toDbLanguage(t.language),
  title: t.title,
  summary: t.summary,
  body: t.body,
  // The body sits right under the page's h1: its headings start at h2.
  html: renderMarkdown(t.body, { top: 2 }),
});

/** Dialogue and webinar references must exist; a wrong id is a field error, not a broken link. */
async function checkReferences(tx: Client, data: { dialogueIds?: string[]; webinarId?: string | null }) {
  if (data.dialogueIds?.length) {
    const found = await tx.dialogue.count({ where: { id: { in: data.dialogueIds } } });
    if (found !== data.dialogueIds.length) throw new AppError("BAD_USER_INPUT", "invalid_input", { dialogueIds: { key: "dialogues_required" } });
  }
  if (data.webinarId && !(await tx.webinar.findUnique({ where: { id: data.webinarId }, select: { id: true } }))) {
    throw new AppError("BAD_USER_INPUT", "invalid_input", { webinarId: { key: "not_found" } });
  }
}

/** Staff write a new item; it starts as a draft that only staff see. */
export async function createPublication(actor: Actor, input: unknown): Promise<PublicationRow> {
  authorize(actor, { do: "publication.manage" });
  const user = requireUser(actor);
  const data = parseInput(publicationSchema, input);
  return prisma().$transaction(async (tx) => {
    await checkReferences(tx, data);
    const created = await tx.publication.create({
      data: {
        type: data.type,
        series: data.series ?? null,
        topics: data.topics,
        regions: data.regions,
        authors: data.authors,
        doi: data.doi ?? null,
        isbn: data.isbn ?? null,
        licence: data.licence,
        citation: data.citation,
        audience: data.audience,
        audienceSectors: data.audience === "SECTORS" ? data.audienceSectors : [],
        webinarId: data.webinarId ?? null,
        webinarMaterial: data.webinarId ? (data.webinarMaterial ?? null) : null,
        createdById: user.id,
        translations: { create: data.translations.map(translationRow) },
        dialogues: { create: data.audience === "DIALOGUES" ? data.dialogueIds.map((dialogueId) => ({ dialogueId })) : [] },
      },
      include: publicationInclude,
    });
    await recordAudit(tx, actor, "publication.created", { type: "Publication", id: created.id }, { type: data.type, audience: data.audience });
    return created;
  });
}

/**
 * Staff change metadata, audience or language versions. Versions given are written (a language left out is
 * removed with its PDF); their PDFs stay when the language stays. Who receives what is decided again from the
 * new audience on every read: narrowing an audience takes the item away from those no longer in it at once.
 */
export async function updatePublication(actor: Actor, id: string, input: unknown): Promise<PublicationRow> {
  authorize(actor, { do: "publication.manage" });
  const data = parseInput(publicationUpdateSchema, input);
  const { publication, removedPdfKeys } = await prisma().$transaction(async (tx) => {
    const current = await tx.publication.findUnique({ where: { id }, include: publicationInclude });
    if (!current) throw notFound();
    const merged = {
      audience: data.audience ?? current.audience,
      audienceSectors: data.audienceSectors ?? current.audienceSectors,
      dialogueIds: data.dialogueIds ?? current.dialogues.map((d) => d.dialogueId),
      webinarId: data.webinarId !== undefined ? data.webinarId : (current.webinarId ?? undefined),
      webinarMaterial: data.webinarMaterial ?? current.webinarMaterial ?? undefined,
    };
    const issues = Object.entries(audienceIssues(merged));
    if (issues.length) throw new AppError("BAD_USER_INPUT", "invalid_input", Object.fromEntries(issues.map(([f, key]) => [f, { key }])));
    await checkReferences(tx, { dialogueIds: data.dialogueIds, webinarId: data.webinarId });

    let removedPdfKeys: string[] = [];
    if (data.translations) {
      const keep = data.translations.map((t) => toDbLanguage(t.language));
      const dropped = current.translations.filter((t) => !keep.includes(t.language));
      removedPdfKeys = dropped.flatMap((t) => (t.pdfKey ? [t.pdfKey] : []));
      await tx.publicationTranslation.deleteMany({ where: { publicationId: id, language: { notIn: keep } } });
      for (const t of data.translations) {
        const row = translationRow(t);
        await tx.publicationTranslation.upsert({
          where: { publicationId_language: { publicationId: id, language: row.language } },
          create: { ...row, publicationId: id },
          update: row,
        });
      }
    }
    if (data.dialogueIds || data.audience) {
      await tx.publicationDialogue.deleteMany({ where: { publicationId: id } });
      if (merged.audience === "DIALOGUES") {
        await tx.publicationDialogue.createMany({ data: merged.dialogueIds.map((dialogueId) => ({ publicationId: id, dialogueId })) });
      }
    }
    const publication = await tx.publication.update({
      where: { id },
      data: {
        type: data.type,
        series: data.series !== undefined ? data.series : undefined,
        topics: data.topics,
        regions: data.regions,
        authors: data.authors,
        doi: "doi" in data ? (data.doi ?? null) : undefined,
        isbn: "isbn" in data ? (data.isbn ?? null) : undefined,
        licence: data.licence,
        citation: data.citation,
        audience: merged.audience,
        audienceSectors: merged.audience === "SECTORS" ? merged.audienceSectors : [],
        webinarId: merged.webinarId ?? null,
        webinarMaterial: merged.webinarId ? (merged.webinarMaterial ?? null) : null,
      },
      include: publicationInclude,
    });
    await recordAudit(tx, actor, "publication.updated", { type: "Publication", id }, { fields: Object.keys(data) });
    return { publication, removedPdfKeys };
  });
  // Only once the change is committed: a rolled-back update keeps its files.
  for (const key of removedPdfKeys) await fileStore().remove(key);
  return publication;
}

/**
 * Publishes now, or schedules for `at` (an embargo): every language version becomes visible at that moment,
 * because visibility asks `publishedAt <= now` (no job has to flip it in time). Re-scheduling is allowed until
 * the item is out; once out it stays out.
 */
export async function publishPublication(actor: Actor, id: string, input: unknown = {}, now = new Date()): Promise<PublicationRow> {
  authorize(actor, { do: "publication.manage" });
  const { at } = parseInput(publishSchema, input);
  return prisma().$transaction(async (tx) => {
    const current = await tx.publication.findUnique({ where: { id }, select: { status: true, publishedAt: true } });
    if (!current) throw notFound();
    if (isReleased(current, now)) throw new AppError("CONFLICT", "already_published");
    const scheduled = !!at && at.getTime() > now.getTime();
    const publication = await tx.publication.update({
      where: { id },
      data: { status: scheduled ? "SCHEDULED" : "PUBLISHED", publishedAt: scheduled ? at : now },
      include: publicationInclude,
    });
    await recordAudit(tx, actor, scheduled ? "publication.scheduled" : "publication.published", { type: "Publication", id }, { at: publication.publishedAt?.toISOString() });
    return publication;
  });
}

/** Back to draft: out of every list, page and digest at once (staff use it to withdraw an item). */
export async function unpublishPublication(actor: Actor, id: string): Promise<PublicationRow> {
  authorize(actor, { do: "publication.manage" });
  return prisma().$transaction(async (tx) => {
    if (!(await tx.publication.findUnique({ where: { id }, select: { id: true } }))) throw notFound();
    const publication = await tx.publication.update({ where: { id }, data: { status: "DRAFT", publishedAt: null }, include: publicationInclude });
    await recordAudit(tx, actor, "publication.withdrawn", { type: "Publication", id });
    return publication;
  });
}

/** The item if this actor may see it; otherwise NOT_FOUND, the same as for an id that never existed. */
export async function getPublication(actor: Actor, id: string, reach?: ViewerReach): Promise<PublicationRow> {
  const row = await prisma().publication.findUnique({ where: { id }, include: publicationInclude });
  if (!row) throw notFound();
  const r = reach ?? (await reachOf(prisma(), actor));
  if (!can(actor, { do: "publication.see", publication: publicationGate(row), reach: r })) throw notFound();
  return row;
}

export interface PublicationFilter {
  types?: string[];
  topics?: string[];
  regions?: string[];
  languages?: Lang[];
  years?: number[];
  /** Words in the title or summary of any version. */
  search?: string;
  /** Staff only: drafts and embargoed items too. */
  includeUnreleased?: boolean;
  webinarId?: string;
}

export function filterWhere(filter: PublicationFilter): Prisma.PublicationWhereInput[] {
  const and: Prisma.PublicationWhereInput[] = [];
  if (filter.types?.length) and.push({ type: { in: filter.types as ("BRIEF" | "CASE_STUDY" | "RESEARCH_OUTPUT")[] } });
  if (filter.topics?.length) and.push({ topics: { hasSome: filter.topics } });
  if (filter.regions?.length) and.push({ regions: { hasSome: filter.regions } });
  if (filter.languages?.length) and.push({ translations: { some: { language: { in: filter.languages.map(toDbLanguage) } } } });
  if (filter.years?.length) {
    and.push({
      OR: filter.years.map((y) => ({ publishedAt: { gte: new Date(Date.UTC(y, 0, 1)), lt: new Date(Date.UTC(y + 1, 0, 1)) } })),
    });
  }
  if (filter.webinarId) and.push({ webinarId: filter.webinarId });
  const words = filter.search?.trim().split(/\s+/).filter(Boolean).slice(0, 8) ?? [];
  for (const w of words) {
    and.push({
      translations: {
        some: { OR: [{ title: { contains: w, mode: "insensitive" } }, { summary: { contains: w, mode: "insensitive" } }] },
      },
    });
  }
  return and;
}

/** What this actor may see, newest first (staff asking for unreleased items: drafts first). */
export async function listPublications(actor: Actor, filter: PublicationFilter = {}, page?: PageArgs, reach?: ViewerReach) {
  const viewer = viewerFromActor(actor, reach ?? (await reachOf(prisma(), actor)));
  const where: Prisma.PublicationWhereInput = {
    AND: [visibilityWhere(viewer, { unreleased: !!filter.includeUnreleased && viewer.kind === "staff" }), ...filterWhere(filter)],
  };
  return paginate(
    page,
    (q) =>
      prisma().publication.findMany({
        where,
        include: publicationInclude,
        orderBy: [{ publishedAt: { sort: "desc", nulls: "first" } }, { createdAt: "desc" }, { id: "desc" }],
        ...q,
      }),
    () => prisma().publication.count({ where }),
  );
}

/** Years that have at least one item this actor may see, for the year facet. */
export async function publicationYears(actor: Actor, reach?: ViewerReach): Promise<number[]> {
  const viewer = viewerFromActor(actor, reach ?? (await reachOf(prisma(), actor)));
  const rows = await prisma().publication.findMany({
    where: { AND: [visibilityWhere(viewer), { publishedAt: { not: null } }] },
    select: { publishedAt: true },
    distinct: ["publishedAt"],
    orderBy: { publishedAt: "desc" },
    take: 2000,
  });
  return [...new Set(rows.map((r) => r.publishedAt!.getUTCFullYear()))];
}
