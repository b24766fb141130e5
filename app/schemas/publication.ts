import { z } from "zod";
import { SECTORS } from "./partner.ts";
import { language, multilineText, optionalText, text } from "./fields.ts";
import { PUBLICATION_AUDIENCES, PUBLICATION_REGIONS, PUBLICATION_TYPES, WEBINAR_MATERIALS } from "./publication-sets.ts";
import { TOPICS } from "./topics.ts";

// Shared by the staff form and the GraphQL inputs (GraphQL maps its enums onto these values).
const closed = <T extends readonly [string, ...string[]]>(values: T, message: string) =>
  z.enum(values as unknown as [T[number], ...T[number][]], { errorMap: () => ({ message }) });
const set = <T extends readonly [string, ...string[]]>(values: T, message: string) =>
  z
    .array(closed(values, message), { invalid_type_error: message })
    .max(values.length * 2, message)
    .default([])
    .transform((xs) => [...new Set(xs)]);

const DOI = /^10\.\d{4,9}\/\S{1,200}$/;
const isIsbn = (v: string) => {
  const digits = v.replace(/[-\s]/g, "").toUpperCase();
  if (/^\d{9}[\dX]$/.test(digits)) {
    const sum = [...digits].reduce((acc, c, i) => acc + (c === "X" ? 10 : Number(c)) * (10 - i), 0);
    return sum % 11 === 0;
  }
  if (/^\d{13}$/.test(digits)) {
    const sum = [...digits].reduce((acc, c, i) => acc + Number(c) * (i % 2 ? 3 : 1), 0);
    return sum % 10 === 0;
  }
  return false;
};

export const publicationTranslationSchema = z.object({
  language,
  title: text(300),
  summary: multilineText(2000).default(""),
  body: multilineText(200_000).default(""),
});

const fields = {
  type: closed(PUBLICATION_TYPES, "invalid_publication_type"),
  series: optionalText(200),
  topics: set(TOPICS, "invalid_topic"),
  regions: set(PUBLICATION_REGIONS, "invalid_region"),
  authors: text(1000),
  doi: optionalText(250).refine((v) => !v || DOI.test(v.replace(/^https?:\/\/(dx\.)?doi\.org\//i, "")), "invalid_doi")
    .transform((v) => v?.replace(/^https?:\/\/(dx\.)?doi\.org\//i, "")),
  isbn: optionalText(20).refine((v) => !v || isIsbn(v), "invalid_isbn"),
  licence: text(100).default("CC BY 4.0"),
  citation: multilineText(2000).default(""),
  audience: closed(PUBLICATION_AUDIENCES, "invalid_publication_audience").default("PUBLIC"),
  audienceSectors: set(SECTORS, "invalid_sector"),
  dialogueIds: z.array(z.string().trim().min(1).max(40), { invalid_type_error: "required" }).max(50, "too_long").default([])
    .transform((xs) => [...new Set(xs)]),
  webinarId: optionalText(40),
  webinarMaterial: closed(WEBINAR_MATERIALS, "webinar_material_required").optional(),
  translations: z
    .array(publicationTranslationSchema)
    .min(1, "required")
    .max(3)
    .refine((ts) => new Set(ts.map((t) => t.language)).size === ts.length, "duplicate_language"),
};

type Audience = { audience?: string; audienceSectors?: string[]; dialogueIds?: string[]; webinarId?: string | null; webinarMaterial?: string | null };
type AudienceIssue = "sectors_required" | "dialogues_required" | "webinar_material_required";
/** An audience must name whom it opens to; a webinar link says what the item is for the webinar. */
export function audienceIssues(v: Audience): Record<string, AudienceIssue> {
  const issues: Record<string, AudienceIssue> = {};
  if (v.audience === "SECTORS" && !v.audienceSectors?.length) issues.audienceSectors = "sectors_required";
  if (v.audience === "DIALOGUES" && !v.dialogueIds?.length) issues.dialogueIds = "dialogues_required";
  if (v.webinarId && !v.webinarMaterial) issues.webinarMaterial = "webinar_material_required";
  return issues;
}
const coherent = (v: Audience, ctx: z.RefinementCtx) => {
  for (const [field, message] of Object.entries(audienceIssues(v))) ctx.addIssue({ code: "custom", path: [field], message });
};

export const publicationSchema = z.object(fields).superRefine(coherent);
export type PublicationInput = z.input<typeof publicationSchema>;
export type PublicationData = z.output<typeof publicationSchema>;

/** An update names only what changes; sectors and dialogues are checked against the audience after merging. */
export const publicationUpdateSchema = z.object(fields).partial();
export type PublicationUpdate = z.output<typeof publicationUpdateSchema>;

export const publishSchema = z.object({
  /** Empty: now. In the future: embargoed until then (all language versions at once). */
  at: z.coerce.date({ errorMap: () => ({ message: "invalid_date" }) }).optional().nullable(),
});
