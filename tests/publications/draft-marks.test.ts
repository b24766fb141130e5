import { inflateSync } from "node:zlib";
import { PDFArray, PDFDict, PDFDocument, PDFHexString, PDFName, PDFRawStream, PDFStream, type PDFPage } from "pdf-lib";
import { beforeAll, describe, expect, it } from "vitest";
import type { SignedInActor } from "../../app/services/policy.server.ts";
import { setPublicationPdf } from "../../app/services/publications/pdfs.server.ts";
import { createPublication, publishPublication } from "../../app/services/publications/publications.server.ts";
import { prisma } from "../../app/utils/db.server.ts";
import { focalPointOf, makePartner, makeUser } from "../factories.ts";
import { Client } from "../helpers/app.ts";
import { upload } from "../helpers/documents.ts";
import { signInAs } from "../helpers/sign-in.ts";

// A restricted or unreleased brief's PDF carries its reader's name on every page and in its metadata.
let staff: SignedInActor;
let original: Uint8Array;
const ids: Record<string, string> = {};

async function threePagePdf() {
  const doc = await PDFDocument.create();
  for (let i = 1; i <= 3; i++) doc.addPage([595, 842]).drawText(`Finding ${i}`, { x: 50, y: 700 });
  return doc.save();
}

const make = async (title: string, extra: Record<string, unknown> = {}, publish = true) => {
  const p = await createPublication(staff, { type: "BRIEF", authors: "R. Team", topics: ["LABOUR_MIGRATION"], translations: [{ language: "en", title, body: "Text." }], ...extra });
  await setPublicationPdf(staff, p.id, "en", upload(original, "brief.pdf", "application/pdf"));
  if (publish) await publishPublication(staff, p.id);
  return p.id;
};

/** Text shown by Tj operators in the page's own content streams (hex strings, WinAnsi: ASCII plus "—" as 0x97). */
function shownText(page: PDFPage): string {
  const contents = page.node.get(PDFName.of("Contents"));
  const refs = contents instanceof PDFArray ? contents.asArray() : [contents];
  let out = "";
  for (const ref of refs) {
    const stream = page.doc.context.lookup(ref, PDFStream);
    const raw = stream instanceof PDFRawStream ? stream.contents : stream.getContents();
    const filtered = stream.dict.get(PDFName.of("Filter"));
    const text = Buffer.from(filtered ? inflateSync(raw) : raw).toString("latin1");
    for (const m of text.matchAll(/<([0-9A-Fa-f]*)>\s*Tj/g)) {
      out += Buffer.from(m[1], "hex").toString("latin1").replace(/\x97/g, "—") + "\n";
    }
  }
  return out;
}

const info = (doc: PDFDocument, key: string) => {
  const value = doc.context.lookup(doc.context.trailerInfo.Info, PDFDict).get(PDFName.of(key));
  return value instanceof PDFHexString ? value.decodeText() : undefined;
};

async function download(c: Client, id: string) {
  const res = await c.get(`/publications/${id}/en.pdf`);
  expect(res.status).toBe(200);
  expect(res.headers.get("content-type")).toBe("application/pdf");
  return new Uint8Array(await res.arrayBuffer());
}

let clients: Record<"ana" | "bruno" | "staff" | "anonymous", Client>;
let people: Record<"ana" | "bruno", SignedInActor>;

