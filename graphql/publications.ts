import { isReleased, pickTranslation } from "../app/services/publications/audience.ts";
import {
  createPublication,
  getPublication,
  listPublications,
  publishPublication,
  updatePublication,
  type PublicationRow,
} from "../app/services/publications/publications.server.ts";
import { PUBLICATION_TYPES, WEBINAR_MATERIALS } from "../app/schemas/publication-sets.ts";
import { authorize, isStaff } from "../app/services/policy.server.ts";
import { notifyEarlierRecipients } from "../app/services/sends/distribution-update.server.ts";
import { builder } from "./builder.ts";
import { connection, counted, PAGE_RULES } from "./connections.ts";
import { Language, PublicationRegion, Sector, Topic, toLang } from "./enums.ts";

// Every object here comes from a publication service that already asked the audience rule (NOT_FOUND otherwise).
export const PublicationType = builder.enumType("PublicationType", { values: PUBLICATION_TYPES });
export const PublicationStatus = builder.enumType("PublicationStatus", {
  values: {
    DRAFT: { description: "Seen by staff only." },
    SCHEDULED: { description: "Embargoed until publishedAt, then out in every language at once." },
    PUBLISHED: { description: "Out (an embargo that has passed reads as PUBLISHED)." },
  } as const,
});
export const PublicationAudience = builder.enumType("PublicationAudience", {
  values: {
    PUBLIC: { description: "Everyone, subscribers and anonymous visitors included." },
    PARTNERS: { description: "People of any approved partner." },
    SECTORS: { description: "People of approved partners in audienceSectors." },
    DIALOGUES: { description: "Members of the linked dialogues." },
  } as const,
});
export const WebinarMaterial = builder.enumType("WebinarMaterial", { values: WEBINAR_MATERIALS });

type Lang3 = "EN" | "FR" | "ES";
type Version = PublicationRow["translations"][number];
const readerLang = (actor: { kind: string; language?: string | null }, asked?: Lang3 | null) =>
  toLang(asked ?? ((actor.kind === "user" ? actor.language : null) as Lang3 | null) ?? "EN");

const PublicationVersion = builder.objectRef<Version & { fallback: boolean }>("PublicationVersion").implement({
  description: "One language version of a publication.",
  fields: (t) => ({
    language: t.field({ type: Language, resolve: (v) => v.language }),
    fallback: t.boolean({ description: "True when this is not the language asked for (English or another version instead).", resolve: (v) => v.fallback }),
    title: t.exposeString("title"),
    summary: t.exposeString("summary"),
    body: t.exposeString("body", { description: "Markdown as written." }),
    html: t.exposeString("html", { description: "Rendered server-side once: no raw HTML, links only http(s) and mailto." }),
    pdfUrl: t.string({
      nullable: true,
      description: "Download address of this version's PDF (the same audience rule applies), or null when there is none.",
      resolve: (v) => (v.pdfKey ? `/publications/${v.publicationId}/${v.language.toLowerCase()}.pdf` : null),
    }),
    pdfSize: t.int({ nullable: true, description: "Bytes.", resolve: (v) => (v.pdfKey ? v.pdfSize : null) }),
  }),
});

