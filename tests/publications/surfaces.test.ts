import { beforeAll, describe, expect, it } from "vitest";
import type { SignedInActor } from "../../app/services/policy.server.ts";
import { setPublicationPdf } from "../../app/services/publications/pdfs.server.ts";
import { createPublication, publishPublication } from "../../app/services/publications/publications.server.ts";
import { prisma } from "../../app/utils/db.server.ts";
import { joinDialogue, makeDialogue } from "../dialogues/factories.ts";
import { focalPointOf, makePartner, makeUser } from "../factories.ts";
import { Client } from "../helpers/app.ts";
import { samplePdf, upload } from "../helpers/documents.ts";
import { signInAs } from "../helpers/sign-in.ts";

// One rule, proven through every surface: the page, the list, GraphQL and the PDF download.
type Who = "anonymous" | "ngo" | "government" | "dialogueMember" | "staff";
let clients: Record<Who, Client>;
let staff: SignedInActor;
const ids: Record<string, string> = {};
const MISSING = "cmissingpublication000000";

const make = async (title: string, extra: Record<string, unknown> = {}, publish = true) => {
  const p = await createPublication(staff, { type: "BRIEF", authors: "R. Team", topics: ["LABOUR_MIGRATION"], translations: [{ language: "en", title, body: "**Key** finding." }], ...extra });
  await setPublicationPdf(staff, p.id, "en", upload(samplePdf(title), "brief.pdf", "application/pdf"));
  if (publish) await publishPublication(staff, p.id);
  return p.id;
};

beforeAll(async () => {
  staff = await makeUser({ role: "STAFF" });
  const ngo = await focalPointOf(await makePartner({ sector: "NGO" }));
  const government = await focalPointOf(await makePartner({ sector: "GOVERNMENT" }));
  const dialogue = await makeDialogue(staff);
  const member = await joinDialogue(dialogue.id, staff, "member-of-dialogue@example.org");
  ids.public = await make("Open brief on care work");
  ids.partners = await make("Partners-only brief on remittances", { audience: "PARTNERS" });
  ids.sectors = await make("Ministries brief on readmission", { audience: "SECTORS", audienceSectors: ["GOVERNMENT", "IGO"] });
  ids.dialogue = await make("Dialogue brief on corridors", { audience: "DIALOGUES", dialogueIds: [dialogue.id] });
  ids.draft = await make("Draft brief not yet out", {}, false);
  const embargoed = await make("Embargoed brief for next week", {}, false);
  await publishPublication(staff, embargoed, { at: new Date(Date.now() + 7 * 24 * 3600_000).toISOString() });
  ids.embargoed = embargoed;
  clients = {
    anonymous: new Client(),
    ngo: await signInAs(new Client(), ngo.email),
    government: await signInAs(new Client(), government.email),
    dialogueMember: await signInAs(new Client(), member.email),
    staff: await signInAs(new Client(), staff.email),
  };
});

const EXPECTED: Record<Who, string[]> = {
  anonymous: ["public"],
  ngo: ["public", "partners"],
  government: ["public", "partners", "sectors"],
  dialogueMember: ["public", "dialogue"],
  staff: ["public", "partners", "sectors", "dialogue", "draft", "embargoed"],
};
const ALL = ["public", "partners", "sectors", "dialogue", "draft", "embargoed"];
const WHO = Object.keys(EXPECTED) as Who[];

