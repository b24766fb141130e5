import { describe, expect, it } from "vitest";
import { prisma } from "../app/utils/db.server.ts";
import { deliverDue } from "../emails/worker.ts";
import { focalPointOf, makePartner, makeUser } from "./factories.ts";
import { Client } from "./helpers/app.ts";
import { signInAs } from "./helpers/sign-in.ts";

const registration = {
  name: "Red Andina de Movilidad",
  sector: "NGO",
  country: "PE",
  website: "https://red.example.org",
  focalPointName: "Rosa Quispe",
  focalPointEmail: "rosa@example.org",
  interests: "trata de personas, remesas",
  language: "es",
  publicListing: "on",
  consent: "on",
};

describe("pages (server-rendered, no JavaScript needed)", () => {
  it("registers an institution through the form", async () => {
    const browser = new Client("198.51.100.20", { "accept-language": "es-PE,es;q=0.9" });
    const form = await browser.get("/partners/register");
    const html = await form.text();
    expect(form.status).toBe(200);
    expect(html).toContain('<html lang="es"');
    expect(html).toContain("Registre su institución");
    expect(html).not.toContain("<script");
    const done = await browser.post("/partners/register", registration);
    expect(done.status).toBe(200);
    expect(await done.text()).toContain("pendiente de revisión");
    const partner = await prisma().partner.findFirstOrThrow({ where: { name: registration.name } });
    expect(partner).toMatchObject({ status: "PENDING", language: "ES", publicListing: true, interests: ["trata de personas", "remesas"] });
  });

  it("shows field messages in the reader's language, keeps the values and stores nothing", async () => {
    const browser = new Client("198.51.100.21", { "accept-language": "fr" });
    const before = await prisma().partner.count();
    const response = await browser.post("/partners/register", { ...registration, name: "Nouvelle", focalPointEmail: "pas-un-email", sector: "ARMY", consent: "" });
    expect(response.status).toBe(400);
    const html = await response.text();
    expect(html).toContain("Saisissez une adresse e-mail valide");
    expect(html).toContain("Choisissez l&#x27;un des secteurs proposés.");
    expect(html).toContain("Vous devez accepter la politique de confidentialité");
    expect(html).toContain('value="Nouvelle"');
    expect(html).toContain('aria-invalid="true"');
    expect(await prisma().partner.count()).toBe(before);
  });

  it("switches language on every page and remembers it in the profile when signed in", async () => {
    const user = await makeUser({ role: "STAFF" });
    const browser = await signInAs(new Client(), user.email);
    const switched = await browser.post("/lang", { lang: "fr", redirectTo: "/partners" });
    expect(switched.status).toBe(302);
    expect(switched.headers.get("location")).toBe("/partners");
    expect((await prisma().user.findUniqueOrThrow({ where: { id: user.id } })).language).toBe("FR");
    expect(await (await browser.get("/partners")).text()).toContain("Annuaire des partenaires");
    const evil = await browser.post("/lang", { lang: "es", redirectTo: "//evil.example" });
    expect(evil.headers.get("location")).toBe("/");
  });

  it("hides what the policy hides: 404 for invisible institutions, sign-in for private pages, 403 for staff-only", async () => {
    const hidden = await makePartner({ publicListing: false });
    const anonymous = new Client();
    expect((await anonymous.get(`/partners/${hidden.id}`)).status).toBe(404);
    expect((await anonymous.get("/partners/does-not-exist")).status).toBe(404);
    const toAccount = await anonymous.get("/account");
    expect(toAccount.status).toBe(302);
    expect(toAccount.headers.get("location")).toBe("/auth/sign-in?redirectTo=%2Faccount");
    const partner = await signInAs(new Client(), (await focalPointOf(await makePartner())).email);
    expect((await partner.get("/admin")).status).toBe(403);
    expect((await partner.get(`/partners/${hidden.id}`)).status).toBe(200);
    const staff = await signInAs(new Client(), (await makeUser({ role: "STAFF" })).email);
    expect((await staff.get("/admin")).status).toBe(200);
    expect((await staff.get("/admin/audit")).status).toBe(403);
    const admin = await signInAs(new Client(), (await makeUser({ role: "ADMIN" })).email);
    expect((await admin.get("/admin/audit")).status).toBe(200);
  });

  it("lets staff approve and reject from the institution page; a missing reason is a field error", async () => {
    const pending = await makePartner({ status: "PENDING" });
    const other = await makePartner({ status: "PENDING" });
    const staff = await signInAs(new Client(), (await makeUser({ role: "STAFF" })).email);
    const noReason = await staff.post(`/partners/${other.id}`, { intent: "reject", reason: " " });
    expect(noReason.status).toBe(400);
    expect(await noReason.text()).toContain("Give a reason for the rejection");
    expect((await staff.post(`/partners/${pending.id}`, { intent: "approve" })).status).toBe(200);
    expect((await staff.post(`/partners/${other.id}`, { intent: "reject", reason: "Duplicate of an existing partner" })).status).toBe(200);
    const statuses = await prisma().partner.findMany({ where: { id: { in: [pending.id, other.id] } }, orderBy: { status: "asc" } });
    expect(statuses.map((p) => p.status)).toEqual(["APPROVED", "REJECTED"]);
  });

  it("shows an API token once on the account page and lists devices", async () => {
    const staff = await makeUser({ role: "STAFF" });
    const browser = await signInAs(new Client(), staff.email);
    const created = await browser.post("/account", { intent: "create-token", name: "Nightly export" });
    const token = /<pre>(gmh_[\w-]+)<\/pre>/.exec(await created.text())?.[1];
    expect(token).toBeDefined();
    const page = await (await browser.get("/account")).text();
    expect(page).toContain("Nightly export");
    expect(page).not.toContain(token!);
    expect(page).toContain("this device");
  });

  it("lets admins read the file mailbox", async () => {
    const admin = await makeUser({ role: "ADMIN" });
    await makePartner({ status: "PENDING", name: "Mailbox Institute" });
    await deliverDue();
    const browser = await signInAs(new Client(), admin.email);
    const list = await (await browser.get("/admin/mail")).text();
    // every application receipt has the same fixed subject: the institution's name is only in the body
    const files = [...list.matchAll(/href="\/admin\/mail\/([^"]+)"[^>]*>We received your institution&#x27;s application/g)].map((m) => m[1]);
    const bodies = await Promise.all(files.map(async (f) => (await browser.get(`/admin/mail/${f}`)).text()));
    expect(bodies.some((b) => b.includes("Mailbox Institute"))).toBe(true);
    expect((await browser.get("/admin/mail/..%2Fsession-secret.eml")).status).toBe(404);
  });

  it("stays light: every main page is far under 100 KB", async () => {
    const browser = new Client();
    for (const path of ["/", "/partners", "/partners/register", "/auth/sign-in"]) {
      const body = await (await browser.get(path)).arrayBuffer();
      expect(body.byteLength, path).toBeLessThan(100 * 1024);
    }
  });

  it("answers /healthz when the database does", async () => {
    const response = await new Client().get("/healthz");
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: "ok" });
  });
});
