import { beforeAll, describe, expect, it } from "vitest";
import { scheduleWebinar } from "../app/services/webinars.server.ts";
import { prisma } from "../app/utils/db.server.ts";
import { env } from "../app/utils/env.server.ts";
import { publicContentVersion } from "../app/utils/public-content.server.ts";
import { focalPointOf, makePartner, makeUser } from "./factories.ts";
import { Client } from "./helpers/app.ts";
import { signInAs } from "./helpers/sign-in.ts";
import { BROWSER_ZONE_SCRIPT } from "../app/utils/browser-zone-script.ts";

const DAY = 24 * 3600_000;
const NNBSP = "\u202f";
const titleOf = (html: string) => /<title>([^<]*)<\/title>/.exec(html)?.[1];
const decode = (s: string) => s.replace(/&#x27;/g, "'").replace(/&quot;/g, '"').replace(/&amp;/g, "&");
const metaProp = (html: string, prop: string) => {
  const m = new RegExp(`<meta property="${prop}" content="([^"]*)"`).exec(html);
  return m ? decode(m[1]) : undefined;
};
const visitor = (lang: string) => new Client("198.51.100.70", { "accept-language": lang });
const cardNames = (html: string) => [...html.matchAll(/<a [^>]*href="\/partners\/(?!register)[^"]+"[^>]*><strong>([^<]+)<\/strong>/g)].map((m) => decode(m[1]));

let staff: Awaited<ReturnType<typeof makeUser>>;
const webinars: Record<string, { id: string }> = {};

async function schedule(key: string, opts: { days: number; audience?: "PUBLIC" | "PARTNERS" | "INVITED"; translations?: { language: string; title: string; description: string }[] }) {
  const start = new Date(Date.now() + opts.days * DAY);
  webinars[key] = await scheduleWebinar(staff, {
    translations: opts.translations ?? [{ language: "en", title: `Look ${key}`, description: `About ${key}` }],
    startsAt: start,
    endsAt: new Date(start.getTime() + 3600_000),
    timeZone: "Africa/Dakar",
    meetingUrl: "https://meet.example.org/room",
    audience: opts.audience ?? "PUBLIC",
  });
}

let ngo: { id: string; focalPointEmail: string };
beforeAll(async () => {
  staff = await makeUser({ role: "STAFF", name: "Staff Person" });
  // Everything is created before any page is fetched, so no cached answer predates it.
  await schedule("first", {
    days: 2,
    translations: [
      { language: "en", title: "Care across borders", description: "Evidence from five corridors.\nWith questions." },
      { language: "fr", title: "Le soin sans frontières", description: "Des données de cinq corridors." },
    ],
  });
  await schedule("english-only", { days: 3, audience: "PARTNERS", translations: [{ language: "en", title: "Remittances roundtable", description: "Partners discuss remittances." }] });
  await schedule("invited", { days: 4, audience: "INVITED" });
  await schedule("fourth", { days: 5 });
  await schedule("fifth", { days: 6 });
  ngo = await makePartner({ name: "Look Collectif Sahel", sector: "NGO", country: "SN" });
  await makePartner({ name: "Look Andes Research", sector: "RESEARCH", country: "PE" });
  await makePartner({ name: "Look Paris Ministry", sector: "GOVERNMENT", country: "FR" });
  await makePartner({ name: "Look Hidden Lab", sector: "RESEARCH", country: "JP", publicListing: false });
  await makePartner({ name: "Look Pending Office", sector: "NGO", country: "BR", status: "PENDING" });
  const member = await focalPointOf(ngo);
  await prisma().webinarRegistration.create({
    data: { webinarId: webinars.fourth.id, userId: member.id, email: member.email, name: member.name, status: "CONFIRMED" },
  });
});

describe("titles and error pages in the reader's language", () => {
  it.each([
    ["en", "/webinars", "Webinars · GenMig Hub"],
    ["fr", "/webinars", "Webinaires · GenMig Hub"],
    ["es", "/webinars", "Seminarios web · GenMig Hub"],
    ["fr", "/partners", "Annuaire des partenaires · GenMig Hub"],
    ["es", "/auth/sign-in", "Iniciar sesión · GenMig Hub"],
    ["fr", "/partners/register", "Inscrire une institution · GenMig Hub"],
    ["es", "/", "Alianzas sobre género y migración · GenMig Hub"],
  ])("%s %s → %s", async (lang, path, title) => {
    const html = await (await visitor(lang).get(path)).text();
    expect(titleOf(html)).toBe(title);
    expect(html).toContain(`<html lang="${lang}"`);
  });

  it.each([
    ["fr", "/no-such-page", "Page introuvable"],
    ["es", "/no-such-page/deeper", "Página no encontrada"],
    ["en", "/webinars/no-such-id", "Page not found"],
    ["fr", "/partners/no-such-id", "Page introuvable"],
  ])("404 in %s for %s", async (lang, path, heading) => {
    const response = await visitor(lang).get(path);
    expect(response.status).toBe(404);
    const html = await response.text();
    expect(html).toContain(`<html lang="${lang}"`);
    expect(titleOf(html)).toBe(`${heading} · GenMig Hub`);
    expect(html).toContain(`<h1>${heading}</h1>`);
    expect(html).toContain('<meta name="robots" content="noindex"/>');
    expect(html).not.toContain("<script");
  });

  it("a POST to an unknown path is the hub's 404 page too", async () => {
    const response = await visitor("en").post("/nowhere", { a: "1" });
    expect(response.status).toBe(404);
    expect(await response.text()).toContain("<h1>Page not found</h1>");
  });

  it("French pages set a narrow no-break space before colons; English and Spanish do not", async () => {
    const fr = await (await visitor("fr").get("/")).text();
    expect(fr).toContain(`laboratoire${NNBSP}: dialogues`);
    const es = await (await visitor("es").get("/")).text();
    expect(es).toContain("laboratorio: diálogos");
  });
});

describe("header", () => {
  it("offers EN · FR · ES as one-button POST forms, the current language as plain text", async () => {
    const html = await (await visitor("es").get("/partners?sector=NGO")).text();
    expect(html).not.toContain('<select name="lang"');
    const forms = [...html.matchAll(/<form method="post" action="\/lang"[^>]*>(.*?)<\/form>/g)].map((m) => m[1]);
    expect(forms).toHaveLength(2);
    expect(forms[0]).toContain('name="lang" value="en"');
    expect(forms[0]).toContain('name="redirectTo" value="/partners?sector=NGO"');
    expect(forms[1]).toContain('name="lang" value="fr"');
    expect(html).toMatch(/<strong lang="es"[^>]*aria-current="true">ES<\/strong>/);
    expect(html).toContain('<link rel="icon" href="/favicon.svg" type="image/svg+xml"/>');
    expect(html).toContain('<svg class="mark"');
  });

  it("the switch keeps its origin rule: a foreign page cannot change the language", async () => {
    const client = visitor("en");
    const refused = await client.fetch("/lang", {
      method: "POST",
      body: new URLSearchParams({ lang: "fr", redirectTo: "/" }),
      headers: { "content-type": "application/x-www-form-urlencoded", origin: "http://evil.test" },
    });
    expect(refused.status).toBe(403);
    expect(client.cookies.has("gmh_lang")).toBe(false);
    const done = await client.post("/lang", { lang: "fr", redirectTo: "/webinars" });
    expect(done.headers.get("location")).toBe("/webinars");
    expect(titleOf(await (await client.get("/webinars")).text())).toBe("Webinaires · GenMig Hub");
  });
});

describe("link previews", () => {
  it("a webinar page carries Open Graph tags with its absolute URL, in the reader's language", async () => {
    const html = await (await visitor("fr").get(`/webinars/${webinars.first.id}`)).text();
    expect(metaProp(html, "og:title")).toBe("Le soin sans frontières");
    expect(metaProp(html, "og:description")).toBe("Des données de cinq corridors.");
    expect(metaProp(html, "og:url")).toBe(`${env().APP_URL}/webinars/${webinars.first.id}`);
    expect(metaProp(html, "og:type")).toBe("article");
    expect(metaProp(html, "og:image")).toBe(`${env().APP_URL}/og-image.png`);
    expect(titleOf(html)).toBe("Le soin sans frontières · GenMig Hub");
  });

  it("an institution page says what and where it is", async () => {
    const html = await (await visitor("es").get(`/partners/${ngo.id}`)).text();
    expect(metaProp(html, "og:title")).toBe("Look Collectif Sahel");
    expect(metaProp(html, "og:description")).toBe("ONG · Senegal — socio de la red GenMig Hub");
    expect(metaProp(html, "og:url")).toBe(`${env().APP_URL}/partners/${ngo.id}`);
    expect(metaProp(html, "og:type")).toBe("website");
  });

  it("the preview URL never comes from the Host header (anonymous pages are shared from a cache)", async () => {
    const html = await (await new Client("198.51.100.71", { host: "evil.test" }).get(`/partners/${ngo.id}`)).text();
    expect(metaProp(html, "og:url")).toBe(`${env().APP_URL}/partners/${ngo.id}`);
  });
});

describe("content that exists only in English", () => {
  it("is tagged lang=en and marked in the reader's language", async () => {
    const html = await (await visitor("fr").get(`/webinars/${webinars["english-only"].id}`)).text();
    expect(html).toMatch(/<h1 lang="en">Remittances roundtable<\/h1>/);
    expect(html).toContain('<span class="badge other-lang">en anglais</span>');
    const list = await (await visitor("es").get("/webinars")).text();
    expect(list).toContain('<strong lang="en">Remittances roundtable</strong> <span class="badge other-lang">en inglés</span>');
    expect(list).toContain('<strong lang="en">Care across borders</strong> <span class="badge other-lang">en inglés</span>');
    // a translated title is not marked
    const fr = await (await visitor("fr").get("/webinars")).text();
    expect(fr).toContain("<strong>Le soin sans frontières</strong>");
  });
});

describe("directory filters (plain GET form)", () => {
  it("filters by sector, region and country, and keeps the choices in the form", async () => {
    const client = visitor("en");
    expect(cardNames(await (await client.get("/partners?q=Look&sector=NGO")).text())).toEqual(["Look Collectif Sahel"]);
    expect(cardNames(await (await client.get("/partners?q=Look&region=AMERICAS")).text())).toEqual(["Look Andes Research"]);
    expect(cardNames(await (await client.get("/partners?q=Look&region=EUROPE&sector=GOVERNMENT")).text())).toEqual(["Look Paris Ministry"]);
    expect(cardNames(await (await client.get("/partners?q=Look&country=pe")).text())).toEqual(["Look Andes Research"]);
    const mismatch = await (await client.get("/partners?q=Look&region=AFRICA&country=PE")).text();
    expect(cardNames(mismatch)).toEqual([]);
    expect(mismatch).toContain("No institutions match.");
    const kept = await (await client.get("/partners?q=Look&sector=RESEARCH&region=AMERICAS")).text();
    expect(kept).toMatch(/<option value="RESEARCH" selected="">/);
    expect(kept).toMatch(/<option value="AMERICAS" selected="">/);
    expect(kept).toContain("1 institution<");
    expect(kept).toContain('method="get"');
  });

  it("ignores values it does not know instead of failing", async () => {
    const response = await visitor("en").get("/partners?q=Look&sector=ARMY&region=MARS&country=ZZ&status=APPROVED");
    expect(response.status).toBe(200);
    expect(cardNames(await response.text())).toEqual(["Look Andes Research", "Look Collectif Sahel", "Look Paris Ministry"]);
  });

  it("lists only the countries of institutions the viewer may see", async () => {
    const anon = await (await visitor("fr").get("/partners?region=AMERICAS")).text();
    const countries = (html: string) => [...(/<select id="country"[^>]*>(.*?)<\/select>/s.exec(html)?.[1] ?? "").matchAll(/value="(\w+)"/g)].map((m) => m[1]);
    expect(countries(anon)).toContain("PE");
    expect(countries(anon)).not.toContain("BR"); // pending
    expect(countries(await (await visitor("fr").get("/partners")).text())).not.toContain("JP"); // not publicly listed
    const asStaff = await signInAs(new Client("198.51.100.72"), staff.email);
    const all = countries(await (await asStaff.get("/partners")).text());
    expect(all).toEqual(expect.arrayContaining(["BR", "JP", "PE", "FR", "SN"]));
    expect(cardNames(await (await asStaff.get("/partners?q=Look&region=AMERICAS")).text())).toEqual(["Look Andes Research", "Look Pending Office"]);
  });
});

describe("home page", () => {
  it("anonymous: the next three webinars anyone may see, a call to register, no dashboard", async () => {
    const response = await visitor("en").get("/");
    const html = await response.text();
    expect(response.status).toBe(200);
    expect(html.length).toBeLessThan(100_000);
    expect(html).not.toContain("<script");
    expect(html).toContain("Upcoming webinars");
    expect(html).toContain(`href="/webinars/${webinars.first.id}"`);
    expect(html).toContain(`href="/webinars/${webinars["english-only"].id}"`);
    expect(html).not.toContain(`href="/webinars/${webinars.invited.id}"`);
    expect(html).toContain(`href="/webinars/${webinars.fourth.id}"`);
    expect(html).not.toContain(`href="/webinars/${webinars.fifth.id}"`);
    expect(html).toContain("Register your institution");
    expect(html).not.toContain("My next webinars");
  });

  it("a partner member: their registrations and institution, no staff shortcuts", async () => {
    const member = await signInAs(new Client("198.51.100.73"), ngo.focalPointEmail);
    await member.post("/lang", { lang: "fr", redirectTo: "/" });
    const html = await (await member.get("/")).text();
    expect(html).toContain("Mes prochains webinaires");
    const mine = /<section class="panel" aria-labelledby="my-webinars">(.*?)<\/section>/s.exec(html)![1];
    expect(mine).toContain(`href="/webinars/${webinars.fourth.id}"`);
    expect(mine).toContain("Inscription confirmée");
    expect(mine).not.toContain(webinars.first.id);
    expect(html).toContain(`href="/partners/${ngo.id}">Look Collectif Sahel</a>`);
    expect(html).toContain("Point focal");
    expect(html).not.toContain("Équipe de recherche</h2>");
    expect(html).not.toContain("Inscrire votre institution</a>");
  });

  it("research staff: shortcuts with the pending count in a correct plural; admins also get the logs", async () => {
    const asStaff = await signInAs(new Client("198.51.100.74"), staff.email);
    const html = await (await asStaff.get("/")).text();
    expect(html).toContain("Research team</h2>");
    expect(html).toContain(">1 application to review</a>");
    expect(html).toContain('href="/webinars/new"');
    expect(html).not.toContain('href="/admin/audit"');
    expect(html).toContain(`href="/webinars/${webinars.invited.id}"`); // staff see invited-only webinars
    const admin = await makeUser({ role: "ADMIN" });
    const adminHtml = await (await (await signInAs(new Client("198.51.100.75", { "accept-language": "es" }), admin.email)).get("/")).text();
    expect(adminHtml).toContain(">1 solicitud por revisar</a>");
    expect(adminHtml).toContain('href="/admin/audit"');
    expect(adminHtml).toContain("No está inscrito/a en ningún seminario web próximo.");
  });
});

describe("the home page in the front door's cache", () => {
  it("anonymous visitors share one cached answer per language; a signed-in person never gets it", async () => {
    // On PostgreSQL the listener connects on first use; until then nothing is cached.
    while (publicContentVersion() === null) await new Promise((r) => setTimeout(r, 5));
    const first = await (await visitor("en").get("/")).text();
    expect(first).toContain("Care across borders");
    // A change that fires no trigger: only a cached answer can still show the old title.
    await prisma().$transaction([
      prisma().$executeRaw`SET LOCAL session_replication_role = replica`,
      prisma().$executeRaw`UPDATE "WebinarTranslation" SET title = 'Quietly renamed' WHERE "webinarId" = ${webinars.first.id} AND language = 'EN'`,
    ]);
    expect(await (await new Client("198.51.100.76", { "accept-language": "en" }).get("/")).text()).toContain("Care across borders");
    const signedIn = await signInAs(new Client("198.51.100.77"), staff.email);
    expect(await (await signedIn.get("/")).text()).toContain("Quietly renamed");
  });
});

describe("weight", () => {
  it.each(["/", "/webinars", "/partners", "/no-such-page"])("%s stays under 100 KB and needs no script", async (path) => {
    const html = await (await visitor("fr").get(path)).text();
    expect(Buffer.byteLength(html)).toBeLessThan(100_000);
    // At most the optional time-zone pre-fill, inline and allowed by its hash; nothing is loaded.
    const scripts = html.match(/<script[^>]*>[\s\S]*?<\/script>/g) ?? [];
    expect(scripts.every((tag) => tag === `<script>${BROWSER_ZONE_SCRIPT}</script>`)).toBe(true);
  });
});
