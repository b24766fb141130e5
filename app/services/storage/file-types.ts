/** The document kinds the hub accepts, recognised by their bytes (a file name or a browser's type proves nothing). */
export type FileKind = "pdf" | "docx" | "xlsx" | "odt";

export const FILE_KINDS: Record<FileKind, { contentType: string; extension: string }> = {
  pdf: { contentType: "application/pdf", extension: "pdf" },
  docx: { contentType: "application/vnd.openxmlformats-officedocument.wordprocessingml.document", extension: "docx" },
  xlsx: { contentType: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", extension: "xlsx" },
  odt: { contentType: "application/vnd.oasis.opendocument.text", extension: "odt" },
};

const ascii = (bytes: Uint8Array, start: number, length: number) =>
  String.fromCharCode(...bytes.subarray(start, Math.min(bytes.length, start + Math.min(length, 4096))));

function startsWith(bytes: Uint8Array, signature: number[]) {
  return signature.every((b, i) => bytes[i] === b);
}

/** Entries of a ZIP archive, read from its local headers (enough to tell OOXML and ODF apart). */
function zipEntries(bytes: Uint8Array, max = 200): { name: string; dataOffset: number; size: number }[] {
  const entries: { name: string; dataOffset: number; size: number }[] = [];
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let offset = 0;
  while (entries.length < max && offset + 30 <= bytes.length && view.getUint32(offset, true) === 0x04034b50) {
    const flags = view.getUint16(offset + 6, true);
    const compressed = view.getUint32(offset + 18, true);
    const nameLength = view.getUint16(offset + 26, true);
    const extraLength = view.getUint16(offset + 28, true);
    const dataOffset = offset + 30 + nameLength + extraLength;
    entries.push({ name: ascii(bytes, offset + 30, nameLength), dataOffset, size: compressed });
    // With a data descriptor the size is unknown here; the central directory names follow later anyway.
    if (flags & 0x08) break;
    offset = dataOffset + compressed;
  }
  return entries;
}

/** Every entry name also appears in the central directory at the end; scan it when local headers stop early. */
function centralDirectoryNames(bytes: Uint8Array): string[] {
  const names: string[] = [];
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let offset = bytes.length - 22; offset >= Math.max(0, bytes.length - 65_557); offset -= 1) {
    if (view.getUint32(offset, true) !== 0x06054b50) continue;
    const count = view.getUint16(offset + 10, true);
    let entry = view.getUint32(offset + 16, true);
    for (let i = 0; i < count && entry + 46 <= bytes.length && view.getUint32(entry, true) === 0x02014b50; i += 1) {
      const nameLength = view.getUint16(entry + 28, true);
      const extraLength = view.getUint16(entry + 30, true);
      const commentLength = view.getUint16(entry + 32, true);
      names.push(ascii(bytes, entry + 46, nameLength));
      entry += 46 + nameLength + extraLength + commentLength;
    }
    break;
  }
  return names;
}

export function detectFileKind(bytes: Uint8Array): FileKind | null {
  if (startsWith(bytes, [0x25, 0x50, 0x44, 0x46, 0x2d])) return "pdf"; // %PDF-
  if (!startsWith(bytes, [0x50, 0x4b, 0x03, 0x04])) return null;
  // ODF puts an uncompressed "mimetype" entry first (ODF 1.2 §3.3).
  const local = zipEntries(bytes);
  const first = local[0];
  if (first?.name === "mimetype" && ascii(bytes, first.dataOffset, first.size) === FILE_KINDS.odt.contentType) return "odt";
  const names = new Set([...local.map((e) => e.name), ...centralDirectoryNames(bytes)]);
  if (!names.has("[Content_Types].xml")) return null;
  if (names.has("word/document.xml")) return "docx";
  if (names.has("xl/workbook.xml")) return "xlsx";
  return null;
}

/**
 * A file name fit to show and to offer on download: no directories, no control or reserved characters,
 * at most 150 characters, and the extension of the kind the bytes really are.
 */
export function safeDisplayName(original: string, kind: FileKind): string {
  const base = original.split(/[\\/]/).pop() ?? "";
  const cleaned = base
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u001f\u007f-\u009f<>:"|?*]/g, "")
    .replace(/^[.\s]+/, "")
    .replace(/\s+/g, " ")
    .trim();
  const stem = cleaned.replace(/\.[^.]*$/, "").slice(0, 140).trim() || "document";
  return `${stem}.${FILE_KINDS[kind].extension}`;
}