describe("the audience rule on every surface", () => {
  it.each(WHO)("%s: page, PDF and GraphQL item agree, and hidden ones look exactly like missing ones", async (who) => {
    const c = clients[who];
    const missingPage = await c.get(`/publications/${MISSING}`);
    expect(missingPage.status).toBe(404);
    const missingGql = await c.graphql(`query($id: ID!) { publication(id: $id) { id } }`, { id: MISSING });
    for (const name of ALL) {
      const allowed = EXPECTED[who].includes(name);
      const page = await c.get(`/publications/${ids[name]}`);
      expect(page.status, `${who} page ${name}`).toBe(allowed ? 200 : 404);
      const html = await page.text();
      if (allowed) expect(html).toContain("<strong>Key</strong> finding.");
      const pdf = await c.get(`/publications/${ids[name]}/en.pdf`);
      expect(pdf.status, `${who} pdf ${name}`).toBe(allowed ? 200 : 404);
      if (allowed) {
        expect(pdf.headers.get("content-type")).toBe("application/pdf");
        expect(Buffer.from(await pdf.arrayBuffer()).toString()).toContain("%PDF-");
      }
      const gql = await c.graphql<{ publication: { id: string } | null }>(`query($id: ID!) { publication(id: $id) { id } }`, { id: ids[name] });
      if (allowed) expect(gql.data?.publication?.id).toBe(ids[name]);
      else expect({ code: gql.errors?.[0]?.extensions?.code, message: gql.errors?.[0]?.message }).toEqual({
        code: missingGql.errors?.[0]?.extensions?.code,
        message: missingGql.errors?.[0]?.message,
      });
    }
    expect(missingGql.errors?.[0]?.extensions?.code).toBe("NOT_FOUND");
  });

  it.each(WHO)("%s: the list page and the GraphQL connection show exactly what the rule allows", async (who) => {
    const c = clients[who];
    const gql = await c.graphql<{ publications: { edges: { node: { id: string } }[]; totalCount: number } }>(
      `{ publications(first: 50, filter: { includeUnreleased: true }) { totalCount edges { node { id } } } }`,
    );
    const expected = EXPECTED[who].map((n) => ids[n]).sort();
    expect(gql.data!.publications.edges.map((e) => e.node.id).sort()).toEqual(expected);
    expect(gql.data!.publications.totalCount).toBe(expected.length);
    const html = await (await c.get("/publications")).text();
    for (const name of ALL) expect(html.includes(`/publications/${ids[name]}"`), `${who} list ${name}`).toBe(EXPECTED[who].includes(name));
  });
});

describe("embargo", () => {
  it("releases every language at its time with no job: moving publishedAt into the past is all it takes", async () => {
    expect((await clients.anonymous.get(`/publications/${ids.embargoed}`)).status).toBe(404);
    await prisma().publication.update({ where: { id: ids.embargoed }, data: { publishedAt: new Date(Date.now() - 1000) } });
    const fresh = new Client("203.0.113.50");
    expect((await fresh.get(`/publications/${ids.embargoed}?x=1`)).status).toBe(200);
    await prisma().publication.update({ where: { id: ids.embargoed }, data: { publishedAt: new Date(Date.now() + 3600_000) } });
  });
});

