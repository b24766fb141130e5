import { beforeAll, describe, expect, it } from "vitest";
import { recordAudit } from "../app/services/audit.server.ts";
import { scheduleWebinar } from "../app/services/webinars.server.ts";
import { prisma } from "../app/utils/db.server.ts";
import { makeUser } from "./factories.ts";
import { Client } from "./helpers/app.ts";
import { signInAs } from "./helpers/sign-in.ts";

const HOUR = 3600_000;
const decode = (html: string) => html.replace(/&amp;/g, "&");
const nextLink = (html: string) => /<a rel="next"[^>]*href="([^"]+)"/.exec(decode(html))?.[1];
const prevLink = (html: string) => /<a rel="prev"[^>]*href="([^"]+)"/.exec(decode(html))?.[1];
const names = (html: string, prefix: string) => [...html.matchAll(new RegExp(`<strong>(${prefix}[^<]*)</strong>`, "g"))].map((m) => m[1]);

let staffEmail: string;
let adminEmail: string;

beforeAll(async () => {
  const staff = await makeUser({ role: "STAFF" });
  staffEmail = staff.email;
  adminEmail = (await makeUser({ role: "ADMIN" })).email;
  await prisma().partner.createMany({
    data: Array.from({ length: 30 }, (_, i) => ({
      name: `Paged Institute ${String(i).padStart(2, "0")}`,
      sector: "NGO" as const,
      country: "KE",
      focalPointName: "F",
      focalPointEmail: `paged-${i}@example.org`,
      consentAt: new Date(),
      status: i < 28 ? ("APPROVED" as const) : ("PENDING" as const),
      publicListing: true,
    })),
  });
});

