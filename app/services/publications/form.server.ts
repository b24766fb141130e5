import { LANGUAGES, toDbLanguage } from "../../i18n/index.ts";
import { publicationTranslationSchema } from "../../schemas/publication.ts";
import { prisma } from "../../utils/db.server.ts";
import { AppError, type FieldErrors } from "../errors.ts";
import { listDialogues } from "../dialogues/dialogues.server.ts";
import type { Actor } from "../policy.server.ts";
import { webinarText } from "../webinar-text.ts";
import type { PublicationRow } from "./publications.server.ts";

/**
 * The staff form's fields → the use case's input. A language whose title, summary and text are all empty is
 * not a version; each version's problems come back under its own fields (title_fr, body_es…).
 */
export function publicationFromForm(form: FormData) {
  const str = (k: string) => {
    const v = form.get(k);
    return typeof v === "string" ? v : "";
  };
  const fieldErrors: FieldErrors = {};
  const translations = [];
  for (const l of LANGUAGES) {
    const raw = { language: l, title: str(`title_${l}`), summary: str(`summary_${l}`), body: str(`body_${l}`) };
    if (!raw.title.trim() && !raw.summary.trim() && !raw.body.trim()) continue;
    const parsed = publicationTranslationSchema.safeParse(raw);
    if (parsed.success) translations.push(parsed.data);
    else {
      for (const issue of parsed.error.issues) {
        const key = `${String(issue.path[0])}_${l}`;
        fieldErrors[key] ??= { key: issue.message as never, ...(issue.code === "too_big" ? { vars: { max: Number(issue.maximum) } } : {}) };
      }
    }
  }
  if (Object.keys(fieldErrors).length) throw new AppError("BAD_USER_INPUT", "invalid_input", fieldErrors);
  return {
    type: str("type"),
    series: str("series"),
    authors: str("authors"),
    topics: form.getAll("topics").map(String),
    regions: form.getAll("regions").map(String),
    doi: str("doi"),
    isbn: str("isbn"),
    licence: str("licence") || undefined,
    citation: str("citation"),
    audience: str("audience") || undefined,
    audienceSectors: form.getAll("audienceSectors").map(String),
    dialogueIds: form.getAll("dialogueIds").map(String),
    webinarId: str("webinarId") || undefined,
    webinarMaterial: str("webinarMaterial") || undefined,
    translations,
  };
}

/** Flat form values (for re-showing what was typed, and for the edit form's starting point). */
export function formValues(form: FormData): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of form.entries()) if (typeof v === "string") out[k] = out[k] !== undefined ? `${out[k]}\n${v}` : v;
  return out;
}

export function valuesOf(p: PublicationRow): Record<string, string> {
  const v: Record<string, string> = {
    type: p.type,
    series: p.series ?? "",
    authors: p.authors,
    topics: p.topics.join("\n"),
    regions: p.regions.join("\n"),
    doi: p.doi ?? "",
    isbn: p.isbn ?? "",
    licence: p.licence,
    citation: p.citation,
    audience: p.audience,
    audienceSectors: p.audienceSectors.join("\n"),
    dialogueIds: p.dialogues.map((d) => d.dialogueId).join("\n"),
    webinarId: p.webinarId ?? "",
    webinarMaterial: p.webinarMaterial ?? "",
  };
  for (const t of p.translations) {
    const l = t.language.toLowerCase();
    v[`title_${l}`] = t.title;
    v[`summary_${l}`] = t.summary;
    v[`body_${l}`] = t.body;
  }
  return v;
}

/** Dialogues and webinars staff can link a publication to (most recent first). */
export async function formChoices(actor: Actor, lang: "en" | "fr" | "es") {
  const [dialogues, webinars] = await Promise.all([
    listDialogues(actor, {}, { first: 100 }),
    prisma().webinar.findMany({ orderBy: [{ startsAt: "desc" }, { id: "asc" }], take: 100, include: { translations: true } }),
  ]);
  const pick = (ts: { language: string; title: string }[]) => (ts.find((t) => t.language === toDbLanguage(lang)) ?? ts[0])?.title ?? "";
  return {
    dialogues: dialogues.nodes.map((d) => ({ id: d.id, title: pick(d.translations) })),
    webinars: webinars.map((w) => ({ id: w.id, title: webinarText(w, lang).title, startsAt: w.startsAt.toISOString() })),
  };
}
