import fs from "node:fs";
import http from "node:http";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchChromium, signInTokenFor, startHub, type Hub } from "../helpers/hub-process.ts";

// Login CSRF in a real browser: a page on another origin (another loopback port) auto-submits the attacker's own
// sign-in token to the hub. The victim's browser must not end up signed in; the same link opened in a second
// browser context (another device) signs in only after the explicit confirmation.
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "genmig-csrf-"));
let base = "";
let hub: Hub;
let evil: http.Server;
let evilBase = "";
let browser: Browser;

async function askLink(email: string) {
  const before = Date.now() - 1000;
  const response = await fetch(`${base}/graphql`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ query: `mutation { requestSignInLink(email: "${email}") { ok } }` }),
  });
  expect(response.status).toBe(200);
  return signInTokenFor(dataDir, email, before);
}

beforeAll(async () => {
  // The hub at localhost, the attacker at 127.0.0.1: two different sites, as in a real cross-site attack.
  hub = await startHub({ dataDir, host: "localhost" });
  base = hub.base;
  // The attacker's page: it posts whatever token it is given to the hub as soon as it loads.
  evil = http.createServer((req, res) => {
    const params = new URL(req.url ?? "/", "http://x").searchParams;
    const token = params.get("token") ?? "";
    res.setHeader("content-type", "text/html");
    res.end(`<form id="f" method="post" action="${base}${params.get("target")}"><input type="hidden" name="token" value="${token}"></form><script>document.getElementById("f").submit()</script>`);
  });
  await new Promise<void>((resolve) => evil.listen(0, "127.0.0.1", resolve));
  evilBase = `http://127.0.0.1:${(evil.address() as net.AddressInfo).port}`;
  browser = await launchChromium();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await new Promise((resolve) => evil?.close(resolve));
  hub?.stop();
});

describe("login CSRF in Chromium", () => {
  // `?_data=` skips Remix's own Origin check: that is how the review signed a victim in.
  it.each(["/auth/verify?_data=routes%2Fauth.verify", "/auth/verify"])(
    "a cross-site auto-submitted form to %s does not sign the victim into the attacker's account",
    async (target) => {
      const token = await askLink("member@example.org");
      const victim = await browser.newContext();
      const page = await victim.newPage();
      const posted = page.waitForRequest((r) => r.method() === "POST" && r.url().startsWith(base));
      await page.goto(`${evilBase}/?token=${token}&target=${encodeURIComponent(target)}`);
      await (await posted).response();
      expect((await victim.cookies(base)).find((c) => c.name === "gmh_session")).toBeUndefined();
      const account = await page.goto(`${base}/account`);
      expect(account?.url()).toContain("/auth/sign-in");
      await victim.close();
    },
    60_000,
  );

  it("the link opened on another device signs in after the explicit 'Sign in as' step", async () => {
    const token = await askLink("focal@example.org");
    const device = await browser.newContext({ locale: "en-GB" });
    const page = await device.newPage();
    await page.goto(`${base}/auth/verify?token=${token}`);
    await page.click("main button[type=submit]");
    await expect.poll(() => page.locator("h1").textContent()).toBe("Sign in as focal@example.org?");
    expect((await device.cookies(base)).find((c) => c.name === "gmh_session")).toBeUndefined();
    await page.click("button[type=submit]:has-text('Yes, sign in as focal@example.org')");
    await page.waitForURL(`${base}/account`);
    expect((await device.cookies(base)).find((c) => c.name === "gmh_session")).toBeDefined();
    await device.close();
  }, 60_000);
});