describe("list pages paginate with plain links, in the reader's language", () => {
  it("/partners: 24 a page, Next and Previous carry the cursor and keep the search", async () => {
    const browser = new Client();
    const first = await (await browser.get("/partners?q=Paged")).text();
    expect(first).not.toContain("<script");
    expect(names(first, "Paged")).toHaveLength(24);
    expect(first).toContain("28 institutions");
    expect(prevLink(first)).toBeUndefined();
    const next = nextLink(first)!;
    expect(next).toMatch(/^\/partners\?q=Paged&after=[\w-]+$/);
    const second = await (await browser.get(next)).text();
    expect(names(second, "Paged")).toEqual(["Paged Institute 24", "Paged Institute 25", "Paged Institute 26", "Paged Institute 27"]);
    expect(nextLink(second)).toBeUndefined();
    const back = await (await browser.get(prevLink(second)!)).text();
    expect(names(back, "Paged")).toEqual(names(first, "Paged"));

    const staff = await signInAs(new Client(), staffEmail);
    const pending = await (await staff.get("/partners?q=Paged&status=PENDING")).text();
    expect(names(pending, "Paged")).toEqual(["Paged Institute 28", "Paged Institute 29"]);

    const french = new Client("203.0.113.40", { "accept-language": "fr" });
    expect(await (await french.get("/partners?q=Paged")).text()).toContain("Suivant");
    const spanish = new Client("203.0.113.41", { "accept-language": "es" });
    const es = await (await spanish.get(next)).text();
    expect(es).toContain("Anterior");
    expect(es).toContain("28 instituciones");
    expect((await browser.get("/partners?after=garbage")).status).toBe(404);
  });

  it("/webinars: upcoming and past tabs, each paged", async () => {
    const staff = await makeUser({ role: "STAFF" });
    const base = { timeZone: "UTC", meetingUrl: "https://meet.example.org/p" };
    for (let i = 0; i < 22; i++) {
      const start = new Date(Date.now() + (i + 1) * 24 * HOUR);
      await scheduleWebinar(staff, { ...base, translations: [{ language: "en", title: `Coming ${String(i).padStart(2, "0")}` }], startsAt: start, endsAt: new Date(start.getTime() + HOUR) });
    }
    const then = new Date(Date.now() - 48 * HOUR);
    await scheduleWebinar(staff, { ...base, translations: [{ language: "en", title: "Gone 00" }], startsAt: then, endsAt: new Date(then.getTime() + HOUR) });
    const browser = new Client();
    const upcoming = await (await browser.get("/webinars")).text();
    expect(names(upcoming, "Coming")).toHaveLength(20);
    expect(names(upcoming, "Gone")).toEqual([]);
    const more = await (await browser.get(nextLink(upcoming)!)).text();
    expect(names(more, "Coming")).toEqual(["Coming 20", "Coming 21"]);
    const past = await (await browser.get("/webinars?when=past")).text();
    expect(names(past, "Gone")).toEqual(["Gone 00"]);
    expect(names(past, "Coming")).toEqual([]);
    expect(past).toContain('aria-current="page"');
  });

  it("/admin/audit filters by action and by who did it, 50 a page", async () => {
    const actor = await makeUser({ role: "STAFF", email: "auditor@example.org" });
    for (let i = 0; i < 55; i++) await recordAudit(prisma(), actor, "paging.tested", { type: "Thing", id: `thing-${i}` });
    await recordAudit(prisma(), await makeUser({ role: "STAFF" }), "paging.other", { type: "Thing", id: "other" });
    const admin = await signInAs(new Client(), adminEmail);
    const byAction = await (await admin.get("/admin/audit?action=paging.tested")).text();
    expect(byAction.match(/<code>paging\.tested<\/code>/g)).toHaveLength(50);
    expect(byAction).not.toContain("<code>paging.other</code>");
    expect(byAction).toContain("55 in all");
    const rest = await (await admin.get(nextLink(byAction)!)).text();
    expect(rest.match(/<code>paging\.tested<\/code>/g)).toHaveLength(5);
    expect(nextLink(byAction)).toContain("action=paging.tested");
    const byActor = await (await admin.get("/admin/audit?actor=AUDITOR%40example.org")).text();
    expect(byActor).toContain("55 in all");
    expect(byActor).toContain('<option value="paging.other">');
    expect((await (await signInAs(new Client(), staffEmail)).get("/admin/audit")).status).toBe(403);
  });

  it("/admin/audit shows times in the zone the reader picked, and names UTC otherwise", async () => {
    await recordAudit(prisma(), await makeUser({ role: "STAFF" }), "zone.tested", { type: "Thing", id: "zoned" });
    const admin = await signInAs(new Client(), adminEmail);
    const utc = await (await admin.get("/admin/audit?action=zone.tested")).text();
    expect(utc).toMatch(/:\d{2}( [AP]M)? UTC</);
    admin.cookies.set("gmh_tz", "Asia%2FManila");
    const manila = await (await admin.get("/admin/audit?action=zone.tested")).text();
    expect(manila).toMatch(/:\d{2}( [AP]M)? GMT\+8</);
  });

  it("the staff registrations table pages by 50, filters by status, and saves attendance for the shown rows only", async () => {
    const staff = await makeUser({ role: "STAFF" });
    const start = new Date(Date.now() - 3 * HOUR);
    const w = await scheduleWebinar(staff, { timeZone: "UTC", meetingUrl: "https://meet.example.org/t", translations: [{ language: "en", title: "Crowded" }], startsAt: start, endsAt: new Date(start.getTime() + HOUR) });
    const at = (i: number) => new Date(Date.now() - (100 - i) * 60_000);
    await prisma().webinarRegistration.createMany({
      data: Array.from({ length: 60 }, (_, i) => ({ webinarId: w.id, email: `p${i}@example.org`, name: `Person ${String(i).padStart(2, "0")}`, status: i < 58 ? ("CONFIRMED" as const) : ("WAITLISTED" as const), createdAt: at(i), attended: i < 50 ? true : null })),
    });
    const browser = await signInAs(new Client(), staff.email);
    const first = await (await browser.get(`/webinars/${w.id}/manage`)).text();
    expect(first.match(/name="shown"/g)).toHaveLength(50);
    // A full page of 50 rows with all the staff tools stays light.
    expect(Buffer.byteLength(first)).toBeLessThan(100_000);
    expect(first).toMatch(/<dt>Confirmed<\/dt><dd><a[^>]*>58<\/a>/);
    expect(first).toMatch(/<dt>Waiting list<\/dt><dd><a[^>]*>2<\/a>/);
    const next = nextLink(first)!;
    expect(next).toMatch(/rafter=[\w-]+#registrations$/);
    const second = await (await browser.get(next)).text();
    const shown = [...second.matchAll(/name="shown" value="([^"]+)"/g)].map((m) => m[1]);
    expect(shown).toHaveLength(8);
    // Person 50 attended; nobody else on this page is ticked.
    const saved = await browser.post(next.replace(/#.*/, ""), { intent: "attendance", shown, attended: shown[0] });
    expect(saved.status).toBe(200);
    const attended = await prisma().webinarRegistration.count({ where: { webinarId: w.id, attended: true } });
    expect(attended).toBe(51);
    const waiting = await (await browser.get(`/webinars/${w.id}/manage?rstatus=WAITLISTED`)).text();
    expect(waiting).toContain("Person 58");
    expect(waiting).not.toContain("Person 00");
  });
});
