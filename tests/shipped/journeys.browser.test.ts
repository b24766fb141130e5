import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { PDFDocument } from "pdf-lib";
import type { Page } from "playwright-core";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { sampleDocx, sampleOdt, samplePdf, sampleXlsx } from "../helpers/documents.ts";
import { linkInMail, mailMatch, mailSeen } from "../helpers/hub-process.ts";
import { follow, signIn, submit, useShippedBrowser } from "../helpers/shipped-browser.ts";

// What ships, tried as people would: build/server.js in production mode (`npm start`) on the database under test
// (embedded, or PostgreSQL when TEST_DATABASE_URL is set), driven by Chromium without JavaScript, so every form is
// the browser's own submission (urlencoded, or multipart for uploads). Every form action of the portal is submitted
// once with valid input and must show its result — never a 5xx, never the error page. SHOTS_DIR keeps screenshots.
// Journeys of many steps on a busy 2-core machine: each step waits for its condition, the journey as a whole may take a while.
vi.setConfig({ testTimeout: 180_000 });
const hub = useShippedBrowser();
const shots = process.env.SHOTS_DIR;
const shot = async (page: Page, name: string) => {
  if (shots) await page.screenshot({ path: path.join(shots, `${hub.database}-${name}.png`), fullPage: true });
};

const files = fs.mkdtempSync(path.join(os.tmpdir(), "genmig-uploads-"));
const fileOf = (name: string, bytes: Uint8Array) => {
  const file = path.join(files, name);
  fs.writeFileSync(file, bytes);
  return file;
};

const status = (page: Page) => page.locator("main [role=status]").first().textContent();
const alerts = (page: Page) => page.locator("main [role=alert]").allTextContents();

/** Signed-in windows, one sign-in per person (the sign-in limit allows three links per address in 15 minutes). */
const people = new Map<string, Promise<Page>>();
function as(email: string, locale = "en-GB") {
  if (!people.has(email)) people.set(email, hub.open(locale).then(async (page) => (await signIn(page, hub, email), page)));
  return people.get(email)!;
}

// What every journey must never meet, whatever it asserts itself.
afterEach(() => {
  const seen = hub.serverErrors.splice(0);
  expect(seen, `server errors answered to the browser\n${hub.log()}`).toEqual([]);
});

const SUBSCRIBER = "weekly-reader@example.org";
const WEBINAR_TITLE = "Remittances and gender: a new corridor survey";
let preferences = "";
let webinarId = "";

describe("a reader subscribes to the weekly digest", () => {
  it("subscribes, confirms from the mail and saves preferences", async () => {
    const page = await hub.open("en-GB");
    await page.goto(`${hub.base}/subscribe`);
    await page.fill("#f-email", SUBSCRIBER);
    await page.check("input[name=frequency][value=WEEKLY]");
    await page.check("input[name=topics] >> nth=0");
    await submit(page, hub, "main form button[type=submit]");
    expect(await status(page)).toContain(SUBSCRIBER);

    await page.goto(await linkInMail(hub.dataDir, SUBSCRIBER, /http:\/\/127\.0\.0\.1:\d+\/subscribe\/confirm\/[\w.%-]+/));
    await submit(page, hub, "main form button[type=submit]");
    expect(await status(page)).toBeTruthy();
    preferences = (await page.locator("main a[href^='/subscription/']").first().getAttribute("href"))!;
    await page.goto(hub.base + preferences);
    await page.check("input[name=topics] >> nth=1");
    await submit(page, hub, "main button[name=intent][value=save]");
    expect(await status(page)).toBe("Your preferences are saved.");
  });
});

