import type { MetaDescriptor, MetaFunction } from "@remix-run/node";
import { isLang, translator, type Lang } from "../i18n/index.ts";
import { common } from "../i18n/ui/common.ts";
import { titles, type TitleKey } from "../i18n/ui/titles.ts";

type Matches = Parameters<MetaFunction>[0]["matches"];
interface RootMeta {
  lang?: string;
  origin?: string;
}

const rootOf = (matches: Matches) => (matches.find((m) => m.id === "root")?.data ?? {}) as RootMeta;

export const langOf = (matches: Matches): Lang => {
  const lang = rootOf(matches).lang;
  return isLang(lang) ? lang : "en";
};

/** "Webinaires · GenMig Hub": a known page's name in the reader's language, or a text (a webinar's title) as is. */
export function pageTitle(lang: Lang, page: TitleKey | { text: string }) {
  const name = typeof page === "string" ? translator(titles, lang, { typography: true })(page) : page.text;
  return `${name} · ${common[lang].app_name}`;
}

/** The meta export of a page whose title is fixed: `export const meta = titled("webinars")`. */
export function titled(key: TitleKey, extra: MetaDescriptor[] = []): MetaFunction {
  return ({ matches }) => [{ title: pageTitle(langOf(matches), key) }, ...extra];
}

const clip = (text: string, max = 200) => {
  const flat = text.replace(/\s+/g, " ").trim();
  return flat.length <= max ? flat : `${flat.slice(0, max - 1).replace(/\s+\S*$/, "")}…`;
};

/**
 * A page with a link preview (Open Graph). The URL is built from APP_URL, never from the request's Host, since
 * anonymous pages are cached and shared between visitors whatever Host they sent.
 */
export function withPreview(
  args: { matches: Matches; location: { pathname: string } },
  preview: { title: string; description: string | ((lang: Lang) => string); type?: string } | null,
  fallback: TitleKey,
): MetaDescriptor[] {
  const lang = langOf(args.matches);
  if (!preview) return [{ title: pageTitle(lang, fallback) }];
  const origin = rootOf(args.matches).origin ?? "";
  const description = clip(typeof preview.description === "string" ? preview.description : preview.description(lang));
  return [
    { title: pageTitle(lang, { text: preview.title }) },
    ...(description ? [{ name: "description", content: description }] : []),
    { property: "og:title", content: preview.title },
    { property: "og:description", content: description || preview.title },
    { property: "og:url", content: `${origin}${args.location.pathname}` },
    { property: "og:type", content: preview.type ?? "website" },
    { property: "og:site_name", content: common[lang].app_name },
    { property: "og:image", content: `${origin}/og-image.png` },
    { property: "og:locale", content: OG_LOCALE[lang] },
  ];
}

const OG_LOCALE: Record<Lang, string> = { en: "en_GB", fr: "fr_FR", es: "es_ES" };

/** An institution's preview says what it is and where, in the reader's language. */
export const institutionSummary = (sector: string, country: string) => (lang: Lang) =>
  `${translator(common, lang)(`sector_${sector}` as keyof (typeof common)["en"])} · ${country} — ${common[lang].partner_of}`;
