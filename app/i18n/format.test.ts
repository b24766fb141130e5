import { describe, expect, it } from "vitest";
import { frenchTypography, plural } from "./format.ts";
import { translator } from "./index.ts";

const N = "\u202f";

describe("French typography", () => {
  it("puts a narrow no-break space before : ; ! ? and inside guillemets", () => {
    expect(frenchTypography("Rôle : membre")).toBe(`Rôle${N}: membre`);
    expect(frenchTypography("Vraiment?")).toBe(`Vraiment${N}?`);
    expect(frenchTypography("Attention ! Fini ; suite")).toBe(`Attention${N}! Fini${N}; suite`);
    expect(frenchTypography("Motif : {reason}")).toBe(`Motif${N}: {reason}`);
    expect(frenchTypography("dans « Authorization »")).toBe(`dans «${N}Authorization${N}»`);
  });
  it("leaves URLs, times, query strings and already-correct text alone", () => {
    expect(frenchTypography("Voir https://hub.example.org/a?b=1 à 10:30")).toBe("Voir https://hub.example.org/a?b=1 à 10:30");
    expect(frenchTypography(`Déjà${N}: bon`)).toBe(`Déjà${N}: bon`);
    expect(frenchTypography(`Déjà\u00a0: bon`)).toBe(`Déjà${N}: bon`);
  });
  it("is applied by page translators to French templates only, never to the values put in them", () => {
    const catalog = { en: { reason: "Reason: {why}" }, fr: { reason: "Motif : {why}" }, es: { reason: "Motivo: {why}" } };
    expect(translator(catalog, "fr", { typography: true })("reason", { why: "voir : ici" })).toBe(`Motif${N}: voir : ici`);
    expect(translator(catalog, "fr")("reason", { why: "x" })).toBe("Motif : x");
    expect(translator(catalog, "es", { typography: true })("reason", { why: "x" })).toBe("Motivo: x");
    // an English fallback shown on a French page keeps English punctuation
    const partial = { en: { only: "Note: {n}" }, fr: {} as { only: string }, es: {} as { only: string } };
    expect(translator(partial, "fr", { typography: true })("only", { n: 1 })).toBe("Note: 1");
  });
});

describe("plurals (Intl.PluralRules)", () => {
  const women = "{n, plural, one {# woman} other {# women}}";
  const femmes = "{n, plural, one {# femme} other {# femmes}}";
  const mujeres = "{n, plural, one {# mujer} other {# mujeres}}";
  it("picks the language's category", () => {
    expect([0, 1, 2].map((n) => plural(women, { n }, "en"))).toEqual(["0 women", "1 woman", "2 women"]);
    // French counts 0 and 1 as singular
    expect([0, 1, 2].map((n) => plural(femmes, { n }, "fr"))).toEqual(["0 femme", "1 femme", "2 femmes"]);
    expect([0, 1, 2].map((n) => plural(mujeres, { n }, "es"))).toEqual(["0 mujeres", "1 mujer", "2 mujeres"]);
  });
  it("prefers exact cases, groups digits the language's way, and leaves unknown values as written", () => {
    const emails = "{n, plural, =0 {no email} one {# email} other {# emails}} queued";
    expect(plural(emails, { n: 0 }, "en")).toBe("no email queued");
    expect(plural(emails, { n: 1 }, "en")).toBe("1 email queued");
    expect(plural(emails, { n: 1200 }, "en")).toBe("1,200 emails queued");
    expect(plural(femmes, { n: 1200 }, "fr")).toBe(`1${N}200 femmes`);
    expect(plural(women, {}, "en")).toBe(women);
    expect(plural(women, { n: "abc" }, "en")).toBe(women);
  });
  it("works through the translator, with other variables beside it", () => {
    const catalog = {
      en: { panel: "Speakers: {woman, plural, one {# woman} other {# women}}, {man, plural, one {# man} other {# men}} ({title})" },
      fr: { panel: "Intervenant·es : {woman, plural, one {# femme} other {# femmes}}, {man, plural, one {# homme} other {# hommes}} ({title})" },
      es: { panel: "Ponentes: {woman, plural, one {# mujer} other {# mujeres}}, {man, plural, one {# hombre} other {# hombres}} ({title})" },
    };
    expect(translator(catalog, "en")("panel", { woman: 1, man: 3, title: "A" })).toBe("Speakers: 1 woman, 3 men (A)");
    expect(translator(catalog, "fr", { typography: true })("panel", { woman: 2, man: 1, title: "B" })).toBe(`Intervenant·es${N}: 2 femmes, 1 homme (B)`);
    expect(translator(catalog, "es")("panel", { woman: 1, man: 0, title: "C" })).toBe("Ponentes: 1 mujer, 0 hombres (C)");
  });
});
