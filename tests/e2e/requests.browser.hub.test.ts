import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchChromium, mailSeen, signInTokenFor, startHub, type Hub } from "../helpers/hub-process.ts";

// A partner asks for event support and follows it; staff work the queue — compiled server, Chromium, no JavaScript,
// in English at desktop width and in French and Spanish at 390 px. SCREENSHOT_DIR keeps the screenshots.
const shots = process.env.SCREENSHOT_DIR;
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "genmig-requests-e2e-"));
let hub: Hub;
let browser: Browser;

beforeAll(async () => {
  hub = await startHub({ dataDir, compiled: true });
  browser = await launchChromium();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  hub?.stop();
});

const shot = async (page: Page, name: string) => {
  if (shots) await page.screenshot({ path: path.join(shots, `${name}.png`), fullPage: true });
};

async function signIn(page: Page, email: string) {
  const before = mailSeen(dataDir);
  await page.goto(`${hub.base}/auth/sign-in`);
  await page.fill("#f-email", email);
  await page.click("main button[type=submit]");
  const token = await signInTokenFor(dataDir, email, before);
  await page.goto(`${hub.base}/auth/verify?token=${token}`);
  await page.click("main button[type=submit]");
  await page.waitForURL(/\/account/);
}

/** The header's language links (a profile's language wins over the browser's, and the seed's focal point reads French). */
async function useLanguage(page: Page, lang: string) {
  const link = page.locator(`.langs button[lang=${lang}]`);
  if (await link.count()) {
    await link.click();
    await page.waitForLoadState();
  }
}

const fits = async (page: Page, width: number) => expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(width);

const runs = [
  { lang: "en", locale: "en-GB", width: 1280, height: 900, sent: "Your request was sent.", status: "Accepted", queue: "Requests from partners" },
  { lang: "fr", locale: "fr-FR", width: 390, height: 844, sent: "Votre demande a été envoyée.", status: "Acceptée", queue: "Demandes des partenaires" },
  { lang: "es", locale: "es-ES", width: 390, height: 844, sent: "Su solicitud fue enviada.", status: "Aceptada", queue: "Solicitudes de los socios" },
] as const;

describe("partners' requests in a real browser", () => {
  it.each(runs)("ask, follow on the account page, work in the staff queue ($lang, $width px)", async (run) => {
    const viewport = { width: run.width, height: run.height };
    const partner = await browser.newContext({ viewport, locale: run.locale, javaScriptEnabled: false });
    const page = await partner.newPage();
    await signIn(page, "focal@example.org");
    await useLanguage(page, run.lang);
    await page.goto(`${hub.base}/requests/new?type=event`);
    expect(await page.locator("html").getAttribute("lang")).toBe(run.lang);
    await fits(page, run.width);
    await shot(page, `request-form-${run.lang}-${run.width}`);
    const title = `Forum on care work ${run.lang}`;
    await page.fill("#f-title", title);
    await page.fill("#f-purpose", "Present our survey of domestic workers.");
    await page.fill("#f-startsOn", "2031-06-10");
    await page.fill("#f-audience", "Labour ministries");
    await page.check(`input[name=languages][value=${run.lang}]`);
    await page.check("input[name=supportKinds][value=SPEAKERS]");
    await page.click("main button[type=submit]");
    await page.waitForURL(/\/requests\/\w+\?sent=1/);
    expect(await page.locator("main [role=status]").textContent()).toContain(run.sent);
    const requestPath = new URL(page.url()).pathname;
    await page.goto(`${hub.base}/account`);
    expect(await page.locator("#requests + table").textContent()).toContain(title);
    await fits(page, run.width);
    await page.locator("#requests").scrollIntoViewIfNeeded();
    await shot(page, `account-requests-${run.lang}-${run.width}`);

    const team = await browser.newContext({ viewport, locale: run.locale, javaScriptEnabled: false });
    const staff = await team.newPage();
    await signIn(staff, "research@example.org");
    await useLanguage(staff, run.lang);
    await staff.goto(`${hub.base}/admin/requests?type=EVENT_SUPPORT`);
    expect(await staff.locator("h1").textContent()).toBe(run.queue);
    await fits(staff, run.width);
    await shot(staff, `staff-queue-${run.lang}-${run.width}`);
    await staff.click(`main a:has-text("${title}")`);
    await staff.selectOption("#f-status", "ACCEPTED");
    await staff.fill("#f-reason", "Two researchers can speak.");
    await staff.fill("#f-note", "Internal: check travel budget.");
    await staff.click("main form[method=post] button[type=submit]");
    await staff.waitForSelector("main [role=status]");
    expect(await staff.locator("main a.button").getAttribute("href")).toMatch(/^\/webinars\/new\?request=/);
    await shot(staff, `staff-request-${run.lang}-${run.width}`);

    await page.goto(`${hub.base}${requestPath}`);
    expect(await page.locator("main .badge").first().textContent()).toBe(run.status);
    expect(await page.locator("main").textContent()).not.toContain("travel budget");
    await partner.close();
    await team.close();
  });
});