export const Publication = builder.objectRef<PublicationRow>("Publication").implement({
  fields: (t) => ({
    id: t.exposeID("id"),
    type: t.field({ type: PublicationType, resolve: (p) => p.type }),
    status: t.field({ type: PublicationStatus, resolve: (p) => (isReleased(p) ? "PUBLISHED" : p.status) }),
    series: t.exposeString("series", { nullable: true }),
    topics: t.field({ type: [Topic], resolve: (p) => p.topics as never }),
    regions: t.field({ type: [PublicationRegion], resolve: (p) => p.regions as never }),
    authors: t.exposeString("authors"),
    publishedAt: t.expose("publishedAt", { type: "DateTime", nullable: true, description: "When it is (or will be) out; null for a draft." }),
    doi: t.exposeString("doi", { nullable: true }),
    isbn: t.exposeString("isbn", { nullable: true }),
    licence: t.exposeString("licence"),
    citation: t.exposeString("citation", { description: "Suggested citation." }),
    audience: t.field({ type: PublicationAudience, resolve: (p) => p.audience }),
    audienceSectors: t.field({
      type: [Sector],
      description: "Staff only (empty for others).",
      resolve: (p, _a, ctx) => (isStaff(ctx.actor) ? (p.audienceSectors as never) : []),
    }),
    dialogueIds: t.idList({ description: "Staff only (empty for others).", resolve: (p, _a, ctx) => (isStaff(ctx.actor) ? p.dialogues.map((d) => d.dialogueId) : []) }),
    webinarId: t.exposeID("webinarId", { nullable: true }),
    webinarMaterial: t.field({ type: WebinarMaterial, nullable: true, resolve: (p) => p.webinarMaterial }),
    languages: t.field({ type: [Language], description: "Languages it exists in.", resolve: (p) => p.translations.map((v) => v.language) }),
    version: t.field({
      type: PublicationVersion,
      args: { language: t.arg({ type: Language, description: "Defaults to your profile language, then English." }) },
      description: "The version in that language, else English, else another (see fallback).",
      resolve: (p, a, ctx) => {
        const picked = pickTranslation(p.translations, readerLang(ctx.actor, a.language))!;
        return { ...picked.translation, fallback: picked.fallback };
      },
    }),
    versions: t.field({ type: [PublicationVersion], resolve: (p) => p.translations.map((v) => ({ ...v, fallback: false })) }),
    updatedAt: t.expose("updatedAt", { type: "DateTime" }),
  }),
});

const PublicationTranslationInput = builder.inputType("PublicationTranslationInput", {
  fields: (t) => ({
    language: t.field({ type: Language, required: true }),
    title: t.string({ required: true }),
    summary: t.string(),
    body: t.string({ description: "Markdown (paragraphs, headings, lists, quotes, links, emphasis, code)." }),
  }),
});

const inputFields = (required: boolean) => (t: PothosSchemaTypes.InputFieldBuilder<PothosSchemaTypes.ExtendDefaultTypes<never>, "InputObject">) => ({
  type: t.field({ type: PublicationType, required }),
  series: t.string(),
  topics: t.field({ type: [Topic] }),
  regions: t.field({ type: [PublicationRegion] }),
  authors: t.string({ required }),
  doi: t.string({ description: "Like 10.1234/abcd (a https://doi.org/ prefix is removed)." }),
  isbn: t.string(),
  licence: t.string({ description: "CC BY 4.0 by default." }),
  citation: t.string({ description: "Suggested citation." }),
  audience: t.field({ type: PublicationAudience, description: "PUBLIC by default." }),
  audienceSectors: t.field({ type: [Sector], description: "Required with audience SECTORS." }),
  dialogueIds: t.idList({ description: "Required with audience DIALOGUES." }),
  webinarId: t.id({ description: "A related webinar; webinarMaterial says what this item is for it." }),
  webinarMaterial: t.field({ type: WebinarMaterial }),
  translations: t.field({
    type: [PublicationTranslationInput],
    required,
    description: required ? "One per language (EN, FR, ES)." : "When given: these versions are written, a language left out is removed (with its PDF).",
  }),
});

const PublicationInput = builder.inputType("PublicationInput", { fields: inputFields(true) as never });
const PublicationUpdateInput = builder.inputType("PublicationUpdateInput", {
  fields: ((t: Parameters<ReturnType<typeof inputFields>>[0]) => ({
    ...inputFields(false)(t),
    notifyEarlierRecipients: t.boolean({
      description: "Also mail \"Updated: <title>\" to the people of this publication's earlier distributions who may still see it (once each). False by default: nothing is sent.",
    }),
  })) as never,
});

