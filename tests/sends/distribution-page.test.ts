import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { prisma } from "../../app/utils/db.server.ts";
import { deliverDue } from "../../emails/worker.ts";
import { focalPointOf, makePartner, makeUser } from "../factories.ts";
import { Client } from "../helpers/app.ts";
import { signInAs } from "../helpers/sign-in.ts";
import { startSmtpSink } from "../helpers/smtp-sink.ts";
import { makePublication } from "./publication-fixtures.ts";

// The staff page /publications/<id>/distribute as a browser without JavaScript uses it: plain form posts for
// preview, test and send; the send needs a preview of that very segment; only staff get the page.
let sink: Awaited<ReturnType<typeof startSmtpSink>>;
let staff: Client;
let staffEmail: string;
let partner: Client;
const people = { ngoFr: "", gov: "", subscriber: "partnerless-reader@example.org" };

const flat = (s?: string) => (s ?? "").replace(/\s/g, " ");
const mailTo = (to: string) => sink.received.filter((m) => m.to === to);
async function deliver() {
  while ((await deliverDue()).sent > 0);
}
/** The hidden fields and the Send button's proof, as a browser would resend them. */
const proofIn = (html: string) => /name="proof" value="([^"]+)"/.exec(html)?.[1];

beforeAll(async () => {
  sink = await startSmtpSink();
  const user = await makeUser({ role: "STAFF" });
  staffEmail = user.email;
  staff = await signInAs(new Client("203.0.113.31"), staffEmail);
  const ngoFr = await focalPointOf(await makePartner({ sector: "NGO", language: "fr" }));
  const gov = await focalPointOf(await makePartner({ sector: "GOVERNMENT", language: "en" }));
  Object.assign(people, { ngoFr: ngoFr.email, gov: gov.email });
  await prisma().subscriber.create({
    data: { email: people.subscriber, language: "EN", topics: ["CARE_WORK"], frequency: "WEEKLY", status: "CONFIRMED", confirmedAt: new Date(), consentSource: "web", consentWordingVersion: "test" },
  });
  partner = await signInAs(new Client("203.0.113.32"), gov.email);
  await deliver();
});
afterAll(() => sink.stop());
beforeEach(() => {
  sink.received.length = 0;
});

