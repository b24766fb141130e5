import { describe, expect, it } from "vitest";
import { expectFitsTheScreen, signIn, useBrowserHub } from "../helpers/browser-journey.ts";

// The compiled server with its demo data, in Chromium at a phone's width (390 px), in French.
const hub = useBrowserHub("look");

describe("at 390 px, in French, without JavaScript", () => {
  it("the main pages never scroll sideways and keep every control on screen", async () => {
    const page = await hub.open("phone", "fr-FR");
    await page.goto(`${hub.base}/webinars`);
    const webinar = await page.locator("main .cards a").first().getAttribute("href");
    await page.goto(`${hub.base}/partners`);
    const institution = await page.locator("main .cards a").first().getAttribute("href");
    const pages = ["/", "/webinars", "/partners", "/partners?region=AFRICA&sector=RESEARCH", webinar!, institution!, "/partners/register", "/auth/sign-in", "/no-such-page"];
    for (const p of pages) {
      const response = await page.goto(hub.base + p);
      expect(response!.status(), `${p}\n${hub.log()}`).toBe(p === "/no-such-page" ? 404 : 200);
      expect(await page.locator("html").getAttribute("lang")).toBe("fr");
      await expectFitsTheScreen(page, p);
    }
    expect(await page.title()).toBe("Page introuvable · GenMig Hub");
    await page.context().close();
  }, 60_000);

  it("the header's EN · FR · ES links switch the language and come back to the same page", async () => {
    const page = await hub.open("phone", "fr-FR");
    await page.goto(`${hub.base}/partners?sector=NGO`);
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
    await page.context().close();
  }, 60_000);

  it("signed in as an administrator: home dashboard, account, admin and an institution's members fit the screen", async () => {
    const page = await hub.open("phone", "fr-FR");
    await signIn(page, hub, "admin@example.org");
    await expect.poll(() => page.locator("h1").textContent()).toBe("Mon compte");
    // the seeded institution with a focal point and a member: its members table has Remove buttons
    await page.goto(`${hub.base}/partners?q=Centre`);
    const institution = await page.locator("main .cards a").first().getAttribute("href");
    for (const p of ["/", "/account", "/admin", "/admin/audit", "/admin/mail", "/webinars", institution!]) {
      const response = await page.goto(hub.base + p);
      expect(response!.status(), p).toBe(200);
      await expectFitsTheScreen(page, p);
    }
    // Removing a person goes through a confirmation page, reached from a link in the members table.
    expect(await page.locator("main table :is(a, button):has-text('Retirer')").count()).toBeGreaterThan(0);
    await page.goto(hub.base + "/");
    expect(await page.locator("#staff-tools").textContent()).toBe("Équipe de recherche");
    await page.context().close();
  }, 90_000);
});
