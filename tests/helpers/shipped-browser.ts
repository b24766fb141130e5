import { execFile } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { promisify } from "node:util";
import type { Browser, BrowserContext, BrowserContextOptions, Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, expect } from "vitest";
import { launchChromium, startShippedHub, type ShippedHub } from "./hub-process.ts";
import { pageProblems } from "./page-checks.ts";

// Browser journeys on the hub as it ships (startShippedHub: build/server.js in production mode, as `npm start` runs
// it, on the suite's database — embedded, or a fresh PostgreSQL database when TEST_DATABASE_URL is set — with the
// worker on and the file mailbox). On PostgreSQL the demo data is seeded through the compiled CLI, as an operator
// would; the embedded hub seeds its empty database itself.

const run = promisify(execFile);

export interface ShippedBrowser {
  base: string;
  dataDir: string;
  database: "embedded" | "postgres";
  hub: ShippedHub;
  browser: Browser;
  /** The tail of the server's log, for failure messages. */
  log(): string;
  /** The compiled CLI (`npm run cli -- …`) against the hub's database; resolves to its output. */
  cli(...args: string[]): Promise<string>;
  /** A fresh window (own cookies), without JavaScript unless asked; every 5xx answer it receives is recorded. */
  open(locale?: string, opts?: BrowserContextOptions): Promise<Page>;
  /** The 5xx answers any window received so far ("500 POST /path"). */
  serverErrors: string[];
  /** What `checkPage` found on the pages visited so far (axe WCAG 2.2 AA, radio/checkbox layout, at both widths). */
  pageProblems: string[];
}

/**
 * Checks the page a window shows now (see page-checks.ts); problems are reported after the test. The pages' markup
 * does not depend on the database, so the checks run in the embedded pass only: the PostgreSQL pass runs the same
 * journeys without them (they double a journey's time).
 */
export async function checkPage(page: Page, hub: ShippedBrowser) {
  if (process.env.TEST_DATABASE_URL) return;
  hub.pageProblems.push(...(await pageProblems(page)));
}

/** Starts the seeded hub and one Chromium before the file's tests and stops both after. */
export function useShippedBrowser(): ShippedBrowser {
  const contexts: BrowserContext[] = [];
  const state: ShippedBrowser = {
    base: "",
    dataDir: "",
    database: "embedded",
    hub: undefined as unknown as ShippedHub,
    browser: undefined as unknown as Browser,
    serverErrors: [],
    pageProblems: [],
    log: () => fs.readFileSync(path.join(state.dataDir, "server.log"), "utf8").slice(-3000),
    async cli(...args: string[]) {
      const env: NodeJS.ProcessEnv = { ...process.env, NODE_ENV: "production", DATA_DIR: state.dataDir, APP_URL: state.base };
      delete env.SMTP_URL;
      if (state.hub.databaseUrl) env.DATABASE_URL = state.hub.databaseUrl;
      else delete env.DATABASE_URL;
      const { stdout, stderr } = await run(process.execPath, ["build/cli.js", ...args], { env });
      return stdout + stderr;
    },
    async open(locale = "en-GB", opts: BrowserContextOptions = {}) {
      const context = await state.browser.newContext({ viewport: { width: 1280, height: 900 }, locale, javaScriptEnabled: false, ...opts });
      contexts.push(context);
      // A missing element fails its step in seconds, naming it, rather than the whole journey at its time limit.
      context.setDefaultTimeout(15_000);
      context.on("response", (r) => {
        if (r.status() >= 500) state.serverErrors.push(`${r.status()} ${r.request().method()} ${new URL(r.url()).pathname}`);
      });
      const page = await context.newPage();
      // Every page a journey opens is checked, as is every page a form leads to (submit).
      const goto = page.goto.bind(page);
      page.goto = async (...args: Parameters<Page["goto"]>) => {
        const response = await goto(...args);
        if (response?.headers()["content-type"]?.startsWith("text/html")) await checkPage(page, state);
        return response;
      };
      return page;
    },
  };
  beforeAll(async () => {
    state.hub = await startShippedHub();
    Object.assign(state, { base: state.hub.base, dataDir: state.hub.dataDir, database: state.hub.database });
    if (state.hub.database === "postgres") await state.cli("seed");
    state.browser = await launchChromium();
  }, 180_000);
  afterEach(() => {
    const problems = state.pageProblems.splice(0);
    expect(problems.join("\n"), "accessibility (WCAG 2.2 AA) and layout problems on the pages visited").toBe("");
  });
  afterAll(async () => {
    for (const c of contexts) await c.close().catch(() => {});
    await state.browser?.close();
    await state.hub?.close();
  }, 60_000);
  return state;
}

/** Signing in as a person would: the same steps as on the development hub. */
export { signIn } from "./browser-journey.ts";

/**
 * Clicks a submit button of a form (a real browser submission: urlencoded or multipart as the form says) and waits
 * for the page it leads to. The POST and the page after it must be no server error and no error page.
 */
export async function submit(page: Page, hub: ShippedBrowser, button: string) {
  const [response] = await Promise.all([
    page.waitForResponse((r) => r.request().isNavigationRequest() && r.request().method() === "POST" && r.frame() === page.mainFrame()),
    page.locator(button).click(),
  ]);
  await page.waitForLoadState();
  const where = `${button} on ${page.url()}`;
  expect(response.status(), `${where} answered ${response.status()}\n${hub.log()}`).toBeLessThan(500);
  expect(await page.locator("section.oops").count(), `${where} shows the error page\n${hub.log()}`).toBe(0);
  await checkPage(page, hub);
  return response;
}

/** Follows a link as a person would (a click, not a typed address) and checks the page it leads to. */
export async function follow(page: Page, hub: ShippedBrowser, link: string) {
  await Promise.all([page.waitForURL((url) => url.href !== page.url() || url.hash !== ""), page.locator(link).click()]);
  await page.waitForLoadState();
  await checkPage(page, hub);
}
