import path from "node:path";
import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { expectFitsTheScreen, signIn, useBrowserHub } from "../helpers/browser-journey.ts";

// Research staff on the compiled server in Chromium: schedule → manage → message → cancel with confirmation,
// at desktop width in English and at 390 px in French, without JavaScript. SCREENSHOT_DIR keeps the screenshots.
const shots = process.env.SCREENSHOT_DIR;
const hub = useBrowserHub("staff-e2e");

const shot = async (page: Page, name: string) => {
  if (shots) await page.screenshot({ path: path.join(shots, `${name}.png`), fullPage: true });
};

const runs = [
  { label: "desktop, English", size: "desktop", locale: "en-GB", lang: "en" },
  { label: "390 px, French", size: "phone", locale: "fr-FR", lang: "fr" },
] as const;

describe("research staff in a real browser", () => {
  it.each(runs)("schedule, manage, message and cancel with confirmation ($label)", async (run) => {
    const page = await hub.open(run.size, run.locale);
    const fr = run.lang === "fr";
    await signIn(page, hub, "research@example.org");
    expect(new URL(page.url()).pathname).toBe("/account");

    // Schedule: sections, the organiser's zone, a question of our own.
    await page.goto(`${hub.base}/webinars/new`);
    expect(await page.locator("legend").allTextContents()).toEqual(expect.arrayContaining(fr ? ["Quoi", "Quand", "Formulaire d'inscription"] : ["What", "When", "Registration form"]));
    await expectFitsTheScreen(page);
    await shot(page, `new-${run.lang}-${run.size}`);
    const title = `Care and mobility ${run.lang}`;
    await page.fill("#f-title_en", title);
    await page.fill("#f-startsAt", "2031-05-20T14:00");
    await page.fill("#f-endsAt", "2031-05-20T15:30");
    await page.selectOption("#f-timeZone", "Europe/Madrid");
    await page.fill("#f-meetingUrl", "https://meet.example.org/care");
    await page.fill("#f-capacity", "30");
    await page.fill("#f-question_q1_en", "Which corridor do you work on?");
    await page.click("main button[type=submit]");
    await page.waitForURL(/\/manage\?saved=scheduled/);
    await expect.poll(() => page.locator("[role=status]").textContent()).toContain(fr ? "Le webinaire est programmé" : "The webinar is scheduled");
    const manage = page.url().replace(/\?.*/, "");
    const id = manage.split("/")[4];

    // Register ourselves on the public page, so there is someone to write to; the public page links to Manage.
    await page.goto(`${hub.base}/webinars/${id}`);
    await page.fill("#f-answer_q1", "Sahel to Maghreb");
    // The registration form asks for the person's zone when it does not know it (no script runs here).
    const zone = page.locator("main form[method=post] select[name=timeZone]");
    if (!(await zone.inputValue())) await zone.selectOption("Europe/Madrid");
    await page.click("main form[method=post] button[type=submit]");
    await page.waitForLoadState();
    await page.click(`a[href="/webinars/${id}/manage"]`);
    await page.waitForURL(manage);
    const counts = await page.locator(".counts").textContent();
    expect(counts).toMatch(fr ? /Confirmé·es\s*1/ : /Confirmed\s*1/);
    expect(await page.locator("table.registrations").textContent()).toContain("Sahel to Maghreb");
    await expectFitsTheScreen(page);
    await shot(page, `manage-${run.lang}-${run.size}`);

    // Message registrants.
    await page.fill("#f-message_en", "The slides are at https://example.org/slides");
    await page.fill("#f-message_fr", "Les diapositives : https://example.org/slides");
    await page.click("button[value=message]");
    await expect.poll(() => page.locator("[role=status]").textContent()).toBe(fr ? "Message en file d'envoi pour 1 personne." : "Message queued for 1 person.");

    // Cancel: a confirmation page first, then the real thing.
    await page.click(`a[href$="manage?confirm=cancel-webinar"]`);
    await expect.poll(() => page.locator("h2").first().textContent()).toContain(title);
    await expectFitsTheScreen(page);
    await shot(page, `confirm-cancel-${run.lang}-${run.size}`);
    await page.fill("#f-reason", "Speaker unavailable");
    await page.click("button[value=cancel-webinar]");
    await expect.poll(() => page.locator("[role=status]").textContent()).toBe(fr ? "Le webinaire est annulé\u202f; 1 inscrit·e a reçu un e-mail." : "The webinar is cancelled; 1 registrant was emailed.");
    expect(await page.locator("h1 .badge").textContent()).toBe(fr ? "Annulé" : "Cancelled");
    await expectFitsTheScreen(page);
    await shot(page, `cancelled-${run.lang}-${run.size}`);
    await page.context().close();
  }, 90_000);
});
