import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchChromium, signInTokenFor, startHub, type Hub } from "../helpers/hub-process.ts";

// The compiled server with its demo data, in Chromium at a phone's width (390 px), in French.
const PHONE = { width: 390, height: 844 };
let base = "";
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "genmig-look-"));
let hub: Hub;
let browser: Browser;

/** No sideways scrolling, and every control in the page lies within the screen's width. */
async function fitsTheScreen(page: Page) {
  return page.evaluate(() => {
    const width = window.innerWidth;
    const offscreen = // the skip link hides off-screen on purpose until it has focus
    [...document.querySelectorAll("a:not(.skip), button, input, select, textarea")]
      .filter((el) => {
        const box = el.getBoundingClientRect();
        return box.width > 0 && (box.right > width + 0.5 || box.left < -0.5);
      })
      .map((el) => el.outerHTML.slice(0, 80));
    return { scrollWidth: document.scrollingElement!.scrollWidth, width, offscreen };
  });
}

const log = () => fs.readFileSync(path.join(dataDir, "server.log"), "utf8");

beforeAll(async () => {
  hub = await startHub({ dataDir, compiled: true });
  base = hub.base;
  browser = await launchChromium();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  hub?.stop();
});

describe("at 390 px, in French, without JavaScript", () => {
  it("the main pages never scroll sideways and keep every control on screen", async () => {
    const context = await browser.newContext({ viewport: PHONE, locale: "fr-FR", javaScriptEnabled: false });
    const page = await context.newPage();
    await page.goto(`${base}/webinars`);
    const webinar = await page.locator("main .cards a").first().getAttribute("href");
    await page.goto(`${base}/partners`);
    const institution = await page.locator("main .cards a").first().getAttribute("href");
    const pages = ["/", "/webinars", "/partners", "/partners?region=AFRICA&sector=RESEARCH", webinar!, institution!, "/partners/register", "/auth/sign-in", "/no-such-page"];
    for (const p of pages) {
      const response = await page.goto(base + p);
      expect(response!.status(), `${p}\n${log()}`).toBe(p === "/no-such-page" ? 404 : 200);
      expect(await page.locator("html").getAttribute("lang")).toBe("fr");
      const fit = await fitsTheScreen(page);
      expect(fit.scrollWidth, p).toBeLessThanOrEqual(fit.width);
      expect(fit.offscreen, p).toEqual([]);
    }
    expect(await page.title()).toBe("Page introuvable · GenMig Hub");
    await context.close();
  }, 60_000);

  it("the header's EN · FR · ES links switch the language and come back to the same page", async () => {
    const context = await browser.newContext({ viewport: PHONE, locale: "fr-FR", javaScriptEnabled: false });
    const page = await context.newPage();
    await page.goto(`${base}/partners?sector=NGO`);
    expect(await page.locator("h1").textContent()).toBe("Annuaire des partenaires");
    const header = await page.locator("header.top").boundingBox();
    expect(header!.height).toBeLessThan(160);
    await page.click("header .langs button:has-text('ES')");
    await expect.poll(() => page.locator("h1").textContent()).toBe("Directorio de socios");
    expect(new URL(page.url()).pathname + new URL(page.url()).search).toBe("/partners?sector=NGO");
    expect(await page.locator("html").getAttribute("lang")).toBe("es");
    expect(await page.title()).toBe("Directorio de socios · GenMig Hub");
    expect(await page.locator("#sector").inputValue()).toBe("NGO");
    await page.click("header .langs button:has-text('EN')");
    await expect.poll(() => page.locator("h1").textContent()).toBe("Partner directory");
    expect(await page.locator("header .langs [aria-current]").textContent()).toBe("EN");
    await context.close();
  }, 60_000);

  it("signed in as an administrator: home dashboard, account, admin and an institution's members fit the screen", async () => {
    const context = await browser.newContext({ viewport: PHONE, locale: "fr-FR", javaScriptEnabled: false });
    const page = await context.newPage();
    await page.goto(`${base}/auth/sign-in`);
    await page.fill("#f-email", "admin@example.org");
    await page.click("main button[type=submit]");
    await expect.poll(() => page.locator("h1").textContent()).toBe("Consultez votre messagerie");
    await page.goto(`${base}/auth/verify?token=${await signInTokenFor(dataDir, "admin@example.org")}`);
    await page.click("main button[type=submit]");
    await expect.poll(() => page.locator("h1").textContent()).toBe("Mon compte");
    // the seeded institution with a focal point and a member: its members table has Remove buttons
    await page.goto(`${base}/partners?q=Centre`);
    const institution = await page.locator("main .cards a").first().getAttribute("href");
    for (const p of ["/", "/account", "/admin", "/admin/audit", "/admin/mail", "/webinars", institution!]) {
      const response = await page.goto(base + p);
      expect(response!.status(), p).toBe(200);
      const fit = await fitsTheScreen(page);
      expect(fit.scrollWidth, p).toBeLessThanOrEqual(fit.width);
      expect(fit.offscreen, p).toEqual([]);
    }
    // Removing a person goes through a confirmation page, reached from a link in the members table.
    expect(await page.locator("main table :is(a, button):has-text('Retirer')").count()).toBeGreaterThan(0);
    await page.goto(base + "/");
    expect(await page.locator("#staff-tools").textContent()).toBe("Équipe de recherche");
    await context.close();
  }, 90_000);
});
