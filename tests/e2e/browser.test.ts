import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { chromium, type Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

// The real, compiled server (`npm start` path: migrate, seed, in-process worker, file mailbox) driven by Debian's Chromium.
const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
let base = "";
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "genmig-e2e-"));
let server: ChildProcess;
let browser: Browser;

async function waitForHealth() {
  for (let i = 0; i < 120; i++) {
    try {
      if ((await fetch(`${base}/healthz`)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error("server did not start");
}

async function waitForMail(to: string) {
  const dir = path.join(dataDir, "mail");
  for (let i = 0; i < 60; i++) {
    const files = fs.existsSync(dir) ? fs.readdirSync(dir).sort().reverse() : [];
    for (const f of files) {
      const raw = fs.readFileSync(path.join(dir, f), "utf8");
      const token = /\/auth\/verify\?token=([\w-]+)/.exec(raw.replace(/=\r?\n/g, "").replace(/=3D/g, "="))?.[1];
      if (raw.includes(`To: ${to}`) && token) return token;
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`no sign-in mail for ${to}`);
}

async function freePort() {
  const probe = net.createServer();
  await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
  const { port } = probe.address() as net.AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

beforeAll(async () => {
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  const env: NodeJS.ProcessEnv = { ...process.env, PORT: String(port), DATA_DIR: dataDir, APP_URL: base, NODE_ENV: "production" };
  delete env.DATABASE_URL;
  delete env.SMTP_URL;
  const log = fs.openSync(path.join(dataDir, "server.log"), "w");
  // Own process group, so stopping it also stops anything it started.
  server = spawn(process.execPath, ["build/server.js"], { env, stdio: ["ignore", log, log], detached: true });
  await waitForHealth();
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--no-first-run"],
  });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  if (server?.pid) process.kill(-server.pid, "SIGTERM");
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

    const token = await waitForMail("mariama@example.org");
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
