import crypto from "node:crypto";
import { MAX_UPLOAD_BYTES } from "../../http/limits.ts";
import { fileStore, newFileKey, type FileStore } from "./file-store.server.ts";
import { detectFileKind, FILE_KINDS, safeDisplayName, type FileKind } from "./file-types.ts";

export { MAX_UPLOAD_BYTES };

export type UploadError = "missing" | "too_large" | "type";

export interface StoredUpload {
  key: string;
  size: number;
  kind: FileKind;
  contentType: string;
  displayName: string;
  sha256: string;
}

/**
 * Checks and stores one uploaded file (a form's File entry). The bytes decide the kind; the name is only shown.
 * Nothing is written when the file is refused. Store the returned key in the same step as the record that
 * points at it; if that step fails, call `fileStore().remove(key)`.
 */
export async function storeUpload(
  value: FormDataEntryValue | null | undefined,
  allowed: readonly FileKind[],
  { maxBytes = MAX_UPLOAD_BYTES, store = fileStore() }: { maxBytes?: number; store?: FileStore } = {},
): Promise<{ ok: true; file: StoredUpload } | { ok: false; error: UploadError }> {
  if (!value || typeof value === "string" || value.size === 0) return { ok: false, error: "missing" };
  if (value.size > maxBytes) return { ok: false, error: "too_large" };
  const bytes = new Uint8Array(await value.arrayBuffer());
  const kind = detectFileKind(bytes);
  if (!kind || !allowed.includes(kind)) return { ok: false, error: "type" };
  const key = newFileKey();
  await store.put(key, bytes);
  return {
    ok: true,
    file: {
      key,
      size: bytes.byteLength,
      kind,
      contentType: FILE_KINDS[kind].contentType,
      displayName: safeDisplayName(value.name, kind),
      sha256: crypto.createHash("sha256").update(bytes).digest("hex"),
    },
  };
}

/** RFC 6266 attachment header: an ASCII fallback plus the UTF-8 name. */
export function contentDisposition(displayName: string, disposition: "attachment" | "inline" = "attachment") {
  const fallback = displayName.normalize("NFKD").replace(/[^\x20-\x7e]/g, "").replace(/["\\]/g, "") || "document";
  return `${disposition}; filename="${fallback}"; filename*=UTF-8''${encodeURIComponent(displayName)}`;
}

/**
 * The response for a file the caller has already been allowed to read (ask the policy first).
 * Missing bytes answer 404 like a missing record.
 */
export async function fileResponse(
  file: { key: string; contentType: string; displayName: string },
  { disposition = "attachment", store = fileStore() }: { disposition?: "attachment" | "inline"; store?: FileStore } = {},
): Promise<Response> {
  const bytes = await store.get(file.key);
  if (!bytes) return new Response("Not found", { status: 404, headers: { "content-type": "text/plain; charset=utf-8" } });
  return new Response(new Uint8Array(bytes), {
    headers: {
      "content-type": file.contentType,
      "content-length": String(bytes.byteLength),
      "content-disposition": contentDisposition(file.displayName, disposition),
      "x-content-type-options": "nosniff",
      "cache-control": "private, no-store",
      // A PDF opened inline runs in the hub's origin: give it no scripts and no forms.
      "content-security-policy": "default-src 'none'; sandbox",
    },
  });
}
