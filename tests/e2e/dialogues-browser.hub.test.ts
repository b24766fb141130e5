import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchChromium, linkInMail, signInTokenFor, startHub, type Hub } from "../helpers/hub-process.ts";

// The real hub in its own process (seeded staff, in-process worker, file mailbox) driven by Debian's Chromium.
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "genmig-dialogues-e2e-"));
let hub: Hub;
let browser: Browser;

beforeAll(async () => {
  hub = await startHub({ dataDir });
  browser = await launchChromium();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  hub?.stop();
});

describe("dialogues in a real browser", () => {
  it("a facilitator invites, the invitee accepts and posts", async () => {
    const staff = await browser.newPage({ locale: "en-GB", javaScriptEnabled: false });
    await staff.goto(`${hub.base}/auth/sign-in`);
    await staff.fill("#f-email", "research@example.org");
    await staff.click("main button[type=submit]");
    const token = await signInTokenFor(dataDir, "research@example.org");
    await staff.goto(`${hub.base}/auth/verify?token=${token}`);
    await staff.click("main button[type=submit]");

    await staff.goto(`${hub.base}/dialogues/new`);
    await staff.fill("#f-title_en", "Care chains roundtable");
    await staff.check("input[name=chathamHouse]");
    await staff.click("button:has-text('Create the dialogue')");
    await expect.poll(() => staff.locator("h1").textContent()).toBe("Care chains roundtable");
    await staff.fill("#f-email", "invitee@example.org");
    await staff.click("button:has-text('Send invitation')");
    await expect.poll(() => staff.locator("main").textContent()).toContain("An invitation was emailed to invitee@example.org");

    const invitee = await (await browser.newContext({ locale: "en-GB", javaScriptEnabled: false })).newPage();
    await invitee.goto(`${hub.base}${await linkInMail(dataDir, "invitee@example.org", /\/dialogue-invite\/[\w-]+/)}`);
    expect(await invitee.locator("[data-chatham-house]").count()).toBe(1);
    await invitee.click("button:has-text('Join the dialogue')");
    await expect.poll(() => invitee.locator("h1").textContent()).toBe("Care chains roundtable");
    expect(await invitee.locator("main").textContent()).toContain("you are now a member");
    await invitee.fill("#f-title", "Seasonal visas");
    await invitee.fill("#f-body", "A **first** point.\n\n<script>document.title='owned'</script>");
    await invitee.click("button:has-text('Post')");
    await expect.poll(() => invitee.locator("h1").textContent()).toBe("Seasonal visas");
    expect(await invitee.locator("article strong").textContent()).toBe("first");
    expect(await invitee.locator("main script").count()).toBe(0);
    expect(await invitee.locator("article").textContent()).toContain("<script>");

    // The facilitator reads it without a name on it.
    await staff.goto(invitee.url());
    expect(await staff.locator("article [data-author]").textContent()).toBe("A participant");
    await invitee.screenshot({ path: path.join(dataDir, "thread.png"), fullPage: true });
  }, 90_000);
});
