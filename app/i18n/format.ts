import type { Lang } from "./index.ts";

const NNBSP = "\u202f";

/**
 * French typography for UI templates: a narrow no-break space before `: ; ! ?` and inside « », so a colon never
 * starts a line. Only punctuation followed by a space or the end counts, which leaves URLs ("https://"), times
 * ("10:30") and query strings alone. Applied to catalog templates, never to what people typed.
 */
export function frenchTypography(text: string): string {
  return text
    .replace(/[ \u00a0\u202f]*([:;!?])(?=\s|$|[»")\]])/g, (match, mark: string, offset: number) =>
      // "{name}:" after a placeholder or a word gets the space too; a bare mark at the very start stays as it is
      offset === 0 && match === mark ? mark : `${NNBSP}${mark}`,
    )
    .replace(/«[ \u00a0\u202f]*/g, `«${NNBSP}`)
    .replace(/[ \u00a0\u202f]*»/g, `${NNBSP}»`);
}

const pluralRules = new Map<Lang, Intl.PluralRules>();
const numberFormats = new Map<Lang, Intl.NumberFormat>();

export function pluralCategory(n: number, lang: Lang): Intl.LDMLPluralRule {
  let rules = pluralRules.get(lang);
  if (!rules) pluralRules.set(lang, (rules = new Intl.PluralRules(lang)));
  return rules.select(n);
}

export function formatNumber(n: number, lang: Lang): string {
  let format = numberFormats.get(lang);
  if (!format) numberFormats.set(lang, (format = new Intl.NumberFormat(lang)));
  return format.format(n);
}

/**
 * `{n, plural, =0 {none} one {# woman} other {# women}}`, the ICU subset catalogs need: exact `=N` cases first, then
 * the language's CLDR category (French counts 0 and 1 as singular, Spanish and English only 1), then `other`.
 * `#` is the number in the language's digits grouping.
 */
const PLURAL = /\{(\w+),\s*plural,\s*((?:(?:=\d+|zero|one|two|few|many|other)\s*\{[^{}]*\}\s*)+)\}/g;
const CASE = /(=\d+|zero|one|two|few|many|other)\s*\{([^{}]*)\}/g;

export function plural(template: string, vars: Record<string, string | number>, lang: Lang): string {
  return template.replace(PLURAL, (whole, name: string, body: string) => {
    const raw = vars[name];
    const n = typeof raw === "number" ? raw : Number(raw);
    if (raw === undefined || !Number.isFinite(n)) return whole;
    const cases = new Map([...body.matchAll(CASE)].map((m) => [m[1], m[2]]));
    const chosen = cases.get(`=${n}`) ?? cases.get(pluralCategory(n, lang)) ?? cases.get("other") ?? "";
    return chosen.replace(/#/g, formatNumber(n, lang));
  });
}
