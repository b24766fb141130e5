import path from "node:path";
import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { expectFitsTheScreen, signIn, SIZES, useBrowserHub } from "../helpers/browser-journey.ts";

// Staff send a publication to a segment in Chromium without JavaScript: write and publish, preview (count and
// the mail in a sandboxed frame), send, land on the sends. Desktop and 390 px, English and French.
// SCREENSHOT_DIR keeps the screenshots.
const shots = process.env.SCREENSHOT_DIR;
const hub = useBrowserHub("distribution-e2e");

const shot = async (page: Page, name: string) => {
  if (shots) await page.screenshot({ path: path.join(shots, `${name}.png`), fullPage: true });
};

// One sign-in per language (the sign-in limit allows three links per address and place in 15 minutes); each
// page is checked at desktop width and again at 390 px.
const runs = [
  { label: "English", locale: "en-GB", lang: "en" },
  { label: "French", locale: "fr-FR", lang: "fr" },
] as const;

/** The page fits a 390 px screen too, and both sizes are kept as screenshots. */
async function atBothSizes(page: Page, name: string) {
  await expectFitsTheScreen(page);
  await shot(page, `${name}-desktop`);
  await page.setViewportSize(SIZES.phone);
  await expectFitsTheScreen(page);
  await shot(page, `${name}-phone`);
  await page.setViewportSize(SIZES.desktop);
}

describe("distributing a publication in a real browser", () => {
  it.each(runs)("write, publish, preview and send ($label)", async (run) => {
    const page = await hub.open("desktop", run.locale);
    const fr = run.lang === "fr";
    await signIn(page, hub, "research@example.org");

    await page.goto(`${hub.base}/publications/new`);
    await page.fill("#f-title_en", `Care corridors (${run.label})`);
    await page.fill("#f-title_fr", `Corridors du soin (${run.label})`);
    await page.fill("#f-summary_fr", "Ce que les corridors changent pour les travailleuses du soin.");
    await page.fill("#f-authors", "GenMig research team");
    await page.check('input[name=topics][value="CARE_WORK"]');
    await page.click("main form.publication-form button[type=submit]");
    await page.waitForURL(/\/edit$/);
    const id = new URL(page.url()).pathname.split("/")[2];
    // The edit form offers the update notice, unticked.
    expect(await page.locator('input[name="notifyEarlierRecipients"]').isChecked()).toBe(false);
    if (shots) await page.locator("input[name=notifyEarlierRecipients]").locator("xpath=ancestor::p[1]").screenshot({ path: path.join(shots, `edit-notify-${run.lang}.png`) });
    await page.goto(`${hub.base}/publications/${id}`);
    await page.click('button[name=intent][value="publish"]');
    await page.waitForLoadState();
    await page.click(`a[href="/publications/${id}/distribute"]`);
    await page.waitForURL(/\/distribute$/);
    expect(await page.locator("h1").textContent()).toBe(fr ? "Envoyer à un segment" : "Send to a segment");
    await atBothSizes(page, `distribute-${run.lang}`);

    await page.selectOption("#f-previewLang", "fr");
    await page.click('button[name=intent][value="preview"]');
    await page.waitForSelector(".card iframe.mail-preview");
    expect(await page.locator(".card").textContent()).toMatch(fr ? /personnes? la recevrai/ : /would receive it/);
    expect(await page.locator("iframe.mail-preview").getAttribute("sandbox")).toBe("");
    const frame = page.frameLocator("iframe.mail-preview");
    expect(await frame.locator("body").textContent()).toContain("Corridors du soin");
    await atBothSizes(page, `distribute-preview-${run.lang}`);
    // Chromium does not paint an off-screen frame of another origin (the sandbox gives it one): look at it in view.
    if (shots) {
      await page.locator("iframe.mail-preview").scrollIntoViewIfNeeded();
      await page.locator(".card").screenshot({ path: path.join(shots, `distribute-preview-card-${run.lang}.png`) });
    }

    await page.click('button[name=intent][value="send"]');
    await page.waitForURL(/\/admin\/sends$/);
    expect(await page.locator("table.sends tbody tr").first().textContent()).toContain(fr ? "Diffusion" : "Distribution");
    await expectFitsTheScreen(page);
  }, 120_000);
});
