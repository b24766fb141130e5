import { beforeAll, describe, expect, it } from "vitest";
import { createPublication, publishPublication } from "../../app/services/publications/publications.server.ts";
import { makeUser } from "../factories.ts";
import { Client } from "../helpers/app.ts";

// Readers find the digest where they read: the home page, the publications list, each publication and every footer.
let publication = "";
beforeAll(async () => {
  const staff = await makeUser({ role: "STAFF" });
  const p = await createPublication(staff, { type: "BRIEF", authors: "R. Team", topics: ["LABOUR_MIGRATION"], translations: [{ language: "en", title: "Care corridors", body: "Text." }] });
  await publishPublication(staff, p.id);
  publication = p.id;
});

const CTA = { en: "Get the digest", fr: "Recevoir le digest", es: "Recibir el boletín" } as const;
const links = (html: string, text: string) => [...html.matchAll(/<a [^>]*href="\/subscribe"[^>]*>([^<]*)<\/a>/g)].filter((m) => m[1] === text).length;

describe("the way to /subscribe", () => {
  it.each(Object.entries(CTA))("in %s: home, publications and a publication offer it in the page and in the footer", async (lang, text) => {
    const reader = new Client("198.51.100.60", { "accept-language": lang });
    for (const path of ["/", "/publications", `/publications/${publication}`]) {
      const html = await (await reader.get(path)).text();
      expect(links(html, text), path).toBe(2);
    }
    // every other page keeps it in the footer
    for (const path of ["/webinars", "/partners", "/auth/sign-in"]) {
      const html = await (await reader.get(path)).text();
      expect(links(html, text), path).toBe(1);
      expect(html.slice(html.indexOf("<footer"))).toContain(`href="/subscribe"`);
    }
  });
});