describe("staff-only writes", () => {
  const input = { type: "BRIEF", authors: "X", translations: [{ language: "EN", title: "Partner attempt" }] };
  it("refuses partners and anonymous callers on GraphQL and on the form; a cross-site form post is refused", async () => {
    const byPartner = await clients.ngo.graphql(`mutation($i: PublicationInput!) { createPublication(input: $i) { id } }`, { i: input });
    expect(byPartner.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
    const byAnon = await clients.anonymous.graphql(`mutation($i: PublicationInput!) { createPublication(input: $i) { id } }`, { i: input });
    expect(byAnon.errors?.[0]?.extensions?.code).toBe("UNAUTHENTICATED");
    const form = await clients.ngo.post("/publications/new", { type: "BRIEF", authors: "X", title_en: "Partner attempt" });
    expect(form.status).toBe(403);
    const crossSite = await clients.staff.fetch("/publications/new", {
      method: "POST",
      body: new URLSearchParams({ type: "BRIEF", authors: "X", title_en: "Forged" }),
      headers: { "content-type": "application/x-www-form-urlencoded", origin: "https://evil.example" },
    });
    expect(crossSite.status).toBe(403);
    expect(await prisma().publicationTranslation.count({ where: { title: { in: ["Partner attempt", "Forged"] } } })).toBe(0);
  });

  it("creates from the staff form and publishes from the page", async () => {
    const created = await clients.staff.post("/publications/new", {
      type: "CASE_STUDY", authors: "Staff Author", title_en: "Form-made case study", title_fr: "Étude faite au formulaire", body_fr: "Texte",
      topics: ["CARE_WORK", "REMITTANCES"], regions: ["AFRICA"], audience: "PUBLIC",
    });
    expect(created.status).toBe(302);
    const id = /\/publications\/(\w+)\/edit/.exec(created.headers.get("location")!)![1];
    expect((await clients.anonymous.get(`/publications/${id}`)).status).toBe(404);
    expect((await clients.staff.post(`/publications/${id}`, { intent: "publish", at: "" })).status).toBe(302);
    const page = await (await new Client("203.0.113.60").fetch(`/publications/${id}?lang=es`, { headers: { "accept-language": "es" } })).text();
    // No Spanish version: English shown, marked as such; the French version is offered.
    expect(page).toContain("Form-made case study");
    expect(page).toContain(`/publications/${id}?lang=fr`);
    expect(page).toMatch(/in English|en inglés/);
  });
});

describe("bad input is refused with field messages and changes nothing", () => {
  it("unknown topic, unsupported language, missing sectors: typed BAD_USER_INPUT", async () => {
    const before = await prisma().publication.count();
    const bad = await clients.staff.graphql(`mutation { createPublication(input: { type: BRIEF, authors: "A", topics: [ASTROLOGY], translations: [{ language: EN, title: "t" }] }) { id } }`);
    expect(bad.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
    const lang = await clients.staff.graphql(`mutation { createPublication(input: { type: BRIEF, authors: "A", translations: [{ language: DE, title: "t" }] }) { id } }`);
    expect(lang.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
    const sectors = await clients.staff.graphql(`mutation { createPublication(input: { type: BRIEF, authors: "A", audience: SECTORS, translations: [{ language: EN, title: "t" }] }) { id } }`);
    expect(sectors.errors?.[0]?.extensions).toMatchObject({ code: "BAD_USER_INPUT", fields: { audienceSectors: "sectors_required" } });
    const form = await clients.staff.post("/publications/new", { type: "BRIEF", authors: "A", title_en: "t", topics: "ASTROLOGY" });
    expect(form.status).toBe(400);
    expect(await form.text()).toContain("Choose topics from the list.");
    expect(await prisma().publication.count()).toBe(before);
  });

  it("a PDF upload that is not a PDF, or too large, is refused and the old PDF stays", async () => {
    const id = ids.public;
    const before = await prisma().publicationTranslation.findFirstOrThrow({ where: { publicationId: id, language: "EN" } });
    const send = (file: File, language = "en") => {
      const body = new FormData();
      body.set("language", language);
      body.set("pdf", file);
      return clients.staff.fetch(`/publications/${id}/upload`, { method: "POST", body });
    };
    const notPdf = await send(upload(new TextEncoder().encode("<html>not a pdf</html>"), "fake.pdf", "application/pdf"));
    expect(notPdf.status).toBe(303);
    expect(notPdf.headers.get("location")).toContain("pdf_error=pdf_not_pdf");
    const big = new Uint8Array(25 * 1024 * 1024 + 10);
    big.set(samplePdf());
    const tooBig = await send(upload(big, "big.pdf", "application/pdf"));
    // Within the upload path's body limit, so the document check refuses it and says why on the edit page.
    expect(tooBig.status).toBe(303);
    expect(tooBig.headers.get("location")).toContain("pdf_error=pdf_too_large");
    const noVersion = await send(upload(samplePdf(), "es.pdf", "application/pdf"), "es");
    expect(noVersion.headers.get("location")).toContain("pdf_error=pdf_without_version");
    const after = await prisma().publicationTranslation.findFirstOrThrow({ where: { publicationId: id, language: "EN" } });
    expect(after.pdfKey).toBe(before.pdfKey);
    expect((await clients.anonymous.get(`/publications/${id}/en.pdf`)).status).toBe(200);
    expect((await clients.anonymous.get(`/publications/${id}/de.pdf`)).status).toBe(404);
  });
});
