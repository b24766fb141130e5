import { frenchTypography, plural } from "./format.ts";

export const LANGUAGES = ["en", "fr", "es"] as const;
export type Lang = (typeof LANGUAGES)[number];
export const LANGUAGE_NAMES: Record<Lang, string> = { en: "English", fr: "Français", es: "Español" };

/** A namespace holds the same keys in every language; `satisfies Catalog<typeof en>` keeps them in step. */
export type Catalog<D extends Record<string, string>> = Record<Lang, D>;
export type Vars = Record<string, string | number>;
export type T<D extends Record<string, string>> = (key: keyof D & string, vars?: Vars) => string;

export function isLang(value: unknown): value is Lang {
  return typeof value === "string" && (LANGUAGES as readonly string[]).includes(value);
}

export function fromDbLanguage(value: string | null | undefined): Lang | undefined {
  const v = value?.toLowerCase();
  return isLang(v) ? v : undefined;
}

export function toDbLanguage(lang: Lang): "EN" | "FR" | "ES" {
  return lang.toUpperCase() as "EN" | "FR" | "ES";
}

/**
 * `typography` applies the language's punctuation rules to the catalog's template (pages ask for it; emails keep
 * their text as written). Plurals (`{n, plural, one {…} other {…}}`) are resolved before plain `{name}` variables.
 */
export function translator<D extends Record<string, string>>(catalog: Catalog<D>, lang: Lang, opts: { typography?: boolean } = {}): T<D> {
  const dict = catalog[lang];
  const typeset = opts.typography && lang === "fr" ? frenchTypography : (s: string) => s;
  return (key, vars) => {
    const inLang = dict[key];
    const template = inLang !== undefined ? typeset(inLang) : (catalog.en[key] ?? key);
    if (!vars) return template;
    const tongue = inLang !== undefined ? lang : "en";
    return plural(template, vars, tongue).replace(/\{(\w+)\}/g, (m, name: string) => (name in vars ? String(vars[name]) : m));
  };
}

/** Picks the best supported language from an Accept-Language header, honouring q-values. */
export function negotiate(acceptLanguage: string | null | undefined): Lang | undefined {
  if (!acceptLanguage) return undefined;
  const ranked = acceptLanguage
    .split(",")
    .map((part) => {
      const [tag, ...params] = part.trim().split(";");
      const q = params.map((p) => p.trim()).find((p) => p.startsWith("q="));
      return { base: tag.trim().toLowerCase().split("-")[0], q: q ? Number(q.slice(2)) || 0 : 1 };
    })
    .filter((x) => x.q > 0)
    .sort((a, b) => b.q - a.q);
  return ranked.map((r) => r.base).find(isLang);
}

/** Profile first, then the switcher's cookie, then the browser, then English. */
export function resolveLanguage(opts: { profile?: string | null; cookie?: string | null; acceptLanguage?: string | null }): Lang {
  return fromDbLanguage(opts.profile) ?? (isLang(opts.cookie) ? opts.cookie : undefined) ?? negotiate(opts.acceptLanguage) ?? "en";
}

// Building a DateTimeFormat costs far more than using one; invites for thousands of people reuse a few.
const formatters = new Map<string, Intl.DateTimeFormat>();

export function formatDateTime(date: Date, lang: Lang, timeZone = "UTC") {
  const key = `${lang}|${timeZone}`;
  let format = formatters.get(key);
  if (!format) {
    format = new Intl.DateTimeFormat(lang, {
      year: "numeric",
      month: "short",
      day: "numeric",
      hour: "2-digit",
      minute: "2-digit",
      timeZone,
      timeZoneName: "short",
    });
    formatters.set(key, format);
  }
  return format.format(date);
}
