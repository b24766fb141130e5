import fs from "node:fs";
import { createRequire } from "node:module";
import type { Browser, Page } from "playwright-core";

// Checks run on every page a browser journey visits. The journeys' windows run without JavaScript (the pages forbid
// scripts anyway: CSP script-src 'none'), and there page.evaluate runs but timers and observers never call back, so
// axe-core cannot finish. It runs instead in a second window with JavaScript and CSP bypassed, on a copy of the
// page: the same HTML at the same address (stylesheets and images load from the hub), at the same width.

const AXE_SOURCE = fs.readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");
/** WCAG 2.2 AA, as the issue asks: every A and AA rule up to 2.2. */
export const WCAG_22_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"];

const checkers = new WeakMap<Browser, Promise<Page>>();
function checkerOf(browser: Browser) {
  if (!checkers.has(browser)) checkers.set(browser, browser.newContext({ javaScriptEnabled: true, bypassCSP: true }).then((c) => c.newPage()));
  return checkers.get(browser)!;
}

/** axe-core's violations of WCAG 2.2 AA on the page as it is now, one line per rule and element. */
export async function axeViolations(page: Page): Promise<string[]> {
  const checker = await checkerOf(page.context().browser()!);
  await checker.setViewportSize(page.viewportSize() ?? { width: 1280, height: 900 });
  const url = page.url();
  const html = await page.content();
  await checker.route(url, (route) => route.fulfill({ status: 200, contentType: "text/html; charset=utf-8", body: html }), { times: 1 });
  await checker.goto(url, { waitUntil: "load" });
  await checker.evaluate(AXE_SOURCE);
  return checker.evaluate(async (tags) => {
    const axe = (globalThis as unknown as { axe: { run(ctx: unknown, opts: unknown): Promise<{ violations: { id: string; nodes: { target: unknown[]; failureSummary?: string }[] }[] }> } }).axe;
    const result = await axe.run(document, { runOnly: { type: "tag", values: tags }, resultTypes: ["violations"] });
    return result.violations.flatMap((v) => v.nodes.map((n) => `${v.id}: ${JSON.stringify(n.target)} ${(n.failureSummary ?? "").replace(/\s+/g, " ").slice(0, 200)}`));
  }, WCAG_22_AA);
}

/**
 * Radios and checkboxes whose label text does not start on the control's own line, just right of it (the bug of
 * a block label under its radio, which made the filled circle sit beside the next choice's text).
 */
export async function misplacedChoices(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const bad: string[] = [];
    for (const input of document.querySelectorAll<HTMLInputElement>("input[type=radio], input[type=checkbox]")) {
      const box = input.getBoundingClientRect();
      if (!box.width) continue;
      const label = input.labels?.[0];
      if (!label) {
        bad.push(`no label: ${input.outerHTML.slice(0, 100)}`);
        continue;
      }
      // the first piece of the label's own text (not the control's)
      const walker = document.createTreeWalker(label, NodeFilter.SHOW_TEXT);
      let text = walker.nextNode();
      while (text && !text.textContent!.trim()) text = walker.nextNode();
      if (!text) continue;
      const range = document.createRange();
      range.selectNodeContents(text);
      const first = range.getClientRects()[0];
      if (!first) continue;
      const sameLine = first.top < box.bottom && first.bottom > box.top;
      const beside = first.left >= box.right - 1 && first.left - box.right < 24;
      if (!sameLine || !beside) bad.push(`${input.name}=${input.value}: "${text.textContent!.trim().slice(0, 40)}" at (${Math.round(first.left)},${Math.round(first.top)}), control at (${Math.round(box.left)}–${Math.round(box.right)},${Math.round(box.top)})`);
    }
    return bad;
  });
}

/** The widths every visited page is checked at: the phone and desktop. */
export const CHECK_WIDTHS = [1280, 390] as const;

const checked = new WeakMap<Browser, Set<string>>();

/**
 * axe (WCAG 2.2 AA) and the radio/checkbox layout on the page at both widths, then back to the page's own size;
 * one line per problem, naming the address and width. The same HTML is checked once per browser.
 */
export async function pageProblems(page: Page): Promise<string[]> {
  const browser = page.context().browser()!;
  if (!checked.has(browser)) checked.set(browser, new Set());
  const html = await page.content();
  const key = `${page.url()}\n${html}`;
  if (checked.get(browser)!.has(key)) return [];
  checked.get(browser)!.add(key);
  const own = page.viewportSize();
  const where = new URL(page.url()).pathname + new URL(page.url()).search;
  const problems: string[] = [];
  for (const width of CHECK_WIDTHS) {
    await page.setViewportSize({ width, height: width > 500 ? 900 : 844 });
    for (const p of await misplacedChoices(page)) problems.push(`${where} @${width}px choice: ${p}`);
    for (const p of await axeViolations(page)) problems.push(`${where} @${width}px axe ${p}`);
  }
  if (own) await page.setViewportSize(own);
  return problems;
}
