import { describe, expect, it } from "vitest";
import { registerPartner } from "../app/services/partners.server.ts";
import { ANONYMOUS } from "../app/services/policy.server.ts";
import { scheduleWebinar } from "../app/services/webinars.server.ts";
import { prisma } from "../app/utils/db.server.ts";
import { addMember, focalPointOf, makePartner, makeUser } from "./factories.ts";
import { Client } from "./helpers/app.ts";
import { signInAs } from "./helpers/sign-in.ts";

const decode = (html: string) => html.replace(/&amp;/g, "&").replace(/&#x27;|&#39;/g, "'").replace(/&quot;/g, '"').replace(/&lt;/g, "<").replace(/&gt;/g, ">");
const text = async (r: Response) => decode(await r.text());

describe("reviewing applications", () => {
  it("shows every answer and warns of likely duplicates (same or similar name in the same country)", async () => {
    const existing = await makePartner({ name: "Instituto de Migración Andina", country: "PE" });
    const app = await registerPartner(ANONYMOUS, {
      name: "Instituto de Migracion  Andina.",
      sector: "NGO",
      country: "PE",
      website: "https://ima.example.org",
      focalPointName: "Rosa Quispe",
      focalPointEmail: "rosa@example.org",
      interests: ["care work", "remittances"],
      language: "es",
      publicListing: false,
      consent: true,
    });
    const unrelated = await makePartner({ name: "Instituto de Migración Andina", country: "BO", status: "PENDING" });
    const staff = await signInAs(new Client(), (await makeUser({ role: "STAFF" })).email);
    const page = await text(await staff.get(`/partners/${app.id}`));
    for (const answer of ["https://ima.example.org", "Rosa Quispe", "rosa@example.org", "care work, remittances", "Spanish", "Privacy notice accepted"]) expect(page).toContain(answer);
    expect(page).toContain("Possible duplicate");
    expect(page).toContain(`href="/partners/${existing.id}"`);
    expect(page).not.toContain(`href="/partners/${unrelated.id}"`);
    const admin = await text(await staff.get("/admin"));
    expect(admin).toContain("Possible duplicates: 1");
    // A distinct name in the same country is not flagged.
    const other = await makePartner({ name: "Red de Salud Comunitaria", country: "PE", status: "PENDING" });
    expect(await text(await staff.get(`/partners/${other.id}`))).not.toContain("Possible duplicate");
    // Only the team sees the warning.
    const focal = await signInAs(new Client(), "rosa@example.org");
    expect(await text(await focal.get(`/partners/${app.id}`))).not.toContain("Possible duplicate");
  });
});

describe("the audit log", () => {
  it("reads as names and sentences, not ids and JSON, and keeps its filters", async () => {
    const adminUser = await makeUser({ role: "ADMIN", name: "Ada Admin" });
    const partner = await makePartner({ name: "Observatorio Sur", decidedBy: await (async () => (await import("./factories.ts")).actorOf(adminUser.id))() });
    const focal = await focalPointOf(partner);
    const member = await addMember(partner.id, focal, "removable@example.org");
    const browser = await signInAs(new Client(), focal.email);
    await browser.post(`/partners/${partner.id}`, { intent: "remove", userId: member.id, confirmed: "yes" });
    const w = await scheduleWebinar(adminUser as never, { timeZone: "UTC", meetingUrl: "https://meet.example.org/a", translations: [{ language: "en", title: "Readable audit" }], startsAt: new Date(Date.now() + 86400_000), endsAt: new Date(Date.now() + 90000_000) });
    const admin = await signInAs(new Client(), adminUser.email);
    const page = await text(await admin.get("/admin/audit"));
    expect(page).toContain("approved the institution");
    expect(page).toContain(`<a href="/partners/${partner.id}">Observatorio Sur</a>`);
    expect(page).toContain("removed a person");
    expect(page).toMatch(/person(<!-- -->)?: (<!-- -->)?[^<]*<removable@example\.org>/);
    expect(page).toContain(`<a href="/webinars/${w.id}/manage">Readable audit</a>`);
    expect(page).not.toContain(`Partner ${partner.id}`);
    expect(page).not.toMatch(/\{"/);
    const filtered = (await text(await admin.get("/admin/audit?action=partner.memberRemoved"))).split("<tbody>")[1];
    expect(filtered).toContain("removed a person");
    expect(filtered).not.toContain("approved the institution");
    const fr = new Client();
    fr.cookies.set("gmh_lang", "fr");
    await signInAs(fr, adminUser.email);
    expect(await text(await fr.get("/admin/audit"))).toContain("a approuvé l'institution");
  });
});

describe("focal points", () => {
  it("edit their institution's details (audited), make a member a focal point, keep the last one, and confirm removals", async () => {
    const partner = await makePartner({ name: "Centro Frontera", country: "MX" });
    const focal = await focalPointOf(partner);
    const member = await addMember(partner.id, focal, "luis@example.org");
    const browser = await signInAs(new Client(), focal.email);
    const form = await text(await browser.get(`/partners/${partner.id}?edit=details`));
    expect(form).toContain('name="focalPointEmail"');
    const bad = await browser.post(`/partners/${partner.id}`, { intent: "details", sector: "NGO", focalPointName: "Ana", focalPointEmail: "not-an-email", language: "es" });
    expect(bad.status).toBe(400);
    const saved = await text(await browser.post(`/partners/${partner.id}`, { intent: "details", sector: "NGO", website: "https://frontera.example.org", focalPointName: "Ana Ruiz", focalPointEmail: "contacto@example.org", interests: "border, care", language: "es", publicListing: "on" }));
    expect(saved).toContain("Details saved.");
    const row = await prisma().partner.findUniqueOrThrow({ where: { id: partner.id } });
    expect([row.sector, row.website, row.focalPointEmail, row.interests, row.language, row.name]).toEqual(["NGO", "https://frontera.example.org", "contacto@example.org", ["border", "care"], "ES", "Centro Frontera"]);
    const audit = await prisma().auditEntry.findFirstOrThrow({ where: { action: "partner.detailsUpdated", targetId: partner.id } });
    expect(audit.actorId).toBe(focal.id);
    expect((audit.data as { changed: string[] }).changed).toEqual(expect.arrayContaining(["sector", "website", "focalPointEmail"]));
    // A member cannot edit.
    const memberBrowser = await signInAs(new Client(), "luis@example.org");
    expect((await memberBrowser.post(`/partners/${partner.id}`, { intent: "details", sector: "IGO", focalPointName: "X", focalPointEmail: "x@example.org", language: "en" })).status).toBe(403);

    const promoted = await text(await browser.post(`/partners/${partner.id}`, { intent: "role", userId: member.id, role: "FOCAL_POINT" }));
    expect(promoted).toMatch(/is now a focal point/);
    expect(await prisma().auditEntry.count({ where: { action: "partner.memberRoleChanged", targetId: partner.id } })).toBe(1);
    // Two focal points: one may step down; then the last may not.
    expect((await browser.post(`/partners/${partner.id}`, { intent: "role", userId: focal.id, role: "MEMBER" })).status).toBe(200);
    const last = await memberBrowser.post(`/partners/${partner.id}`, { intent: "role", userId: member.id, role: "MEMBER" });
    expect(last.status).toBe(409);
    expect(await text(last)).toContain("at least one focal point");

    // Removing asks first: a link to a confirmation page, then the POST that carries the confirmation.
    const list = await text(await memberBrowser.get(`/partners/${partner.id}`));
    expect(list).toContain(`href="/partners/${partner.id}?remove=${focal.id}"`);
    expect(list).toContain('<th scope="col">Role</th>');
    const ask = await text(await memberBrowser.get(`/partners/${partner.id}?remove=${focal.id}`));
    expect(ask).toContain(`Remove ${focal.name} from Centro Frontera?`);
    expect((await memberBrowser.post(`/partners/${partner.id}`, { intent: "remove", userId: focal.id })).status).toBe(400);
    expect(await prisma().membership.count({ where: { partnerId: partner.id } })).toBe(2);
    expect(await text(await memberBrowser.post(`/partners/${partner.id}`, { intent: "remove", userId: focal.id, confirmed: "yes" }))).toContain(`${focal.name} was removed.`);
    expect(await prisma().membership.count({ where: { partnerId: partner.id } })).toBe(1);
  });
});
