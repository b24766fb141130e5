import type { Page } from "playwright-core";
import { beforeAll, describe, expect, it } from "vitest";
import { expectFitsTheScreen, SIZES, useBrowserHub } from "../helpers/browser-journey.ts";
import { linkInMail } from "../helpers/hub-process.ts";

// People's journeys on the real, compiled server (seeded demo data, file mailbox) in Debian's Chromium, at a
// phone's width and on a desktop, asserting what the person sees after each step.
const hub = useBrowserHub("journeys");
const webinars: Record<string, string> = {};

const linkFromMail = (to: string, pattern: RegExp) => linkInMail(hub.dataDir, to, pattern);

beforeAll(async () => {
  const list = await fetch(`${hub.base}/graphql`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ query: "{ webinars(first: 10, when: UPCOMING) { edges { node { id audience } } } }" }),
  });
  for (const { node } of ((await list.json()) as { data: { webinars: { edges: { node: { id: string; audience: string } }[] } } }).data.webinars.edges) {
    webinars[node.audience] ??= node.id;
  }
});

const heading = (page: Page) => page.locator("#registration h2").textContent();

describe("a visitor registers without an account", () => {
  it.each([
    ["phone", "es-ES", "Revise su correo", "Está inscrito/a", "¿Cancelar su inscripción?", "Su inscripción está cancelada."],
    ["desktop", "en-US", "Check your email", "You are registered", "Cancel your registration?", "Your registration is cancelled."],
  ] as const)("at %s size in %s: check-your-email card, confirm, status card, two-step cancel", async (size, locale, checkEmail, registered, ask, cancelled) => {
    const context = await hub.browser.newContext({ locale, viewport: SIZES[size], timezoneId: "Europe/Berlin" });
    const page = await context.newPage();
    const email = `visitor-${size}@example.org`;
    await page.goto(`${hub.base}/webinars/${webinars.PUBLIC}`);
    // the browser's zone, filled in by the one hashed script; never the event's zone (Africa/Dakar)
    expect(await page.locator("#f-timeZone").inputValue()).toBe("Europe/Berlin");
    await expectFitsTheScreen(page);
    await page.fill("#f-email", email);
    await page.fill("#f-name", "Ana Visitor");
    await page.click("form:has(#f-name) button[type=submit]");
    expect(await heading(page)).toBe(checkEmail);
    expect(await page.locator("#f-name").count(), "the form is gone").toBe(0);
    expect(await page.locator("#registration").textContent()).toContain(email);
    await expectFitsTheScreen(page);

    await page.goto(await linkFromMail(email, /http:\/\/127\.0\.0\.1:\d+\/r\/[\w.-]+\?confirm=1/));
    await page.click("button[value=confirm]");
    expect(await heading(page)).toBe(registered);
    expect(await page.locator("#registration a[href*='calendar.google.com']").count()).toBe(1);
    expect(await page.locator(".when").textContent()).toContain("Berlin (UTC+01:00)");

    // the link in the confirmation email manages the registration: cancelling asks first
    await page.goto(await linkFromMail(email, /http:\/\/127\.0\.0\.1:\d+\/r\/[\w.-]+(?=[\s"<])(?!\?)/));
    expect(await heading(page)).toBe(registered);
    await page.click("#registration a[href*='cancel=1']");
    expect(await page.locator("#cancel-title").textContent()).toBe(ask);
    await expectFitsTheScreen(page);
    await page.click("#registration button.danger");
    expect(await page.locator("[role=status]").first().textContent()).toBe(cancelled);
    await context.close();
  });

  it("without JavaScript the zone is asked, not assumed", async () => {
    const context = await hub.browser.newContext({ locale: "fr-FR", viewport: SIZES.phone, javaScriptEnabled: false });
    const page = await context.newPage();
    await page.goto(`${hub.base}/webinars/${webinars.PUBLIC}`);
    expect(await page.locator("#f-timeZone").inputValue()).toBe("");
    expect(await page.locator("#f-timeZone").getAttribute("required")).not.toBeNull();
    expect(await page.locator(".when").textContent()).toContain("Heure de l'événement");
    await context.close();
  });
});

describe("a partner member", () => {
  it.each([
    ["desktop", "fr-FR", "focal@example.org", "Se connecter pour s'inscrire", "En attente de validation", "Mes webinaires"],
    // signed in, the member's own language (French, from their profile) takes over from the browser's English
    ["phone", "en-US", "member@example.org", "Sign in to register", "En attente de validation", "Mes webinaires"],
  ] as const)("at %s size in %s: sign in from the page, come back to it, register in one click", async (size, locale, email, signIn, pending, mine) => {
    const context = await hub.browser.newContext({ locale, viewport: SIZES[size], timezoneId: "America/Bogota" });
    const page = await context.newPage();
    const target = `/webinars/${webinars.PARTNERS}`;
    await page.goto(`${hub.base}${target}`);
    await page.click(`a.button:has-text("${signIn}")`);
    expect(new URL(page.url()).searchParams.get("redirectTo")).toBe(target);
    await page.fill("#f-email", email);
    await page.click("main form button[type=submit]");
    await page.waitForSelector("[role=status]");
    const link = await linkFromMail(email, /http:\/\/127\.0\.0\.1:\d+\/auth\/verify\?token=[\w-]+&redirectTo=[^\s"<]+/);
    await page.goto(link);
    await page.click("main form button[type=submit]");
    expect(new URL(page.url()).pathname, "back on the page where sign-in was asked").toBe(target);
    expect(await page.locator("#f-timeZone").inputValue()).toBe("America/Bogota");
    await page.click("form:has(#f-timeZone) button[type=submit]");
    expect(await heading(page)).toBe(pending);
    await expectFitsTheScreen(page);
    await page.goto(`${hub.base}/account`);
    expect(await page.getByRole("heading", { name: mine, exact: true }).count()).toBe(1);
    expect(await page.locator(`.my-webinars a[href="${target}"]`).count()).toBe(1);
    await expectFitsTheScreen(page);
    await context.close();
  });

  it("a link opened in another browser asks to confirm, then still returns to the page", async () => {
    const asking = await hub.browser.newContext({ viewport: SIZES.desktop });
    const target = `/webinars/${webinars.PUBLIC}`;
    const first = await asking.newPage();
    await first.goto(`${hub.base}/auth/sign-in?redirectTo=${encodeURIComponent(target)}`);
    await first.fill("#f-email", "research@example.org");
    await first.click("main form button[type=submit]");
    await first.waitForSelector("[role=status]");
    const link = await linkFromMail("research@example.org", /http:\/\/127\.0\.0\.1:\d+\/auth\/verify\?token=[\w-]+&redirectTo=[^\s"<]+/);
    const phone = await hub.browser.newContext({ viewport: SIZES.phone });
    const page = await phone.newPage();
    await page.goto(link);
    await page.click("main form button[type=submit]");
    expect(await page.locator("h1").textContent()).toContain("research@example.org");
    await page.click("main form button[type=submit]");
    expect(new URL(page.url()).pathname).toBe(target);
    await asking.close();
    await phone.close();
  });
});
