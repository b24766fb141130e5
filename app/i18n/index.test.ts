import { describe, expect, it } from "vitest";
import { negotiate, resolveLanguage, translator } from "./index.ts";

describe("language negotiation", () => {
  it("honours q-values and region subtags", () => {
    expect(negotiate("de-DE,es-MX;q=0.8,fr;q=0.9")).toBe("fr");
    expect(negotiate("es-AR")).toBe("es");
    expect(negotiate("de, it;q=0.5")).toBeUndefined();
    expect(negotiate("fr;q=0, es;q=0.1")).toBe("es");
  });
  it("prefers the profile, then the cookie, then the browser", () => {
    expect(resolveLanguage({ profile: "ES", cookie: "fr", acceptLanguage: "en" })).toBe("es");
    expect(resolveLanguage({ profile: null, cookie: "fr", acceptLanguage: "es" })).toBe("fr");
    expect(resolveLanguage({ acceptLanguage: "es-CO" })).toBe("es");
    expect(resolveLanguage({})).toBe("en");
  });
  it("interpolates variables and falls back to English for a missing key", () => {
    const t = translator({ en: { hi: "Hello {name}" }, fr: { hi: "Bonjour {name}" }, es: {} as { hi: string } }, "es");
    expect(t("hi", { name: "Ana" })).toBe("Hello Ana");
    expect(translator({ en: { hi: "Hello {name}" }, fr: { hi: "Bonjour {name}" }, es: { hi: "Hola {name}" } }, "fr")("hi", { name: "Ana" })).toBe("Bonjour Ana");
  });
});
