/** Request body limits: a GraphQL document never needs more than a few KB; forms carry at most a webinar. */
export const GRAPHQL_BODY_LIMIT = 100 * 1024;
export const FORM_BODY_LIMIT = 1024 * 1024;
/** Documents up to 25 MB; an upload form posts to a path ending in /upload and carries a few fields besides. */
export const MAX_UPLOAD_BYTES = 25 * 1024 * 1024;
export const UPLOAD_BODY_LIMIT = MAX_UPLOAD_BYTES + 256 * 1024;

export const isUploadPath = (pathname: string) => /^\/[^?#]*\/upload$/.test(pathname);

const isMultipart = (contentType: string | null | undefined) => /^\s*multipart\/form-data\s*;/i.test(contentType ?? "");

/**
 * /graphql: a multipart request (the GraphQL multipart request spec: a file upload) may carry the upload limit,
 * everything else 100 KB. The document inside a multipart request is still bounded by the token and cost limits,
 * and a cookie-authenticated multipart request needs the x-graphql-csrf header (cross-origin.ts). Pages: paths
 * ending in /upload carry the upload limit, other forms 1 MB.
 */
export const bodyLimitFor = (pathname: string, contentType?: string | null) =>
  pathname === "/graphql"
    ? isMultipart(contentType)
      ? UPLOAD_BODY_LIMIT
      : GRAPHQL_BODY_LIMIT
    : isUploadPath(pathname)
      ? UPLOAD_BODY_LIMIT
      : FORM_BODY_LIMIT;

/** "too large" when the declared length exceeds the limit; "unknown" when no length is declared. */
export function declaredLengthVerdict(contentLength: string | null, limit: number): "ok" | "too_large" | "unknown" | "invalid" {
  if (contentLength === null) return "unknown";
  if (!/^\d+$/.test(contentLength.trim())) return "invalid";
  return Number(contentLength) > limit ? "too_large" : "ok";
}

/** Reads at most limit + 1 bytes of a body stream; true when it is longer than the limit. */
export async function bodyExceeds(body: ReadableStream<Uint8Array>, limit: number): Promise<boolean> {
  const reader = body.getReader();
  let total = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return false;
      total += value.byteLength;
      if (total > limit) return true;
    }
  } finally {
    // Not awaited: a tee'd stream settles a cancel only once both branches are cancelled.
    reader.cancel().catch(() => {});
  }
}

/** A path whose decoding fails or yields control characters (NUL…) can name no resource: answer 400 early. */
export function pathIsMalformed(pathname: string): boolean {
  let decoded: string;
  try {
    decoded = decodeURIComponent(pathname);
  } catch {
    return true;
  }
  // eslint-disable-next-line no-control-regex
  return /[\u0000-\u001f\u007f-\u009f]/.test(decoded);
}