describe("the distribution page", () => {
  it("is linked from the publication and edit pages for staff, in English, French and Spanish", async () => {
    const p = await makePublication({ titles: { EN: "Linked brief" } });
    expect(await (await staff.get(`/publications/${p.id}`)).text()).toContain(`/publications/${p.id}/distribute`);
    expect(await (await staff.get(`/publications/${p.id}/edit`)).text()).toContain(`/publications/${p.id}/distribute`);
    expect(await (await partner.get(`/publications/${p.id}`)).text()).not.toContain("/distribute");
    for (const [lang, heading] of [["en", "Send to a segment"], ["fr", "Envoyer à un segment"], ["es", "Enviar a un segmento"]]) {
      const page = await staff.fetch(`/publications/${p.id}/distribute`, { headers: { "accept-language": lang } });
      expect(page.status).toBe(200);
      const html = await page.text();
      expect(html).toContain(heading);
      expect(html).toContain('name="sectors" value="NGO"');
      expect(html).toContain('name="includeSubscribers"');
    }
  });

  it("previews the count and the mail in a sandboxed frame; Send needs a preview of the same segment; then goes to /admin/sends", async () => {
    const p = await makePublication({ titles: { EN: "Page-sent brief <b>bold</b>", FR: "Note envoyée depuis la page" }, audience: "PARTNERS" });
    const segment = { sectors: "NGO", previewLang: "fr" };
    const preview = await staff.post(`/publications/${p.id}/distribute`, { ...segment, intent: "preview" });
    expect(preview.status).toBe(200);
    const html = await preview.text();
    expect(flat(html)).toContain("1 person would receive it.");
    const frame = /<iframe[^>]*>/i.exec(html)![0];
    expect(frame).toContain('sandbox=""');
    const src = /src="([^"]+)"/.exec(frame)![1].replace(/&amp;/g, "&");
    expect(src).toBe(`/publications/${p.id}/distribute/mail?lang=fr`);
    const mail = await staff.get(src);
    expect(mail.status).toBe(200);
    expect(mail.headers.get("content-security-policy")).toMatch(/^default-src 'none'; style-src 'unsafe-inline';.*frame-ancestors 'self';.*sandbox$/);
    const mailHtml = await mail.text();
    expect(mailHtml).toContain("Note envoyée depuis la page");
    expect(mailHtml).not.toContain("<b>bold</b>");
    expect((await partner.get(src)).status).toBe(403);
    expect((await new Client("203.0.113.34").get(src)).status).toBe(302);
    const proof = proofIn(html)!;
    expect(proof).toBeTruthy();

    // Send without a preview, or with the proof of another segment: refused, nothing sent.
    const noPreview = await staff.post(`/publications/${p.id}/distribute`, { ...segment, intent: "send" });
    expect(noPreview.status).toBe(400);
    const changed = await staff.post(`/publications/${p.id}/distribute`, { sectors: ["NGO", "GOVERNMENT"], intent: "send", proof });
    expect(changed.status).toBe(400);
    expect(await changed.text()).toContain("Preview this segment before sending");
    expect(await prisma().bulkSend.count({ where: { publicationId: p.id } })).toBe(0);

    const sent = await staff.post(`/publications/${p.id}/distribute`, { ...segment, intent: "send", proof });
    expect(sent.status).toBe(302);
    expect(sent.headers.get("location")).toBe("/admin/sends");
    await deliver();
    expect(sink.received.map((m) => m.to)).toEqual([people.ngoFr]);
    expect(flat(mailTo(people.ngoFr)[0].parsed.subject)).toBe("Nouveau sur GenMig Hub : Note envoyée depuis la page");
    const sends = await (await staff.get("/admin/sends")).text();
    const send = await prisma().bulkSend.findFirstOrThrow({ where: { publicationId: p.id } });
    expect(sends).toContain(`data-send="${send.id}"`);
    expect(send).toMatchObject({ total: 1, enqueued: 1, sent: 1 });
  });

  it("a partners-only item sent with subscribers included never reaches a plain subscriber", async () => {
    const p = await makePublication({ titles: { EN: "Partners-only, from the page" }, audience: "PARTNERS" });
    const segment = { includeSubscribers: "on", previewLang: "en" };
    const html = await (await staff.post(`/publications/${p.id}/distribute`, { ...segment, intent: "preview" })).text();
    const sent = await staff.post(`/publications/${p.id}/distribute`, { ...segment, intent: "send", proof: proofIn(html)! });
    expect(sent.status).toBe(302);
    await deliver();
    expect(mailTo(people.subscriber)).toEqual([]);
    expect(mailTo(people.gov)).toHaveLength(1);
  });

  it("sends a test to the staff member only, and limits how many", async () => {
    const p = await makePublication({ titles: { EN: "Test from the page" } });
    const tested = await staff.post(`/publications/${p.id}/distribute`, { previewLang: "en", intent: "test" });
    expect(tested.status).toBe(200);
    expect(await tested.text()).toContain(`A test was queued to ${staffEmail}`);
    await deliver();
    expect(sink.received.map((m) => m.to)).toEqual([staffEmail]);
    expect(sink.received[0].parsed.subject).toBe("[TEST] New from GenMig Hub: Test from the page");
    let last = tested;
    for (let i = 0; i < 10 && last.status !== 429; i++) last = await staff.post(`/publications/${p.id}/distribute`, { previewLang: "en", intent: "test" });
    expect(last.status).toBe(429);
    expect(await last.text()).toContain("Too many requests");
  });

  it("an unreleased item says so and cannot be sent; bad values come back as field messages", async () => {
    const p = await makePublication({ titles: { EN: "Still a draft" } });
    await prisma().publication.update({ where: { id: p.id }, data: { status: "DRAFT", publishedAt: null } });
    const page = await (await staff.get(`/publications/${p.id}/distribute`)).text();
    expect(page).toContain("This publication is not out yet");
    const preview = await (await staff.post(`/publications/${p.id}/distribute`, { intent: "preview" })).text();
    expect(preview).not.toContain('name="proof"');
    const send = await staff.post(`/publications/${p.id}/distribute`, { intent: "send", proof: "forged" });
    expect(send.status).toBe(400);
    const released = await makePublication({ titles: { EN: "Released" } });
    const bad = await staff.post(`/publications/${released.id}/distribute`, { intent: "preview", sectors: "ASTROLOGY", dialogueIds: "cnosuchdialogue0000000000" });
    expect(bad.status).toBe(400);
    const html = await bad.text();
    expect(html).toContain('id="f-sectors-error"');
    expect(html).toContain("Choose one of the listed sectors.");
    const badDialogue = await staff.post(`/publications/${released.id}/distribute`, { intent: "preview", dialogueIds: "cnosuchdialogue0000000000" });
    expect(badDialogue.status).toBe(400);
    expect(await badDialogue.text()).toContain("Choose dialogues from the list.");
    expect(await prisma().bulkSend.count({ where: { publicationId: { in: [p.id, released.id] } } })).toBe(0);
  });

  it("partners get 403, anonymous visitors the sign-in page, a missing id 404; a cross-origin post is refused", async () => {
    const p = await makePublication({ titles: { EN: "Guarded" } });
    expect((await partner.get(`/publications/${p.id}/distribute`)).status).toBe(403);
    expect((await partner.post(`/publications/${p.id}/distribute`, { intent: "send", proof: "x" })).status).toBe(403);
    const anon = await new Client("203.0.113.33").get(`/publications/${p.id}/distribute`);
    expect(anon.status).toBe(302);
    expect(anon.headers.get("location")).toContain("/auth/sign-in");
    expect((await staff.get(`/publications/cmissingpublication000000/distribute`)).status).toBe(404);
    const html = await (await staff.post(`/publications/${p.id}/distribute`, { intent: "preview" })).text();
    const forged = await staff.fetch(`/publications/${p.id}/distribute`, {
      method: "POST",
      body: new URLSearchParams({ intent: "send", proof: proofIn(html)! }),
      headers: { "content-type": "application/x-www-form-urlencoded", origin: "https://evil.example" },
    });
    expect(forged.status).toBe(403);
    expect(await prisma().bulkSend.count({ where: { publicationId: p.id } })).toBe(0);
  });

  it("the edit form notifies earlier recipients only when the box is ticked", async () => {
    const p = await makePublication({ titles: { EN: "Edited brief" } });
    const html = await (await staff.post(`/publications/${p.id}/distribute`, { sectors: "GOVERNMENT", intent: "preview" })).text();
    await staff.post(`/publications/${p.id}/distribute`, { sectors: "GOVERNMENT", intent: "send", proof: proofIn(html)! });
    await deliver();
    sink.received.length = 0;
    const edit = await (await staff.get(`/publications/${p.id}/edit`)).text();
    expect(edit).toContain('name="notifyEarlierRecipients"');
    const form = { type: "BRIEF", authors: "Team", title_en: "Edited brief", topics: "CARE_WORK", regions: "AFRICA", audience: "PUBLIC", licence: "CC BY 4.0" };
    expect((await staff.post(`/publications/${p.id}/edit`, form)).status).toBe(302);
    await deliver();
    expect(sink.received).toEqual([]);
    expect((await staff.post(`/publications/${p.id}/edit`, { ...form, title_en: "Edited brief, v2", notifyEarlierRecipients: "on" })).status).toBe(302);
    await deliver();
    expect(sink.received.map((m) => m.to)).toEqual([people.gov]);
    expect(sink.received[0].parsed.subject).toBe("Updated: Edited brief, v2");
  });
});
