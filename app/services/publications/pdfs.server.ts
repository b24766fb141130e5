import { isLang, toDbLanguage, type Lang } from "../../i18n/index.ts";
import { prisma } from "../../utils/db.server.ts";
import { recordAudit } from "../audit.server.ts";
import { AppError, notFound } from "../errors.ts";
import { authorize, can, type Actor } from "../policy.server.ts";
import { fileStore, type FileStore } from "../storage/file-store.server.ts";
import { contentDisposition, fileResponse, MAX_UPLOAD_BYTES, storeUpload } from "../storage/uploads.server.ts";
import { markDraftPdf, needsDraftMark, type DraftReader } from "./draft-mark.server.ts";
import { getPublication } from "./publications.server.ts";

/** PDFs only, 25 MB at most (the upload paths' limit): a brief's PDF is a convenience next to its HTML. */
export const MAX_PDF_BYTES = MAX_UPLOAD_BYTES;
const MAX_PDF_MB = Math.round(MAX_PDF_BYTES / (1024 * 1024));

function language(value: unknown): Lang {
  if (!isLang(value)) throw new AppError("BAD_USER_INPUT", "invalid_input", { language: { key: "invalid_language" } });
  return value;
}

/** Whether `actor` may attach PDFs (page form or GraphQL upload): asked by the front door before it accepts an upload-sized body. */
export const mayAttachPublicationPdf = (actor: Actor) => can(actor, { do: "publication.manage" });

/**
 * Staff attach (or replace) one language version's PDF. The bytes must be a PDF (sniffed, not trusted from the
 * name); nothing is kept when anything fails, and a replaced file is deleted only after the new one is recorded.
 */
export async function setPublicationPdf(actor: Actor, id: string, lang: unknown, file: FormDataEntryValue | null, store: FileStore = fileStore()) {
  authorize(actor, { do: "publication.manage" });
  const l = language(lang);
  const version = await prisma().publicationTranslation.findUnique({
    where: { publicationId_language: { publicationId: id, language: toDbLanguage(l) } },
    select: { id: true, pdfKey: true },
  });
  if (!version) {
    if (!(await prisma().publication.findUnique({ where: { id }, select: { id: true } }))) throw notFound();
    throw new AppError("BAD_USER_INPUT", "invalid_input", { pdf: { key: "pdf_without_version" } });
  }
  const stored = await storeUpload(file, ["pdf"], { maxBytes: MAX_PDF_BYTES, store });
  if (!stored.ok) {
    const key = stored.error === "too_large" ? "pdf_too_large" : stored.error === "type" ? "pdf_not_pdf" : "required";
    throw new AppError("BAD_USER_INPUT", "invalid_input", { pdf: key === "pdf_too_large" ? { key, vars: { max: MAX_PDF_MB } } : { key } });
  }
  try {
    await prisma().$transaction(async (tx) => {
      await tx.publicationTranslation.update({ where: { id: version.id }, data: { pdfKey: stored.file.key, pdfSize: stored.file.size } });
      await recordAudit(tx, actor, "publication.pdfAttached", { type: "Publication", id }, { language: l, size: stored.file.size });
    });
  } catch (error) {
    await store.remove(stored.file.key);
    throw error;
  }
  if (version.pdfKey) await store.remove(version.pdfKey);
  return { size: stored.file.size };
}

export async function removePublicationPdf(actor: Actor, id: string, lang: unknown, store: FileStore = fileStore()) {
  authorize(actor, { do: "publication.manage" });
  const l = language(lang);
  const version = await prisma().publicationTranslation.findUnique({
    where: { publicationId_language: { publicationId: id, language: toDbLanguage(l) } },
    select: { id: true, pdfKey: true },
  });
  if (!version?.pdfKey) throw notFound();
  await prisma().$transaction(async (tx) => {
    await tx.publicationTranslation.update({ where: { id: version.id }, data: { pdfKey: null, pdfSize: null } });
    await recordAudit(tx, actor, "publication.pdfRemoved", { type: "Publication", id }, { language: l });
  });
  await store.remove(version.pdfKey);
}

const slug = (title: string) =>
  title
    .normalize("NFKD")
    .replace(/[^\x20-\x7e]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 60) || "publication";

/**
 * The download, after the same audience rule as the page: NOT_FOUND for a missing item, one not meant for this
 * actor, a draft, an embargoed one, a language without a PDF or an unknown language alike.
 */
export async function publicationPdfResponse(
  actor: Actor,
  id: string,
  lang: string,
  store: FileStore = fileStore(),
  /** The reader's language (profile, else cookie or browser), for the words of a draft mark. */
  readerLang: Lang = "en",
): Promise<Response> {
  if (!isLang(lang)) throw notFound();
  const p = await getPublication(actor, id);
  const version = p.translations.find((t) => t.language === toDbLanguage(lang));
  if (!version?.pdfKey) throw notFound();
  const displayName = `${slug(version.title)}-${lang}.pdf`;
  if (!needsDraftMark(p)) return fileResponse({ key: version.pdfKey, contentType: "application/pdf", displayName }, { store });
  // Only signed-in readers can see a restricted or unreleased item; an anonymous one here would be a policy gap.
  if (actor.kind !== "user") throw notFound();
  const bytes = await store.get(version.pdfKey);
  if (!bytes) throw notFound();
  const marked = await markForReader(new Uint8Array(bytes), readerOf(actor, readerLang));
  return new Response(chunked(marked), {
    headers: {
      "content-type": "application/pdf",
      "content-length": String(marked.byteLength),
      "content-disposition": contentDisposition(displayName, "attachment"),
      "x-content-type-options": "nosniff",
      "cache-control": "private, no-store",
      "content-security-policy": "default-src 'none'; sandbox",
    },
  });
}

/** Sent in slices as the client reads, rather than handed over as one body. */
function chunked(bytes: Uint8Array, size = 64 * 1024): ReadableStream<Uint8Array> {
  let offset = 0;
  return new ReadableStream({
    pull(controller) {
      if (offset >= bytes.byteLength) return controller.close();
      controller.enqueue(bytes.subarray(offset, offset + size));
      offset += size;
    },
  });
}

const readerOf = (actor: Extract<Actor, { kind: "user" }>, language: Lang): DraftReader => ({
  id: actor.id,
  name: actor.name,
  email: actor.email,
  institution: actor.memberships.find((m) => m.partnerStatus === "APPROVED")?.partnerName ?? actor.memberships[0]?.partnerName ?? null,
  language,
});

/** A restricted file that cannot be marked is refused, never served unmarked. */
async function markForReader(bytes: Uint8Array, reader: DraftReader): Promise<Uint8Array> {
  try {
    return await markDraftPdf(bytes, reader);
  } catch {
    throw new AppError("CONFLICT", "pdf_not_markable");
  }
}

