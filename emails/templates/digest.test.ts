import { describe, expect, it } from "vitest";
import { LANGUAGES, type Lang } from "../../app/i18n/index.ts";
import { digestEmail, type DigestWebinar } from "./digest.tsx";

// 15 January, 13:00 UTC: 14:00 in Paris (UTC+1 in winter), 08:00 in Bogotá (UTC−5, no summer time).
const START = new Date(Date.UTC(2031, 0, 15, 13));
const HOUR = 3600_000;
const webinars: DigestWebinar[] = [
  { url: "https://hub.test/webinars/w1", title: "Care chains <live>", startsAt: START, endsAt: new Date(START.getTime() + HOUR), timeZone: "Europe/Paris" },
  { url: "https://hub.test/webinars/w2", title: "Remittance corridors", startsAt: START, endsAt: new Date(START.getTime() + 2 * HOUR), timeZone: "America/Bogota" },
];
const publication = { url: "https://hub.test/publications/p1", type: "BRIEF" as const, title: "Care work", summary: "Who cares", fallback: false };

/** The start as each language writes it, and the zone's own offset name in that language. */
const expected: Record<Lang, { paris: string[]; bogota: string[] }> = {
  en: { paris: ["Jan 15, 2031", "02:00 PM GMT+1", "03:00 PM GMT+1"], bogota: ["08:00 AM GMT-5", "10:00 AM GMT-5"] },
  fr: { paris: ["15 janv. 2031", "14:00 UTC+1", "15:00 UTC+1"], bogota: ["08:00 UTC−5", "10:00 UTC−5"] },
  es: { paris: ["15 ene 2031", "14:00 CET", "15:00 CET"], bogota: ["08:00 GMT-5", "10:00 GMT-5"] },
};

describe("digest email with webinars", () => {
  it.each(LANGUAGES)("renders in %s with each webinar's time in its own zone, the zone named, and its link", (lang) => {
    for (const frequency of ["WEEKLY", "MONTHLY"] as const) {
      const mail = digestEmail(lang, frequency, [publication], webinars);
      for (const part of [mail.text, mail.html]) {
        for (const s of [...expected[lang].paris, ...expected[lang].bogota, "Europe/Paris", "America/Bogota"]) expect(part).toContain(s);
        expect(part).toContain("https://hub.test/webinars/w1");
        expect(part).toContain("https://hub.test/webinars/w2");
        expect(part).toContain("Remittance corridors");
      }
      expect(mail.text).toContain("Care chains <live>");
      // Staff-written titles are escaped in HTML.
      expect(mail.html).toContain("Care chains &lt;live&gt;");
      expect(mail.html).toContain('href="https://hub.test/webinars/w1"');
      expect(mail.subject).toMatch(/3/);
    }
  });

  it("renders webinars alone, without publications", () => {
    const mail = digestEmail("fr", "WEEKLY", [], webinars.slice(0, 1));
    expect(mail.subject).toBe("GenMig Hub, la semaine : 1 nouveauté");
    expect(mail.text).toContain("Webinaires à venir");
    expect(mail.text).not.toContain("Nouvelles publications");
  });
});
