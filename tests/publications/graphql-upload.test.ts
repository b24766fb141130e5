import fs from "node:fs";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { UPLOAD_BODY_LIMIT } from "../../app/http/limits.ts";
import { createApiToken } from "../../app/services/api-tokens.server.ts";
import type { SignedInActor } from "../../app/services/policy.server.ts";
import { createPublication, publishPublication } from "../../app/services/publications/publications.server.ts";
import { prisma } from "../../app/utils/db.server.ts";
import { env } from "../../app/utils/env.server.ts";
import { minimalPdf } from "../../prisma/demo-pdf.ts";
import { focalPointOf, makePartner, makeUser } from "../factories.ts";
import { Client } from "../helpers/app.ts";
import { upload } from "../helpers/documents.ts";
import { signInAs } from "../helpers/sign-in.ts";

// PDF upload over GraphQL (multipart request spec) through the same use case as the page, over the front door.
const MUTATION = `mutation($id: ID!, $language: Language!, $file: File!) {
  uploadPublicationPdf(id: $id, language: $language, file: $file) { id versions { language pdfUrl pdfSize } }
}`;
type Answer = { data?: { uploadPublicationPdf: { id: string; versions: { language: string; pdfUrl: string | null; pdfSize: number | null }[] } } | null; errors?: { message: string; extensions?: { code?: string; fields?: Record<string, string> } }[] };

let staff: SignedInActor;
let staffBrowser: Client;
let id: string;
beforeAll(async () => {
  staff = await makeUser({ role: "STAFF" });
  staffBrowser = await signInAs(new Client(), staff.email);
  const p = await createPublication(staff, { type: "BRIEF", authors: "R. Team", translations: [{ language: "en", title: "Uploadable brief" }, { language: "fr", title: "Note téléversable" }] });
  await publishPublication(staff, p.id);
  id = p.id;
});

function multipart(client: Client, file: File, opts: { language?: string; headers?: Record<string, string>; query?: string; csrfHeader?: boolean } = {}) {
  const form = new FormData();
  form.set("operations", JSON.stringify({ query: opts.query ?? MUTATION, variables: { id, language: opts.language ?? "EN", file: null } }));
  form.set("map", JSON.stringify({ 0: ["variables.file"] }));
  form.set("0", file);
  return client.fetch("/graphql", { method: "POST", body: form, headers: { ...(opts.csrfHeader === false ? {} : { "x-graphql-csrf": "1" }), accept: "application/graphql-response+json, application/json", ...opts.headers } });
}
const json = async (r: Response) => (await r.json()) as Answer;

/** Every file the store holds: "nothing is stored" means this does not grow. */
function storedFiles(dir = path.join(env().DATA_DIR, "files")): number {
  if (!fs.existsSync(dir)) return 0;
  return fs.readdirSync(dir, { withFileTypes: true }).reduce((n, e) => n + (e.isDirectory() ? storedFiles(path.join(dir, e.name)) : 1), 0);
}
const versionRow = (language: "EN" | "FR") => prisma().publicationTranslation.findFirstOrThrow({ where: { publicationId: id, language } });

