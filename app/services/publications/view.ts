import { fromDbLanguage, type Lang } from "../../i18n/index.ts";
import { isReleased, pickTranslation } from "./audience.ts";

interface Row {
  id: string;
  type: string;
  status: "DRAFT" | "SCHEDULED" | "PUBLISHED";
  publishedAt: Date | null;
  audience: string;
  topics: string[];
  regions: string[];
  webinarMaterial?: string | null;
  translations: { language: "EN" | "FR" | "ES"; title: string; summary: string }[];
}

/** What a list, the home page or a webinar page shows of one item, in the reader's language or a fallback. */
export function publicationCard(p: Row, lang: Lang, now = new Date()) {
  const picked = pickTranslation(p.translations, lang)!;
  return {
    id: p.id,
    type: p.type,
    title: picked.translation.title,
    summary: picked.translation.summary,
    textLang: fromDbLanguage(picked.translation.language)!,
    languages: p.translations.map((t) => fromDbLanguage(t.language)!),
    publishedAt: p.publishedAt?.toISOString() ?? null,
    /** For staff lists: null once out. */
    pending: isReleased(p, now) ? null : p.status === "DRAFT" ? ("DRAFT" as const) : ("SCHEDULED" as const),
    audience: p.audience,
    topics: p.topics,
    regions: p.regions,
    webinarMaterial: p.webinarMaterial ?? null,
  };
}
export type PublicationCard = ReturnType<typeof publicationCard>;

/** "12 March 2026" in the reader's language (publication dates carry no time of day for readers). */
export function formatDate(iso: string, lang: Lang) {
  return new Intl.DateTimeFormat(lang, { year: "numeric", month: "long", day: "numeric", timeZone: "UTC" }).format(new Date(iso));
}

export function formatBytes(n: number, lang: Lang) {
  const mb = n / (1024 * 1024);
  const fmt = new Intl.NumberFormat(lang, { maximumFractionDigits: 1 });
  const [M, K] = lang === "fr" ? ["Mo", "Ko"] : ["MB", "KB"];
  return mb >= 1 ? `${fmt.format(mb)} ${M}` : `${fmt.format(Math.max(1, Math.round(n / 1024)))} ${K}`;
}
