import path from "node:path";
import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { expectFitsTheScreen, signIn, SIZES, unlabelledCells, useBrowserHub, type BrowserHub } from "../helpers/browser-journey.ts";
import { linkInMail, mailSeen } from "../helpers/hub-process.ts";

// Personas the other journey files do not cover, on the compiled server with its demo data, in Chromium without
// JavaScript, at a desktop's width and at 390 px, in French and Spanish: a focal point looking after their
// institution, the research team inviting people to an invited-only webinar, an administrator deciding an
// application, and every staff page at both widths. SCREENSHOT_DIR keeps a screenshot of each staff page (never committed).
const hub: BrowserHub = useBrowserHub("personas");
const shots = process.env.SCREENSHOT_DIR;
const status = (page: Page) => page.locator("[role=status]").first().textContent();

async function institutionPage(page: Page) {
  await page.goto(`${hub.base}/partners?q=Centre`);
  await page.click("main .cards a >> nth=0");
  await page.waitForURL(/\/partners\/\w+$/);
  expect(await page.locator("h1").textContent()).toBe("Centre for Migration and Gender Studies");
  return page.url();
}

describe("a focal point looks after their institution (French profile)", () => {
  it("edits the details and makes a member a focal point on a desktop; that person, on a phone, hands the role back", async () => {
    const desk = await hub.open("desktop", "en-GB");
    await signIn(desk, hub, "focal@example.org");
    // the profile's language (French, from the institution's registration) wins over the browser's English
    expect(await desk.locator("html").getAttribute("lang")).toBe("fr");
    const url = await institutionPage(desk);
    await desk.click("main a:has-text('Modifier les informations')");
    expect(await desk.locator("main legend").first().textContent()).toBe("Informations sur l'institution");
    await desk.fill("#f-website", "https://cmgs.example.org");
    await desk.click("main button[value=details]");
    expect(await status(desk)).toBe("Informations enregistrées.");
    expect(await desk.locator("#f-website").count(), "the form closed after saving").toBe(0);
    expect(await desk.locator("main a[href='https://cmgs.example.org']").count()).toBe(1);

    const memberRow = desk.locator("table.members tr", { hasText: "member@example.org" });
    expect(await memberRow.locator("td[data-label='Rôle']").textContent()).toBe("Membre");
    await memberRow.locator("button:has-text('Nommer point focal')").click();
    expect(await status(desk)).toMatch(/ est désormais point focal\.$/);
    expect(await desk.locator("table.members tr", { hasText: "member@example.org" }).locator("td[data-label='Rôle']").textContent()).toBe("Point focal");
    await expectFitsTheScreen(desk, "institution, desktop");
    await desk.context().close();

    const phone = await hub.open("phone", "fr-FR");
    await signIn(phone, hub, "member@example.org");
    await phone.goto(url);
    // now a focal point: the institution's tools appear, and fit a phone
    expect(await phone.locator("main a:has-text('Modifier les informations')").count()).toBe(1);
    await expectFitsTheScreen(phone, "institution, phone, as the new focal point");
    expect(await unlabelledCells(phone)).toEqual([]);
    await phone.locator("table.members tr", { hasText: "member@example.org" }).locator("button:has-text('Repasser membre')").click();
    expect(await status(phone)).toMatch(/ est désormais membre\.$/);
    expect(await phone.locator("main a:has-text('Modifier les informations')").count(), "a member no longer edits the details").toBe(0);
    await expectFitsTheScreen(phone, "institution, phone, as a member again");
    await phone.context().close();
  }, 120_000);
});

