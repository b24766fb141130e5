import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { Browser, BrowserContextOptions, Page } from "playwright-core";
import { afterAll, beforeAll, expect } from "vitest";
import { launchChromium, mailSeen, signInTokenFor, startHub, type Hub } from "./hub-process.ts";

// What every browser journey repeats: the compiled hub on its own seeded data directory, one Chromium, sign-in
// through the emailed link, and the "nothing off-screen" check.

export const SIZES = { phone: { width: 390, height: 844 }, desktop: { width: 1280, height: 900 } } as const;

export interface BrowserHub {
  base: string;
  dataDir: string;
  hub: Hub;
  browser: Browser;
  /** The server's log, for failure messages. */
  log(): string;
  /** A fresh browser window (own cookies) at a size, in a locale, without JavaScript unless asked. */
  open(size: keyof typeof SIZES, locale: string, opts?: BrowserContextOptions): Promise<Page>;
}

/** Starts the hub and Chromium before the file's tests and stops both after; read the fields inside tests. */
export function useBrowserHub(name: string): BrowserHub {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), `genmig-${name}-`));
  const state = {
    base: "",
    dataDir,
    hub: undefined as unknown as Hub,
    browser: undefined as unknown as Browser,
    log: () => fs.readFileSync(path.join(dataDir, "server.log"), "utf8"),
    async open(size: keyof typeof SIZES, locale: string, opts: BrowserContextOptions = {}) {
      const context = await state.browser.newContext({ viewport: SIZES[size], locale, javaScriptEnabled: false, ...opts });
      return context.newPage();
    },
  };
  beforeAll(async () => {
    state.hub = await startHub({ dataDir, compiled: true });
    state.base = state.hub.base;
    state.browser = await launchChromium();
  }, 120_000);
  afterAll(async () => {
    await state.browser?.close();
    state.hub?.stop();
  });
  return state;
}

/** Signs `email` in through the form and the emailed link, as a person would; ends on the page it lands on. */
export async function signIn(page: Page, hub: Pick<BrowserHub, "base" | "dataDir">, email: string) {
  const before = mailSeen(hub.dataDir);
  await page.goto(`${hub.base}/auth/sign-in`);
  await page.fill("#f-email", email);
  await page.click("main button[type=submit]");
  await page.waitForSelector("[role=status], main h1");
  await page.goto(`${hub.base}/auth/verify?token=${await signInTokenFor(hub.dataDir, email, before)}`);
  await page.click("main button[type=submit]");
  await page.waitForURL((url) => !url.pathname.startsWith("/auth/"));
}

/** Sideways overflow and every control lying (even partly) outside the screen's width. */
export async function offScreen(page: Page) {
  return page.evaluate(() => {
    const width = window.innerWidth;
    // the skip link hides off-screen on purpose until it has focus
    const offscreen = [...document.querySelectorAll("a:not(.skip), button, input, select, textarea, summary")]
      .filter((el) => {
        const box = el.getBoundingClientRect();
        return box.width > 0 && (box.right > width + 0.5 || box.left < -0.5);
      })
      .map((el) => el.outerHTML.slice(0, 100));
    return { scrollWidth: document.scrollingElement!.scrollWidth, width, offscreen };
  });
}

/** No sideways scrolling and no control off-screen; `where` names the page in the failure message. */
export async function expectFitsTheScreen(page: Page, where = page.url()) {
  const fit = await offScreen(page);
  expect(fit.scrollWidth, where).toBeLessThanOrEqual(fit.width);
  expect(fit.offscreen, where).toEqual([]);
}

/** Table cells with content that would stack at 390 px without saying which column they belong to. */
export function unlabelledCells(page: Page) {
  return page.locator("main td:not([data-label])").evaluateAll((tds) => tds.filter((td) => td.textContent!.trim() || td.children.length).map((td) => td.outerHTML.slice(0, 100)));
}
