import { describe, expect, it } from "vitest";
import { trackingEnabled } from "../../app/services/sends/tracking.server.ts";
import { prisma } from "../../app/utils/db.server.ts";
import { makeUser } from "../factories.ts";
import { Client } from "../helpers/app.ts";
import { signInAs } from "../helpers/sign-in.ts";

// The subscribe page never promises "no tracking of opens" while opens are counted: its consent text and the
// version stored as evidence follow the switch on /admin/sends, and the administrator is told what changes first.
const wordingOf = (html: string) => /name="wording" value="([^"]+)"/.exec(html)?.[1];
const form = (email: string, wording: string) => ({ email, language: "en", topics: "CARE_WORK", frequency: "WEEKLY", wording });

describe("consent text follows open counting", () => {
  it("an administrator is warned before counting goes on; then the subscribe page says opens are counted, in every language", async () => {
    const reader = new Client("198.51.100.70");
    const before = await (await reader.get("/subscribe")).text();
    expect(before).toContain("no tracking of opens");
    expect(wordingOf(before)).toBe("2026-11-v1");

    // one confirmed subscriber agreed to the wording without counting
    expect((await reader.post("/subscribe", form("early@example.org", "2026-11-v1"))).status).toBe(200);
    await prisma().subscriber.update({ where: { email: "early@example.org" }, data: { status: "CONFIRMED", confirmedAt: new Date() } });

    const admin = await signInAs(new Client("198.51.100.71"), (await makeUser({ role: "ADMIN" })).email);
    const sends = await (await admin.get("/admin/sends")).text();
    expect(sends).toContain('href="/admin/sends?confirm=tracking#tracking"');
    // the switch's old one-click form no longer turns counting on: it leads to the warning
    const oneClick = await admin.post("/admin/sends", { tracking: "on" });
    expect(oneClick.status).toBe(302);
    expect(oneClick.headers.get("location")).toBe("/admin/sends?confirm=tracking#tracking");
    expect(await trackingEnabled()).toBe(false);
    const warning = await (await admin.get("/admin/sends?confirm=tracking")).text();
    expect(warning).toContain("Before you turn counting on");
    expect(warning).toContain("consent wording 2026-12-counted");
    expect(warning).toContain("1 confirmed subscriber agreed to the earlier wording");
    expect(await (await admin.post("/admin/sends?confirm=tracking", { tracking: "on", confirmed: "yes" })).text()).toContain("Counting is now on for new sends.");
    expect(await trackingEnabled()).toBe(true);

    const after = await (await reader.get("/subscribe")).text();
    expect(after).not.toContain("no tracking of opens");
    expect(after).toContain("Our newsletters count opens and clicks");
    expect(wordingOf(after)).toBe("2026-12-counted");
    expect(await (await new Client("198.51.100.72", { "accept-language": "fr" }).get("/subscribe")).text()).toContain("Nos lettres comptent les ouvertures et les clics");
    expect(await (await new Client("198.51.100.73", { "accept-language": "es" }).get("/subscribe")).text()).toContain("Nuestros boletines cuentan aperturas y clics");
  });

  it("a sign-up made on the page from before the change is refused and shown the new text; one on the new text keeps its version", async () => {
    expect(await trackingEnabled()).toBe(true);
    const reader = new Client("198.51.100.74");
    const stale = await reader.post("/subscribe", form("late@example.org", "2026-11-v1"));
    expect(stale.status).toBe(400);
    const html = await stale.text();
    expect(html).toContain("What you agree to has just changed");
    expect(html).toContain("Our newsletters count opens and clicks");
    expect(await prisma().subscriber.findUnique({ where: { email: "late@example.org" } })).toBeNull();

    expect((await reader.post("/subscribe", form("late@example.org", wordingOf(html)!))).status).toBe(200);
    expect((await prisma().subscriber.findUniqueOrThrow({ where: { email: "late@example.org" } })).consentWordingVersion).toBe("2026-12-counted");
  });
});