const PublicationFilter = builder.inputType("PublicationFilter", {
  description: "Facets: items matching any value of each given facet, and every given facet.",
  fields: (t) => ({
    types: t.field({ type: [PublicationType] }),
    topics: t.field({ type: [Topic] }),
    regions: t.field({ type: [PublicationRegion] }),
    languages: t.field({ type: [Language], description: "Items that have a version in one of these languages." }),
    years: t.intList({ description: "Years of publication (UTC)." }),
    search: t.string({ description: "Words in the title or summary of any version." }),
    includeUnreleased: t.boolean({ description: "Staff only: drafts and embargoed items too (ignored for others)." }),
  }),
});

type RawInput = Record<string, unknown> & { translations?: { language: Lang3; title: string; summary?: string | null; body?: string | null }[] | null };
/** GraphQL enums and nulls onto the form's values; the service's schema validates the rest. */
function toServiceInput(input: RawInput) {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(input)) if (v !== null && v !== undefined) out[k] = v;
  if (input.translations) {
    out.translations = input.translations.map((x) => ({ language: toLang(x.language), title: x.title, summary: x.summary ?? "", body: x.body ?? "" }));
  }
  if (input.dialogueIds) out.dialogueIds = (input.dialogueIds as (string | number)[]).map(String);
  if (input.webinarId !== undefined && input.webinarId !== null) out.webinarId = String(input.webinarId);
  return out;
}

builder.queryFields((t) => ({
  publications: t.connection(
    {
      type: Publication,
      args: { filter: t.arg({ type: PublicationFilter }) },
      description: `What you may see (public items for everyone; partner, sector and dialogue items for those they are for), newest first. ${PAGE_RULES}`,
      resolve: async (_r, { filter, ...page }, ctx) =>
        connection(
          await listPublications(
            ctx.actor,
            {
              types: filter?.types ?? undefined,
              topics: filter?.topics ?? undefined,
              regions: filter?.regions ?? undefined,
              languages: filter?.languages?.map(toLang),
              years: filter?.years ?? undefined,
              search: filter?.search ?? undefined,
              includeUnreleased: filter?.includeUnreleased ?? false,
            },
            page,
          ),
        ),
    },
    ...counted("Publication"),
  ),
  publication: t.field({
    type: Publication,
    args: { id: t.arg.id({ required: true }) },
    description: "NOT_FOUND alike for a missing item, a draft, an embargoed one and one not meant for you.",
    resolve: (_r, a, ctx) => getPublication(ctx.actor, String(a.id)),
  }),
}));

builder.mutationFields((t) => ({
  createPublication: t.field({
    type: Publication,
    description: "Staff only. Starts as a DRAFT.",
    args: { input: t.arg({ type: PublicationInput, required: true }) },
    resolve: (_r, { input }, ctx) => createPublication(ctx.actor, toServiceInput(input as RawInput)),
  }),
  updatePublication: t.field({
    type: Publication,
    description: "Staff only. Only the fields given change. With notifyEarlierRecipients, earlier distributions' readers are told (send.manage).",
    args: { id: t.arg.id({ required: true }), input: t.arg({ type: PublicationUpdateInput, required: true }) },
    resolve: async (_r, { id, input }, ctx) => {
      const { notifyEarlierRecipients: notify, ...rest } = input as RawInput;
      // Asked before anything changes: an update that may not notify is refused as a whole.
      if (notify) authorize(ctx.actor, { do: "send.manage" });
      const updated = await updatePublication(ctx.actor, String(id), toServiceInput(rest));
      if (notify) await notifyEarlierRecipients(ctx.actor, String(id));
      return updated;
    },
  }),
  publishPublication: t.field({
    type: Publication,
    description: "Staff only. Without `at` (or with a past time): out now. With a future `at`: embargoed until then, every language at once.",
    args: { id: t.arg.id({ required: true }), at: t.arg({ type: "DateTime" }) },
    resolve: (_r, a, ctx) => publishPublication(ctx.actor, String(a.id), { at: a.at ?? undefined }),
  }),
}));