describe("the research team schedules a webinar, then the weekly digest goes out", () => {
  it("schedules a public webinar, edits it, invites a guest and files it in a series", async () => {
    const page = await as("research@example.org");
    await page.goto(`${hub.base}/webinars/new`);
    await page.fill("#f-title_en", WEBINAR_TITLE);
    await page.fill("#f-startsAt", "2031-03-10T14:00");
    await page.fill("#f-endsAt", "2031-03-10T15:30");
    await page.selectOption("#f-timeZone", "Africa/Nairobi");
    await page.fill("#f-meetingUrl", "https://meet.example.org/remittances");
    await page.selectOption("#f-audience", "PUBLIC");
    await submit(page, hub, "main form button[type=submit] >> nth=-1");
    await page.waitForURL(/\/manage\?saved=scheduled/);
    expect(await status(page)).toMatch(/^The webinar is scheduled\./);
    webinarId = new URL(page.url()).pathname.split("/")[2];
    await shot(page, "webinar-manage");

    await page.goto(`${hub.base}/webinars/${webinarId}/edit`);
    await page.fill("#f-capacity", "120");
    await submit(page, hub, "main form button[type=submit] >> nth=-1");
    await page.waitForURL(/\/manage\?saved=updated/);
    expect(await status(page)).toBeTruthy();

    // an invited-only one, with people invited from its Manage page
    await page.goto(`${hub.base}/webinars/new`);
    await page.fill("#f-title_en", "Closed briefing on remittance costs");
    await page.fill("#f-startsAt", "2031-03-12T14:00");
    await page.fill("#f-endsAt", "2031-03-12T15:00");
    await page.selectOption("#f-timeZone", "Africa/Nairobi");
    await page.fill("#f-meetingUrl", "https://meet.example.org/closed");
    await page.selectOption("#f-audience", "INVITED");
    await submit(page, hub, "main form button[type=submit] >> nth=-1");
    await page.waitForURL(/\/manage\?saved=scheduled/);
    await page.fill("#f-emails", "guest-speaker@example.org");
    await submit(page, hub, "main form:has(input[name=intent][value=invite]):has(#f-emails) button[type=submit]");
    expect(await status(page)).toMatch(/invited/);
    expect(await page.locator("table.registrations").textContent()).toContain("guest-speaker@example.org");
    const closed = new URL(page.url()).pathname;
    await page.fill("#f-message_en", "The briefing room link follows the day before.");
    await submit(page, hub, "main button[name=intent][value=message]");
    expect(await status(page)).toBe("Message queued for 1 person.");
    await page.goto(`${hub.base}${closed}?confirm=cancel-webinar`);
    await submit(page, hub, "main button[name=intent][value=cancel-webinar]");
    expect(await status(page)).toBeTruthy();

    await page.goto(`${hub.base}/webinars/series`);
    await page.fill("#f-title", "Remittance corridors");
    await submit(page, hub, "main form:has(input[value=create]) button[type=submit]");
    expect(await status(page)).toBeTruthy();
    await page.selectOption("#f-webinarId", webinarId);
    await page.selectOption("#f-seriesId", { label: "Remittance corridors" });
    await submit(page, hub, "main form:has(input[value=assign]) button[type=submit]");
    expect(await status(page)).toBeTruthy();
    await page.fill("main form:has(input[value=update]) input[name=parityTarget] >> nth=0", "60");
    await submit(page, hub, "main form:has(input[value=update]) button[type=submit] >> nth=0");
    expect(await status(page)).toBeTruthy();
  });

  it("the weekly digest, sent from the command line, reaches the reader with the new webinar", async () => {
    expect(webinarId, "the webinar was scheduled").not.toBe("");
    const before = mailSeen(hub.dataDir);
    const out = await hub.cli("digest:send", "--frequency", "weekly");
    expect(out).toMatch(/digests queued/);
    const found = await mailMatch(hub.dataDir, SUBSCRIBER, new RegExp(WEBINAR_TITLE.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")), before);
    expect(found[0]).toBe(WEBINAR_TITLE);
  });
});

describe("the reader unsubscribes from the digest", () => {
  let unsubscribe = "";
  beforeAll(async () => {
    unsubscribe = (await mailMatch(hub.dataDir, SUBSCRIBER, /http:\/\/127\.0\.0\.1:\d+\/unsubscribe\/[\w.%-]+/))[0];
  });

  /**
   * The preference page says whether the reader is still subscribed. Asked to, it resubscribes as a reader must:
   * the page mails a confirmation link, and following it renews the preference link (the old one stops working).
   */
  async function subscribed(again = false) {
    const page = await hub.open("en-GB");
    await page.goto(hub.base + preferences);
    let active = (await page.locator("main button[name=intent][value=resubscribe]").count()) === 0;
    if (!active && again) {
      const before = mailSeen(hub.dataDir);
      await submit(page, hub, "main button[name=intent][value=resubscribe]");
      expect(await status(page)).toContain("confirmation link");
      await page.goto(await linkInMail(hub.dataDir, SUBSCRIBER, /http:\/\/127\.0\.0\.1:\d+\/subscribe\/confirm\/[\w.%-]+/, before));
      await submit(page, hub, "main form button[type=submit]");
      preferences = (await page.locator("main a[href^='/subscription/']").first().getAttribute("href"))!;
      await page.goto(hub.base + preferences);
      active = (await page.locator("main button[name=intent][value=resubscribe]").count()) === 0;
    }
    await page.context().close();
    return active;
  }

  /** Subscribes and confirms from the mail; the preference page's path. */
  async function newSubscriber(email: string) {
    const before = mailSeen(hub.dataDir);
    const page = await hub.open("en-GB");
    await page.goto(`${hub.base}/subscribe`);
    await page.fill("#f-email", email);
    await page.check("input[name=frequency][value=WEEKLY]");
    await page.check("input[name=topics] >> nth=0");
    await submit(page, hub, "main form button[type=submit]");
    await page.goto(await linkInMail(hub.dataDir, email, /http:\/\/127\.0\.0\.1:\d+\/subscribe\/confirm\/[\w.%-]+/, before));
    await submit(page, hub, "main form button[type=submit]");
    const path = (await page.locator("main a[href^='/subscription/']").first().getAttribute("href"))!;
    await page.context().close();
    return path;
  }

  it("from the link in the mail: the page asks, the button unsubscribes, the preference page offers to come back", async () => {
    const page = await hub.open("en-GB");
    await page.goto(unsubscribe);
    expect(await page.locator("main").textContent()).toContain(SUBSCRIBER);
    expect(await subscribed(), "opening the page alone unsubscribes nobody").toBe(true);
    await submit(page, hub, "main button.danger");
    expect(await status(page)).toBeTruthy();
    await shot(page, "unsubscribed");
    expect(await subscribed()).toBe(false);
    expect(await subscribed(true), "resubscribed from the preference page").toBe(true);
    // the preference page's own button
    await page.goto(hub.base + preferences);
    await submit(page, hub, "main button[name=intent][value=unsubscribe]");
    expect(await subscribed()).toBe(false);
  });

  it.each([
    ["urlencoded", () => ({ body: "List-Unsubscribe=One-Click", headers: { "content-type": "application/x-www-form-urlencoded" } })],
    [
      "multipart",
      () => {
        const form = new FormData();
        form.set("List-Unsubscribe", "One-Click");
        return { body: form, headers: {} };
      },
    ],
    ["empty", () => ({ body: "", headers: { "content-type": "application/x-www-form-urlencoded" } })],
  ] as const)("one-click POST (RFC 8058) as %s unsubscribes at once", async (kind, make) => {
    // A reader of their own each: confirmation mails to one address are limited to three an hour.
    preferences = await newSubscriber(`one-click-${kind}@example.org`);
    expect(await subscribed()).toBe(true);
    const { body, headers } = make();
    const response = await fetch(hub.base + preferences.replace("/subscription/", "/unsubscribe/"), { method: "POST", body, headers, redirect: "manual" });
    expect(response.status, hub.log()).toBe(200);
    expect(await subscribed()).toBe(false);
  });
});

describe("documents in a dialogue", () => {
  let dialogue = "";
  beforeAll(async () => {
    const page = await as("research@example.org");
    await page.goto(`${hub.base}/dialogues/new`);
    await page.fill("#f-title_en", "Care corridors working group");
    await submit(page, hub, "main form button[type=submit]");
    await page.waitForURL(/\/dialogues\/\w+$/);
    dialogue = new URL(page.url()).pathname;
  });

  async function upload(name: string, bytes: Uint8Array) {
    const page = await as("research@example.org");
    await page.goto(`${hub.base}${dialogue}/files`);
    await page.setInputFiles("#f-file", fileOf(name, bytes));
    await submit(page, hub, `main form[action$='/files/upload'] button[type=submit]`);
    return page;
  }

  it.each([
    ["brief.pdf", samplePdf()],
    ["minutes.docx", sampleDocx()],
    ["figures.xlsx", sampleXlsx()],
    ["notes.odt", sampleOdt()],
  ])("uploads %s and lists it", async (name, bytes) => {
    const page = await upload(name, bytes);
    expect(new URL(page.url()).searchParams.get("done")).toBe("uploaded");
    expect(await status(page)).toBeTruthy();
    expect(await page.locator("main table").textContent()).toContain(name);
  });

  it("a file over 25 MB is refused on the file field", async () => {
    const big = new Uint8Array(25 * 1024 * 1024 + 1024);
    big.set(samplePdf());
    const page = await upload("too-big.pdf", big);
    expect(await page.locator("#f-file-error").textContent()).toBe("The file is larger than 25 MB.");
  });

  it("a file of another type is refused on the file field, whatever its name", async () => {
    const page = await upload("script.pdf", new Uint8Array(Buffer.from("#!/bin/sh\necho not a document\n")));
    expect(await page.locator("#f-file-error").textContent()).toMatch(/^Only PDF, Word \(DOCX\)/);
    await shot(page, "upload-refused");
  });

  it("removes a document", async () => {
    const page = await upload("to-remove.pdf", samplePdf("to remove"));
    const row = page.locator("main table tr", { hasText: "to-remove.pdf" });
    await submit(page, hub, `main table tr:has-text("to-remove.pdf") form:has(input[name=intent][value=remove]) button[type=submit]`);
    expect(new URL(page.url()).searchParams.get("done")).toBe("removed");
    expect(await row.count()).toBe(0);
  });
});

describe("a publication and its PDF", () => {
  let id = "";
  beforeAll(async () => {
    const page = await as("research@example.org");
    await page.goto(`${hub.base}/publications/new`);
    await page.fill("#f-title_en", "Care corridors brief");
    await page.fill("#f-summary_en", "What corridors change for care workers.");
    await page.fill("#f-authors", "GenMig research team");
    await page.check("input[name=topics] >> nth=0");
    await submit(page, hub, "main form.publication-form button[type=submit]");
    await page.waitForURL(/\/edit$/);
    id = new URL(page.url()).pathname.split("/")[2];
  });

  it("saves an edit, publishes it and previews a distribution", async () => {
    const page = await as("research@example.org");
    await page.goto(`${hub.base}/publications/${id}/edit`);
    await page.fill("#f-citation", "GenMig (2026). Care corridors brief.");
    await submit(page, hub, "main form.publication-form button[type=submit]");
    expect(await alerts(page)).toEqual([]);
    await page.goto(`${hub.base}/publications/${id}`);
    expect(await page.locator("main").textContent()).toContain("GenMig (2026). Care corridors brief.");

    await submit(page, hub, "main button[name=intent][value=publish]");
    expect(await page.locator("main button[name=intent][value=withdraw]").count()).toBe(1);
    await page.goto(`${hub.base}/publications/${id}/distribute`);
    const seen = mailSeen(hub.dataDir);
    await submit(page, hub, "main button[name=intent][value=test]");
    expect(await status(page)).toContain("research@example.org");
    expect((await mailMatch(hub.dataDir, "research@example.org", /Care corridors brief/, seen))[0]).toBe("Care corridors brief");
    await submit(page, hub, "main button[name=intent][value=preview]");
    expect(await page.locator("iframe.mail-preview").count()).toBe(1);
    await page.click("main button[name=intent][value=send]");
    await page.waitForURL(/\/admin\/sends$/);
    expect(await page.locator("table.sends tbody tr").first().textContent()).toContain("Distribution");
  });

  it("withdraws it", async () => {
    const page = await as("research@example.org");
    await page.goto(`${hub.base}/publications/${id}`);
    await submit(page, hub, "main button[name=intent][value=withdraw]");
    expect(await page.locator("main button[name=intent][value=publish]").count()).toBe(1);
  });

  it("attaches a PDF from the edit page, and the file is served", async () => {
    const page = await as("research@example.org");
    await page.goto(`${hub.base}/publications/${id}/edit`);
    await page.setInputFiles("#pdf-en", fileOf("brief-en.pdf", samplePdf("Care corridors")));
    await submit(page, hub, "main form:has(#pdf-en) button[type=submit]");
    expect(new URL(page.url()).pathname).toBe(`/publications/${id}/edit`);
    expect(new URL(page.url()).searchParams.get("pdf_error")).toBeNull();
    await page.goto(`${hub.base}/publications/${id}`);
    const pdf = page.locator(`main a[href="/publications/${id}/en.pdf"]`);
    expect(await pdf.count(), "the PDF is offered on the publication's page").toBe(1);
    // Withdrawn above: a draft's file is the research team's, fetched with their cookies and marked for its reader
    // (ADR 0053): the uploaded page, with the reader named in the document's keywords.
    const served = await PDFDocument.load(await (await page.request.get(hub.base + (await pdf.getAttribute("href"))!)).body());
    expect(served.getPageCount()).toBe(1);
    expect(served.getKeywords()).toContain("research@example.org");
  });
});

describe("a dialogue's life", () => {
  it("creates, invites, the invitee joins and posts, replies and edits; sessions, notifications, invitations", async () => {
    const staff = await as("research@example.org");
    await staff.goto(`${hub.base}/dialogues/new`);
    await staff.fill("#f-title_en", "Seasonal visas roundtable");
    await submit(staff, hub, "main form button[type=submit]");
    await staff.waitForURL(/\/dialogues\/\w+$/);
    const dialogue = new URL(staff.url()).pathname;
    expect(await staff.locator("h1").textContent()).toBe("Seasonal visas roundtable");

    const seen = mailSeen(hub.dataDir);
    await staff.fill("#f-email", "roundtable-guest@example.org");
    await submit(staff, hub, "main form:has(input[name=intent][value=invite]):has(#f-email) button[type=submit]");
    expect(await staff.locator("main").textContent()).toContain("An invitation was emailed to roundtable-guest@example.org");
    // a second invitation, revoked again
    await staff.fill("#f-email", "changed-mind@example.org");
    await submit(staff, hub, "main form:has(input[name=intent][value=invite]):has(#f-email) button[type=submit]");
    // withdrawing it takes a step that says what happens, and ends with a notice
    await follow(staff, hub, "main li:has-text('changed-mind@example.org') a.danger-outline");
    expect(await staff.locator("main [data-confirm] h2").textContent()).toBe("Withdraw the invitation to changed-mind@example.org?");
    await submit(staff, hub, "main [data-confirm] button.danger");
    expect(await status(staff)).toBe("The invitation to changed-mind@example.org is withdrawn; its link no longer works.");
    expect(await staff.locator("main li:has(a[href*='confirm=revoke'])").allTextContents()).toEqual([expect.stringContaining("roundtable-guest@example.org")]);
    // an institution's people, invited at once
    await staff.selectOption("#f-partnerId", { index: 1 });
    await submit(staff, hub, "main form:has(input[value=invite-institution]) button[type=submit]");
    expect(await alerts(staff)).toEqual([]);

    const guest = await hub.open("en-GB");
    await guest.goto(`${hub.base}${await linkInMail(hub.dataDir, "roundtable-guest@example.org", /\/dialogue-invite\/[\w-]+/, seen)}`);
    await submit(guest, hub, "main form button[type=submit]");
    expect(await guest.locator("h1").textContent()).toBe("Seasonal visas roundtable");
    await guest.fill("#f-title", "Harvest season permits");
    await guest.fill("#f-body", "Permits end before the harvest does.");
    await submit(guest, hub, "main form:has(input[value=thread]) button[type=submit]");
    expect(await guest.locator("h1").textContent()).toBe("Harvest season permits");
    await guest.fill("#f-body", "A reply with **figures**.");
    await submit(guest, hub, "main form:has(#f-body) button[type=submit]");
    expect(await guest.locator("article strong").last().textContent()).toBe("figures");
    await guest.locator("article details[data-edit-post] summary").last().click();
    await guest.locator("article details[data-edit-post] textarea").last().fill("A reply with **corrected figures**.");
    await submit(guest, hub, "article details[data-edit-post] button[type=submit] >> nth=-1");
    expect(await guest.locator("article strong").last().textContent()).toBe("corrected figures");
    await guest.goto(hub.base + dialogue);
    await guest.check("#notify-WEEKLY");
    await submit(guest, hub, "#notifications button[type=submit]");
    expect(await alerts(guest)).toEqual([]);
    // the saved choice reads right: the filled radio sits on its own label's line (every page's radios are checked too)
    expect(await guest.locator("#notifications label:has(input:checked)").textContent()).toBe("Once a week, in a digest");

    await staff.goto(`${hub.base}${dialogue}/sessions/new`);
    await staff.fill("#f-title", "First session");
    await staff.fill("#f-startsAt", "2031-04-02T09:00");
    await staff.fill("#f-endsAt", "2031-04-02T10:30");
    await staff.selectOption("#f-timeZone", "Europe/Madrid");
    await staff.fill("#f-location", "Online");
    await submit(staff, hub, "main form button[type=submit]");
    await staff.waitForURL(/\/sessions\/\w+\?scheduled=1/);
    await submit(staff, hub, "main form:has(input[value=cancel]) button[type=submit]");
    expect(await alerts(staff)).toEqual([]);

    // the facilitator removes the guest; the guest no longer reads the dialogue
    await staff.goto(hub.base + dialogue);
    await follow(staff, hub, "main [data-members] a.danger-outline >> nth=-1");
    expect(await staff.locator("main [data-confirm] p").textContent()).toMatch(/will no longer see its threads/);
    await submit(staff, hub, "main [data-confirm] button.danger");
    expect(await alerts(staff)).toEqual([]);
    expect(await status(staff)).toMatch(/no longer belongs to this dialogue\.$/);
    const gone = await guest.goto(hub.base + dialogue);
    expect(gone!.status()).toBe(404);
  });

  it("a member leaves a dialogue", async () => {
    const staff = await as("research@example.org");
    await staff.goto(`${hub.base}/dialogues/new`);
    await staff.fill("#f-title_en", "Short-lived circle");
    await submit(staff, hub, "main form button[type=submit]");
    const dialogue = new URL(staff.url()).pathname;
    const seen = mailSeen(hub.dataDir);
    await staff.fill("#f-email", "leaver@example.org");
    await submit(staff, hub, "main form:has(input[name=intent][value=invite]):has(#f-email) button[type=submit]");
    const leaver = await hub.open("en-GB");
    await leaver.goto(`${hub.base}${await linkInMail(hub.dataDir, "leaver@example.org", /\/dialogue-invite\/[\w-]+/, seen)}`);
    await submit(leaver, hub, "main form button[type=submit]");
    // "Leave this dialogue" does not look like Save, asks first, and says afterwards that it happened
    await follow(leaver, hub, "main a.danger-outline:has-text('Leave this dialogue')");
    expect(await leaver.locator("main [data-confirm] h2").textContent()).toBe("Leave “Short-lived circle”?");
    await submit(leaver, hub, "main [data-confirm] button.danger");
    expect(new URL(leaver.url()).pathname).toBe("/dialogues");
    expect(await status(leaver)).toMatch(/^You have left the dialogue\./);
    expect((await leaver.goto(hub.base + dialogue))!.status()).toBe(404);
  });
});

describe("partners", () => {
  it("an institution registers; an administrator approves it", async () => {
    const visitor = await hub.open("en-GB");
    await visitor.goto(`${hub.base}/partners/register`);
    await visitor.fill("#f-name", "Coastal Migration Institute");
    await visitor.selectOption("#f-sector", "RESEARCH");
    await visitor.selectOption("#f-country", "GH");
    await visitor.fill("#f-focalPointName", "Kofi Mensah");
    await visitor.fill("#f-focalPointEmail", "kofi@coastal.example.org");
    await visitor.fill("#f-interests", "labour migration");
    await visitor.check("input[name=consent]");
    await submit(visitor, hub, "main form button[type=submit]");
    expect(await status(visitor)).toContain("Coastal Migration Institute");

    const admin = await as("admin@example.org");
    await admin.goto(`${hub.base}/admin`);
    await admin.click("main .cards li:has-text('Coastal Migration Institute') a");
    await submit(admin, hub, "main button[value=approve]");
    expect(await status(admin)).toMatch(/^Approved/);
    // and rejects the demo's pending one
    await admin.goto(`${hub.base}/admin`);
    await admin.click("main .cards li:has-text('Diaspora Skills Exchange') a");
    await admin.fill("#f-reason", "Outside the hub's remit.").catch(() => {});
    await submit(admin, hub, "main button[value=reject]");
    expect(await alerts(admin)).toEqual([]);
  });

  it("a focal point edits the details, invites a colleague who accepts, changes a role and removes a member", async () => {
    const focal = await as("focal@example.org", "fr-FR");
    await focal.goto(`${hub.base}/partners?q=Centre`);
    await focal.click("main .cards a >> nth=0");
    await focal.waitForURL(/\/partners\/\w+$/);
    const institution = focal.url();
    await focal.click("main a[href*='edit']");
    await focal.fill("#f-website", "https://cmgs.example.org");
    await submit(focal, hub, "main button[value=details]");
    expect(await status(focal)).toBe("Informations enregistrées.");

    const seen = mailSeen(hub.dataDir);
    await focal.fill("fieldset:has(button[value=invite]) #f-email", "new-colleague@example.org");
    await focal.fill("fieldset:has(button[value=invite]) #f-name", "Awa Ndiaye");
    await submit(focal, hub, "main button[value=invite]");
    expect(await alerts(focal)).toEqual([]);
    const colleague = await hub.open("fr-FR");
    await colleague.goto(await linkInMail(hub.dataDir, "new-colleague@example.org", /http:\/\/127\.0\.0\.1:\d+\/invite\/[\w-]+/, seen));
    await submit(colleague, hub, "main form button[type=submit]");
    expect(new URL(colleague.url()).searchParams.get("joined")).toBe("1");

    await focal.goto(institution);
    await submit(focal, hub, "table.members tr:has-text('new-colleague@example.org') button[value=role]");
    expect(await status(focal)).toMatch(/ est désormais point focal\.$/);
    await submit(focal, hub, "table.members tr:has-text('new-colleague@example.org') button[value=role]");
    expect(await status(focal)).toMatch(/ est désormais membre\.$/);
    await focal.click("table.members tr:has-text('new-colleague@example.org') a[href*='?remove=']");
    await submit(focal, hub, "main button[name=intent][value=remove]");
    expect(await focal.locator("table.members").textContent()).not.toContain("new-colleague@example.org");
  });
});

describe("a partner member's account, registrations and requests", () => {
  it("registers for a webinar in one click and cancels it", async () => {
    const member = await as("member@example.org");
    await member.goto(`${hub.base}/webinars/${webinarId}`);
    await member.selectOption("#f-timeZone", "Africa/Dakar").catch(() => {});
    await submit(member, hub, "form:has(input[value=register]) button[type=submit]");
    expect(await member.locator("#registration h2").textContent()).toBeTruthy();
    await member.goto(`${hub.base}/webinars/${webinarId}?cancel=1#registration`);
    await submit(member, hub, "#registration button.danger");
    expect(await status(member)).toBeTruthy();
  });

  it("answers and removes the statistics questions, opts into the digest, makes a calendar feed, revokes another session; staff make and revoke an API token", async () => {
    const member = await as("member@example.org");
    await member.goto(`${hub.base}/account`);
    await member.selectOption("#f-ageBand", { index: 2 });
    await submit(member, hub, "main button[value=save-demographics]");
    expect(await status(member)).toBeTruthy();
    await submit(member, hub, "main button[value=remove-demographics]");
    expect(await status(member)).toBeTruthy();
    await member.locator("main input[name=enabled]").check();
    await member.locator("main form:has(button[value=digest]) input[name=topics] >> nth=0").check();
    await submit(member, hub, "main button[value=digest]");
    expect(await alerts(member)).toEqual([]);
    expect(await status(member)).toBeTruthy();
    await submit(member, hub, "main button[value=calendar-feed]");
    expect(await member.locator("main pre").first().textContent()).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/calendar\//);
    // API tokens are the research team's
    const staff = await as("research@example.org");
    await staff.goto(`${hub.base}/account`);
    await staff.fill("#f-name", "Reporting script");
    await submit(staff, hub, "main button[value=create-token]");
    const token = (await staff.locator("main [role=status] pre").textContent())!;
    const me = await fetch(`${hub.base}/graphql`, { method: "POST", headers: { "content-type": "application/json", authorization: `Bearer ${token.trim()}` }, body: JSON.stringify({ query: "{ me { email } }" }) });
    expect(await me.text()).toContain("research@example.org");
    await submit(staff, hub, "main button[value=revoke-token]");
    expect(await status(staff)).toBeTruthy();

    // signed in on a second device too: the first one ends that session
    const phone = await hub.open("en-GB");
    await signIn(phone, hub, "member@example.org");
    await member.goto(`${hub.base}/account`);
    while (await member.locator("main button[value=revoke-session]").count()) {
      await submit(member, hub, "main button[value=revoke-session] >> nth=0");
      expect(await status(member)).toBeTruthy();
    }
    await phone.goto(`${hub.base}/account`);
    expect(new URL(phone.url()).pathname, "the ended session is signed out").toBe("/auth/sign-in");
  });

  it("asks for event support; the research team answers it", async () => {
    const focal = await as("focal@example.org", "fr-FR");
    await focal.goto(`${hub.base}/requests/new?type=event`);
    await focal.fill("#f-title", "Forum on care work");
    await focal.fill("#f-purpose", "Present our survey of domestic workers.");
    await focal.fill("#f-startsOn", "2031-06-10");
    await focal.fill("#f-audience", "Labour ministries");
    await focal.check("input[name=languages][value=fr]");
    await focal.check("input[name=supportKinds][value=SPEAKERS]");
    await submit(focal, hub, "main button[type=submit]");
    await focal.waitForURL(/\/requests\/\w+\?sent=1/);

    const staff = await as("research@example.org");
    await staff.goto(`${hub.base}/admin/requests?type=EVENT_SUPPORT`);
    await staff.click(`main a:has-text("Forum on care work")`);
    await staff.selectOption("#f-status", "ACCEPTED");
    await staff.fill("#f-reason", "Two researchers can speak.");
    await submit(staff, hub, "main form[method=post] button[type=submit]");
    expect(await status(staff)).toBeTruthy();
  });
});

describe("a visitor without an account", () => {
  it("registers for the webinar, confirms from the mail, sets a zone, asks for the link again and cancels", async () => {
    const visitor = await hub.open("en-GB");
    const email = "visitor@example.org";
    await visitor.goto(`${hub.base}/webinars/${webinarId}`);
    await visitor.fill("#f-email", email);
    await visitor.fill("#f-name", "Ana Visitor");
    await visitor.selectOption("#f-timeZone", "Europe/Berlin");
    await submit(visitor, hub, "form:has(input[value=register]) button[type=submit]");
    expect(await visitor.locator("#registration h2").textContent()).toBe("Check your email");

    await visitor.goto(await linkInMail(hub.dataDir, email, /http:\/\/127\.0\.0\.1:\d+\/r\/[\w.-]+\?confirm=1/));
    await submit(visitor, hub, "button[value=confirm]");
    expect(await visitor.locator("#registration h2").textContent()).toBe("You are registered");
    const manage = await linkInMail(hub.dataDir, email, /http:\/\/127\.0\.0\.1:\d+\/r\/[\w.-]+(?=[\s"<])(?!\?)/);
    await visitor.goto(manage);
    await visitor.selectOption(".zone-form select", "America/Bogota");
    await submit(visitor, hub, ".zone-form button[value=zone]");
    expect(await visitor.locator(".when").textContent()).toContain("Bogota");

    const seen = mailSeen(hub.dataDir);
    await visitor.goto(`${hub.base}/webinars/${webinarId}`);
    await visitor.fill("#f-resend-email", email);
    await submit(visitor, hub, "form.resend button[type=submit]");
    expect(await alerts(visitor)).toEqual([]);
    expect(await linkInMail(hub.dataDir, email, /http:\/\/127\.0\.0\.1:\d+\/r\/[\w.-]+/, seen)).toMatch(/\/r\//);
    await visitor.goto(`${manage}?cancel=1`);
    await submit(visitor, hub, "#registration button.danger");
    expect(await status(visitor)).toBe("Your registration is cancelled.");
  });

  it("switches the language from the header", async () => {
    const visitor = await hub.open("en-GB");
    await visitor.goto(`${hub.base}/webinars`);
    await submit(visitor, hub, "header .langs button[lang=es], header .langs button:has-text('ES')");
    expect(await visitor.locator("html").getAttribute("lang")).toBe("es");
  });
});

describe("administration", () => {
  it("grants statistics access, switches mail tracking, and signs out", async () => {
    const admin = await as("admin@example.org");
    await admin.goto(`${hub.base}/admin/statistics`);
    await admin.fill("#f-email", "research@example.org");
    await submit(admin, hub, "main button[value=grant]");
    expect(await status(admin)).toBe("Access given.");
    await admin.goto(`${hub.base}/admin/sends`);
    // turning counting on first says what changes for readers
    await follow(admin, hub, "main #tracking a.button");
    expect(await admin.locator("main [data-tracking-warning]").textContent()).toContain("The subscribe page stops promising");
    await submit(admin, hub, "main [data-tracking-warning] button.danger");
    expect(await status(admin)).toBe("Counting is now on for new sends.");
    await admin.goto(`${hub.base}/subscribe`);
    expect(await admin.locator("main #f-wording").textContent()).toMatch(/^We will email you .* Our newsletters count opens and clicks/);
    await shot(admin, "admin-sends");
    await submit(admin, hub, "header form[action='/auth/sign-out'] button[type=submit]");
    expect(new URL(admin.url()).pathname).toBe("/");
    await admin.goto(`${hub.base}/admin`);
    expect(new URL(admin.url()).pathname).toBe("/auth/sign-in");
  });
});