describe("uploadPublicationPdf over HTTP", () => {
  it("staff upload a PDF; it then downloads at /publications/<id>/<lang>.pdf, for readers too", async () => {
    const pdf = minimalPdf("Uploaded over GraphQL", ["One page."]);
    const res = await multipart(staffBrowser, upload(pdf, "brief.pdf", "application/pdf"), { language: "FR" });
    expect(res.status).toBe(200);
    const body = await json(res);
    expect(body.errors).toBeUndefined();
    expect(body.data!.uploadPublicationPdf.versions.find((v) => v.language === "FR")).toEqual({ language: "FR", pdfUrl: `/publications/${id}/fr.pdf`, pdfSize: pdf.byteLength });
    const download = await new Client("203.0.113.70").get(`/publications/${id}/fr.pdf`);
    expect(download.status).toBe(200);
    expect(download.headers.get("content-type")).toBe("application/pdf");
    expect(Buffer.from(await download.arrayBuffer()).equals(Buffer.from(pdf))).toBe(true);
    // A script with a token needs no CSRF header (a page cannot attach a Bearer token cross-site).
    const { token } = await createApiToken(staff, { name: "uploads" });
    const script = new Client("203.0.113.71");
    const byToken = await multipart(script, upload(minimalPdf("Replaced"), "b.pdf"), { headers: { authorization: `Bearer ${token}` }, csrfHeader: false });
    expect((await json(byToken)).errors).toBeUndefined();
  });

  it("refuses a file that is not a PDF, one too large, and a language without a version, on the argument, storing nothing", async () => {
    await multipart(staffBrowser, upload(minimalPdf("Kept"), "kept.pdf"));
    const before = { en: await versionRow("EN"), files: storedFiles() };
    const notPdf = await json(await multipart(staffBrowser, upload(new TextEncoder().encode("<html>not a pdf</html>"), "fake.pdf", "application/pdf")));
    expect(notPdf.errors?.[0]).toMatchObject({ message: "The file must be a PDF.", extensions: { code: "BAD_USER_INPUT", fields: { file: "pdf_not_pdf" } } });
    // 25 MB and a few bytes: within the request limit, so the use case itself says what is wrong.
    const big = new Uint8Array(25 * 1024 * 1024 + 10);
    big.set(minimalPdf("Too big"));
    const tooBig = await json(await multipart(staffBrowser, upload(big, "big.pdf", "application/pdf")));
    expect(tooBig.errors?.[0]).toMatchObject({ message: "The PDF is too large (at most 25 MB).", extensions: { code: "BAD_USER_INPUT", fields: { file: "pdf_too_large" } } });
    // Larger than any upload may be: refused at the front door before a byte is parsed.
    const huge = await multipart(staffBrowser, upload(new Uint8Array(UPLOAD_BODY_LIMIT + 1), "huge.pdf", "application/pdf"));
    expect(huge.status).toBe(413);
    expect((await json(huge)).errors?.[0].extensions?.code).toBe("PAYLOAD_TOO_LARGE");
    const fr = await prisma().publication.create({ data: { type: "BRIEF", authors: "x", translations: { create: [{ language: "EN", title: "English only" }] } } });
    const form = new FormData();
    form.set("operations", JSON.stringify({ query: MUTATION, variables: { id: fr.id, language: "ES", file: null } }));
    form.set("map", JSON.stringify({ 0: ["variables.file"] }));
    form.set("0", upload(minimalPdf("Spanish"), "es.pdf"));
    const noVersion = await json(await staffBrowser.fetch("/graphql", { method: "POST", body: form, headers: { "x-graphql-csrf": "1" } }));
    expect(noVersion.errors?.[0].extensions).toMatchObject({ code: "BAD_USER_INPUT", fields: { language: "pdf_without_version" } });
    expect(await versionRow("EN")).toEqual(before.en);
    expect(storedFiles()).toBe(before.files);
  });

  it("keeps the small limit for JSON: a large JSON document is still refused", async () => {
    const res = await staffBrowser.fetch("/graphql", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ query: "{ __typename }", variables: { pad: "x".repeat(200 * 1024) } }) });
    expect(res.status).toBe(413);
  });

  it("is for staff only: a partner gets FORBIDDEN, an anonymous caller UNAUTHENTICATED, and nothing is stored", async () => {
    const before = { en: await versionRow("EN"), files: storedFiles() };
    const partner = await signInAs(new Client("203.0.113.72"), (await focalPointOf(await makePartner())).email);
    const byPartner = await json(await multipart(partner, upload(minimalPdf("Partner"), "p.pdf")));
    expect(byPartner.errors?.[0].extensions?.code).toBe("FORBIDDEN");
    const byVisitor = await json(await multipart(new Client("203.0.113.73"), upload(minimalPdf("Visitor"), "v.pdf")));
    expect(byVisitor.errors?.[0].extensions?.code).toBe("UNAUTHENTICATED");
    expect(await versionRow("EN")).toEqual(before.en);
    expect(storedFiles()).toBe(before.files);
  });

  it("an unsupported language is a validation error before anything runs", async () => {
    const files = storedFiles();
    const res = await multipart(staffBrowser, upload(minimalPdf("German"), "de.pdf"), { language: "DE" });
    expect(res.status).toBe(400);
    expect((await json(res)).errors?.[0].extensions?.code).toBe("BAD_USER_INPUT");
    expect(storedFiles()).toBe(files);
  });

  it("a multipart request with the session cookie needs the CSRF header and our origin", async () => {
    const before = { en: await versionRow("EN"), files: storedFiles() };
    const noHeader = await multipart(staffBrowser, upload(minimalPdf("Forged"), "f.pdf"), { csrfHeader: false });
    expect(noHeader.status).toBe(415);
    const foreign = await multipart(staffBrowser, upload(minimalPdf("Forged"), "f.pdf"), { headers: { origin: "https://evil.example" } });
    expect(foreign.status).toBe(403);
    expect((await json(foreign)).errors?.[0].extensions?.code).toBe("FORBIDDEN");
    expect(await versionRow("EN")).toEqual(before.en);
    expect(storedFiles()).toBe(before.files);
  });
});
