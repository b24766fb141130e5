import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchChromium, signInTokenFor, startHub, type Hub } from "../helpers/hub-process.ts";

// The real, compiled server (`npm start` path: migrate, seed, in-process worker, file mailbox) driven by Debian's Chromium.
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "genmig-e2e-"));
let base = "";
let hub: Hub;
let browser: Browser;

beforeAll(async () => {
  hub = await startHub({ dataDir, compiled: true });
  base = hub.base;
  browser = await launchChromium();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  hub?.stop();
});

describe("in a real browser", () => {
  it("an institution registers, then its focal point signs in with the emailed link", async () => {
    const page = await browser.newPage({ locale: "fr-FR", javaScriptEnabled: false });
    const opened = await page.goto(`${base}/partners/register`);
    expect(opened?.status(), fs.readFileSync(path.join(dataDir, "server.log"), "utf8")).toBe(200);
    expect(await page.locator("h1").textContent()).toBe("Inscrire votre institution");
    await page.fill("#f-name", "Collectif Genre et Mobilité");
    await page.selectOption("#f-sector", "NGO");
    await page.selectOption("#f-country", "SN");
    await page.fill("#f-focalPointName", "Mariama Ba");
    await page.fill("#f-focalPointEmail", "mariama@example.org");
    await page.fill("#f-interests", "migration de travail");
    await page.selectOption("#f-language", "fr");
    await page.check("#f-consent");
    await page.click("button[type=submit]:has-text('Envoyer la demande')");
    await expect.poll(() => page.locator("h1").textContent()).toBe("Demande reçue");
    await page.screenshot({ path: path.join(dataDir, "registered.png") });

    await page.goto(`${base}/auth/sign-in`);
    await page.fill("#f-email", "mariama@example.org");
    await page.click("button[type=submit]:has-text('M\\'envoyer un lien de connexion')");
    await expect.poll(() => page.locator("h1").textContent()).toBe("Consultez votre messagerie");

    const token = await signInTokenFor(dataDir, "mariama@example.org");
    await page.goto(`${base}/auth/verify?token=${token}`);
    await page.click("button[type=submit]:has-text('Se connecter')");
    await expect.poll(() => page.locator("h1").textContent()).toBe("Mon compte");
    expect(await page.locator("main").textContent()).toContain("Collectif Genre et Mobilité");
    expect(await page.locator("main").textContent()).toContain("En attente d'examen");
    const cookies = await page.context().cookies();
    expect(cookies.find((c) => c.name === "gmh_session")).toMatchObject({ httpOnly: true, sameSite: "Lax" });
    await page.screenshot({ path: path.join(dataDir, "account.png"), fullPage: true });
  }, 60_000);
});
