import { degrees, PDFDict, PDFDocument, PDFHexString, PDFName, rgb, StandardFonts, type PDFFont } from "pdf-lib";
import { isLang, type Lang } from "../../i18n/index.ts";
import { isReleased, type PublicationGate } from "./audience.ts";

/**
 * Restricted drafts marked for their reader (docs/decisions/0053-draft-marks.md): a PDF that is not for everyone
 * is served with the reader's name on every page and in its metadata, so a leaked copy says whose it was.
 */

/** Who a marked copy is for. */
export interface DraftReader {
  id: string;
  name: string;
  email: string;
  institution: string | null;
  language: Lang;
}

/** Public and released: served as uploaded. Anything else (restricted audience, draft, embargo) is marked. */
export const needsDraftMark = (p: Pick<PublicationGate, "status" | "publishedAt" | "audience">, now: Date = new Date()) =>
  p.audience !== "PUBLIC" || !isReleased(p, now);

const WORDS: Record<Lang, { draft: string; notForCitation: string }> = {
  en: { draft: "Draft — shared with", notForCitation: "not for citation" },
  fr: { draft: "Version provisoire — communiquée à", notForCitation: "ne pas citer" },
  es: { draft: "Borrador — compartido con", notForCitation: "no citar" },
};

/** The visible line, e.g. "Draft — shared with Ana Ruiz, Red Migrante, 8 December 2026 — not for citation". */
export function draftMarkText(reader: DraftReader, at: Date): string {
  const lang = isLang(reader.language) ? reader.language : "en";
  const date = new Intl.DateTimeFormat(lang, { day: "numeric", month: "long", year: "numeric", timeZone: "UTC" }).format(at);
  const who = [reader.name, reader.institution, date].filter(Boolean).join(", ");
  return `${WORDS[lang].draft} ${who} — ${WORDS[lang].notForCitation}`;
}

/**
 * The standard fonts only know WinAnsi: letters outside it (e.g. "ł", "Ş", CJK) would make pdf-lib throw, so they
 * fall back to their unaccented form or "?" on the page. The metadata keeps the exact name (Unicode strings).
 */
function drawable(text: string, font: PDFFont): string {
  const known = new Set(font.getCharacterSet());
  return [...text]
    .map((ch) => {
      if (known.has(ch.codePointAt(0)!)) return ch;
      const plain = ch.normalize("NFKD").replace(/[\u0300-\u036f]/g, "");
      return plain && [...plain].every((c) => known.has(c.codePointAt(0)!)) ? plain : "?";
    })
    .join("");
}

/**
 * Marks a copy in memory for one reader: a diagonal watermark and a footer line on every page, and the reader's
 * identity in the document information dictionary. Throws when the bytes are not a PDF it can read; callers
 * must then refuse rather than serve an unmarked copy.
 */
export async function markDraftPdf(bytes: Uint8Array, reader: DraftReader, at: Date = new Date()): Promise<Uint8Array> {
  const doc = await PDFDocument.load(bytes, { ignoreEncryption: false, updateMetadata: false });
  const text = draftMarkText(reader, at);
  const font = await doc.embedFont(StandardFonts.Helvetica);
  const line = drawable(text, font);
  for (const page of doc.getPages()) {
    const { width, height } = page.getSize();
    const footerSize = Math.max(6, Math.min(9, (width - 40) / font.widthOfTextAtSize(line, 1)));
    page.drawText(line, { x: 20, y: 12, size: footerSize, font, color: rgb(0.55, 0.1, 0.1) });
    const diagonal = Math.hypot(width, height);
    const size = Math.max(8, Math.min(28, (diagonal * 0.8) / font.widthOfTextAtSize(line, 1)));
    const angle = Math.atan2(height, width);
    const w = font.widthOfTextAtSize(line, size);
    page.drawText(line, {
      x: width / 2 - (Math.cos(angle) * w) / 2,
      y: height / 2 - (Math.sin(angle) * w) / 2,
      size,
      font,
      color: rgb(0.6, 0.1, 0.1),
      opacity: 0.25,
      rotate: degrees((angle * 180) / Math.PI),
    });
  }
  doc.setSubject(text);
  doc.setKeywords([`reader:${reader.id}`, reader.email]);
  doc.setModificationDate(at);
  const info = doc.context.lookup(doc.context.trailerInfo.Info, PDFDict);
  const put = (key: string, value: string | null) => {
    if (value) info.set(PDFName.of(key), PDFHexString.fromText(value));
  };
  put("SharedWithId", reader.id);
  put("SharedWithName", reader.name);
  put("SharedWithEmail", reader.email);
  put("SharedWithInstitution", reader.institution);
  put("SharedAt", at.toISOString());
  return doc.save({ useObjectStreams: false });
}