describe("the research team invites people to an invited-only webinar (Spanish, 390 px)", () => {
  it("schedules it with a question in two languages, finds the invite list on Manage only, invites an address and an institution", async () => {
    const page = await hub.open("phone", "es-ES");
    await signIn(page, hub, "research@example.org");
    await page.goto(`${hub.base}/webinars/new`);
    await page.fill("#f-title_en", "Closed briefing on care corridors");
    await page.fill("#f-startsAt", "2031-06-10T15:00");
    await page.fill("#f-endsAt", "2031-06-10T16:00");
    await page.selectOption("#f-timeZone", "America/Bogota");
    await page.fill("#f-meetingUrl", "https://meet.example.org/closed");
    await page.selectOption("#f-audience", "INVITED");
    await page.fill("#f-question_q1_en", "Which corridor do you work on?");
    await page.click("details:has(#f-question_q1_es) > summary");
    await page.fill("#f-question_q1_es", "¿En qué corredor trabaja?");
    await expectFitsTheScreen(page, "schedule form, filled");
    await page.click("main form button[type=submit] >> nth=-1");
    await page.waitForURL(/\/manage\?saved=scheduled/);
    expect(await status(page)).toContain("El seminario web está programado.");
    const manage = page.url().replace(/\?.*/, "");
    const id = manage.split("/")[4];

    // the public page is the public's: no invite list there
    await page.goto(`${hub.base}/webinars/${id}`);
    expect(await page.locator("#invite-title").count()).toBe(0);
    expect(await page.locator("label[for=f-answer_q1]").textContent()).toBe("¿En qué corredor trabaja?");
    await page.click(`a[href="/webinars/${id}/manage"]`);
    expect(await page.locator("#invite-title").textContent()).toBe("Invitar a personas");
    await expectFitsTheScreen(page, "manage with the invite list");

    const seen = mailSeen(hub.dataDir);
    await page.fill("#f-emails", "guest-invited@example.org");
    await page.selectOption("#f-partnerId", { label: "Centre for Migration and Gender Studies (2)" });
    await page.selectOption("#f-language", "es");
    await page.click("button:has-text('Inscribir e invitar')");
    expect(await status(page)).toBe("3 personas invitadas; ninguna estaba ya inscrita.");
    const table = await page.locator("table.registrations").textContent();
    for (const who of ["guest-invited@example.org", "focal@example.org", "member@example.org"]) expect(table).toContain(who);
    expect(await unlabelledCells(page)).toEqual([]);
    await expectFitsTheScreen(page, "manage after inviting");
    // the invitee without an account gets the usual confirmation, in the chosen language, with their own link
    expect(await linkInMail(hub.dataDir, "guest-invited@example.org", /http:\/\/127\.0\.0\.1:\d+\/r\/[\w.-]+/, seen)).toMatch(/\/r\//);
    await page.context().close();
  }, 120_000);
});

describe("an administrator reviews an application (French, 390 px, then a desktop)", () => {
  it("opens it from the admin page, approves it, and finds the decision in the audit log by name", async () => {
    const page = await hub.open("phone", "fr-FR");
    await signIn(page, hub, "admin@example.org");
    await page.goto(`${hub.base}/admin`);
    expect(await page.locator("main h2").first().textContent()).toBe("Demandes en attente d'examen");
    await expectFitsTheScreen(page, "admin, phone");
    await page.click("main .cards li:has-text('Diaspora Skills Exchange') a:has-text('Ouvrir')");
    expect(await page.locator("h1").textContent()).toBe("Diaspora Skills Exchange");
    await expectFitsTheScreen(page, "application, phone");
    await page.click("main button[value=approve]");
    expect(await status(page)).toBe("Approuvée\u202f: le point focal a été prévenu.");
    await expectFitsTheScreen(page, "application approved, phone");

    await page.setViewportSize({ width: 1280, height: 900 });
    await page.goto(`${hub.base}/admin/audit?action=partner.approved`);
    const row = page.locator("table.audit tbody tr", { hasText: "Diaspora Skills Exchange" });
    expect(await row.locator("td[data-label='Quoi']").textContent()).toBe("a approuvé l'institution");
    expect(await row.locator("td[data-label='Qui']").textContent()).toContain("Amina Diallo");
    expect(await row.locator("td[data-label='Objet'] a").getAttribute("href")).toMatch(/^\/partners\/\w+$/);
    await expectFitsTheScreen(page, "audit, desktop");
    await page.context().close();
  }, 120_000);
});

describe("every staff page at a phone's width and on a desktop, in Spanish and French", () => {
  it("nothing off-screen, every table cell names its column", async () => {
    const page = await hub.open("phone", "es-ES");
    await signIn(page, hub, "admin@example.org");
    await page.goto(`${hub.base}/webinars`);
    const webinar = (await page.locator("main .cards a").first().getAttribute("href"))!;
    const institution = await institutionPage(page).then((u) => new URL(u).pathname);
    const pages = ["/", "/account", "/admin", "/admin/audit", "/admin/mail", "/webinars/new", `${webinar}/manage`, `${webinar}/edit`, `${webinar}/manage?confirm=cancel-webinar`, institution];
    for (const size of ["phone", "desktop"] as const) {
      await page.setViewportSize(SIZES[size]);
      for (const lang of ["es", "fr"] as const) {
        // the header's language links (the current one is not a button)
        if ((await page.locator("html").getAttribute("lang")) !== lang) await page.click(`header .langs button:has-text('${lang.toUpperCase()}')`);
        await expect.poll(() => page.locator("html").getAttribute("lang")).toBe(lang);
        for (const p of pages) {
          const response = await page.goto(hub.base + p);
          expect(response!.status(), `${p}\n${hub.log().slice(-2000)}`).toBe(200);
          expect(await page.locator("html").getAttribute("lang")).toBe(lang);
          await expectFitsTheScreen(page, `${p} (${size}, ${lang})`);
          expect(await unlabelledCells(page), p).toEqual([]);
          if (shots) await page.screenshot({ path: path.join(shots, `${lang}-${size}-${p.replace(/\W+/g, "_")}.png`), fullPage: true });
        }
      }
    }
    await page.context().close();
  }, 300_000);
});