beforeAll(async () => {
  original = await threePagePdf();
  staff = await makeUser({ role: "STAFF", name: "Sara Staff" });
  const ana = await focalPointOf(await makePartner({ name: "Red Migrante", sector: "NGO", focalPointName: "Ana Ruiz" }));
  const bruno = await focalPointOf(await makePartner({ name: "Ministère des Migrations", sector: "GOVERNMENT", focalPointName: "Bruno Lefèvre" }));
  await prisma().user.update({ where: { id: ana.id }, data: { language: "ES" } });
  await prisma().user.update({ where: { id: bruno.id }, data: { language: "FR" } });
  people = { ana, bruno };
  ids.public = await make("Open brief");
  ids.partners = await make("Partners-only brief", { audience: "PARTNERS" });
  const embargoed = await make("Embargoed brief", {}, false);
  await publishPublication(staff, embargoed, { at: new Date(Date.now() + 7 * 24 * 3600_000).toISOString() });
  ids.embargoed = embargoed;
  clients = {
    ana: await signInAs(new Client(), ana.email),
    bruno: await signInAs(new Client(), bruno.email),
    staff: await signInAs(new Client(), staff.email),
    anonymous: new Client(),
  };
});

describe("draft marks", () => {
  it("marks a partners-only PDF for each partner who downloads it, on every page and in its metadata", async () => {
    const expected = {
      ana: { words: "Borrador — compartido con Ana Ruiz, Red Migrante,", tail: "— no citar", institution: "Red Migrante" },
      bruno: { words: "Version provisoire — communiquée à Bruno Lef", tail: "— ne pas citer", institution: "Ministère des Migrations" },
    };
    const copies: Uint8Array[] = [];
    for (const who of ["ana", "bruno"] as const) {
      const bytes = await download(clients[who], ids.partners);
      copies.push(bytes);
      const doc = await PDFDocument.load(bytes);
      expect(doc.getPageCount()).toBe(3);
      for (const page of doc.getPages()) {
        const text = shownText(page);
        expect(text).toContain(expected[who].words);
        expect(text).toContain(expected[who].tail);
        expect(text).toMatch(/\d{4} —/);
      }
      expect(info(doc, "SharedWithId")).toBe(people[who].id);
      expect(info(doc, "SharedWithEmail")).toBe(people[who].email);
      expect(info(doc, "SharedWithName")).toBe(people[who].name);
      expect(info(doc, "SharedWithInstitution")).toBe(expected[who].institution);
      expect(doc.getSubject()).toContain(expected[who].tail);
      expect(doc.getKeywords()).toContain(`reader:${people[who].id}`);
    }
    expect(Buffer.from(copies[0]).equals(Buffer.from(copies[1]))).toBe(false);
    // The other partner's name appears nowhere in a copy.
    const anaDoc = await PDFDocument.load(copies[0]);
    expect(anaDoc.getPages().map(shownText).join("")).not.toContain("Bruno");
  });

  it("serves a public, released PDF byte for byte as uploaded, to partners and anonymous readers alike", async () => {
    for (const who of ["anonymous", "ana", "staff"] as const) {
      const bytes = await download(clients[who], ids.public);
      expect(Buffer.from(bytes).equals(Buffer.from(original)), who).toBe(true);
    }
  });

  it("marks an embargoed PDF for the staff who can download it", async () => {
    const doc = await PDFDocument.load(await download(clients.staff, ids.embargoed));
    for (const page of doc.getPages()) expect(shownText(page)).toContain("Draft — shared with Sara Staff,");
    expect(info(doc, "SharedWithId")).toBe(staff.id);
    const partner = await clients.ana.get(`/publications/${ids.embargoed}/en.pdf`);
    expect(partner.status).toBe(404);
  });

  it("refuses, rather than serves unmarked, a restricted file it cannot mark", async () => {
    const p = await createPublication(staff, { type: "BRIEF", authors: "R. Team", topics: ["LABOUR_MIGRATION"], audience: "PARTNERS", translations: [{ language: "en", title: "Broken", body: "Text." }] });
    await setPublicationPdf(staff, p.id, "en", upload(new Uint8Array(Buffer.from("%PDF-1.4\n%%EOF\n")), "b.pdf", "application/pdf"));
    await publishPublication(staff, p.id);
    const res = await clients.ana.get(`/publications/${p.id}/en.pdf`);
    expect(res.status).toBe(404);
    expect(res.headers.get("content-type")).not.toBe("application/pdf");
  });
});
