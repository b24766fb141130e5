import type { WebinarTranslation } from "../generated/prisma/client.ts";
import { fromDbLanguage, LANGUAGES, type Lang } from "../i18n/index.ts";
import type { QuestionLabels } from "../schemas/webinar.ts";
import { env } from "../utils/env.server.ts";

/** The title and description in the reader's language, else English, else the first one written. */
export function webinarText(w: { translations: WebinarTranslation[] }, lang: Lang) {
  const pick = (l: Lang) => w.translations.find((t) => fromDbLanguage(t.language) === l);
  const t = pick(lang) ?? pick("en") ?? w.translations[0];
  return { title: t?.title ?? "", description: t?.description ?? "", language: fromDbLanguage(t?.language) ?? "en" };
}

export const webinarPageUrl = (id: string) => `${env().APP_URL}/webinars/${id}`;


/** A custom question's wording for the reader: theirs, else English, else the first written, with its language. */
export function questionLabel(q: { labels: QuestionLabels }, lang: Lang): { label: string; language: Lang } {
  const language = q.labels[lang] ? lang : q.labels.en ? "en" : (LANGUAGES.find((l) => q.labels[l]) ?? "en");
  return { label: q.labels[language] ?? "", language };
}
