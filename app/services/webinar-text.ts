import type { WebinarTranslation } from "../generated/prisma/client.ts";
import { fromDbLanguage, type Lang } from "../i18n/index.ts";
import { env } from "../utils/env.server.ts";

/** The title and description in the reader's language, else English, else the first one written. */
export function webinarText(w: { translations: WebinarTranslation[] }, lang: Lang) {
  const pick = (l: Lang) => w.translations.find((t) => fromDbLanguage(t.language) === l);
  const t = pick(lang) ?? pick("en") ?? w.translations[0];
  return { title: t?.title ?? "", description: t?.description ?? "", language: fromDbLanguage(t?.language) ?? "en" };
}

export const webinarPageUrl = (id: string) => `${env().APP_URL}/webinars/${id}`;

