/** Request body limits: a GraphQL document never needs more than a few KB; forms carry at most a webinar. */
export const GRAPHQL_BODY_LIMIT = 100 * 1024;
export const FORM_BODY_LIMIT = 1024 * 1024;
/** Documents up to 25 MB; an upload form posts to a path ending in /upload and carries a few fields besides. */
export const MAX_UPLOAD_BYTES = 25 * 1024 * 1024;
export const UPLOAD_BODY_LIMIT = MAX_UPLOAD_BYTES + 256 * 1024;
/** A whole emailed reply (ADR 0052): a 25 MB document grows by a third in base64, plus the text. */
export const MAX_INBOUND_BYTES = 36 * 1024 * 1024;

export const isUploadPath = (pathname: string) => /^\/[^?#]*\/upload$/.test(pathname);

export const isMultipart = (contentType: string | null | undefined) => /^\s*multipart\/form-data\s*;/i.test(contentType ?? "");

/**
 * Everyone gets the small limit: 100 KB for /graphql, 1 MB for a page's form. A multipart body to a path ending in
 * /upload, or to /graphql (the GraphQL multipart request spec: a file upload), may carry the upload limit, but
 * only when `uploadAllowed`: the caller is identified and may upload there (body.server.ts decides, from the
 * headers, before reading a byte). The document inside a multipart GraphQL request is still bounded by the token
 * and cost limits, and a cookie-authenticated one needs the x-graphql-csrf header (cross-origin.ts).
 */
export function bodyLimitFor(pathname: string, contentType: string | null | undefined, uploadAllowed: boolean) {
  const graphql = pathname === "/graphql";
  if (uploadAllowed && isMultipart(contentType) && (graphql || isUploadPath(pathname))) return UPLOAD_BODY_LIMIT;
  return graphql ? GRAPHQL_BODY_LIMIT : FORM_BODY_LIMIT;
}

/** "too large" when the declared length exceeds the limit; "unknown" when no length is declared. */
export function declaredLengthVerdict(contentLength: string | null, limit: number): "ok" | "too_large" | "unknown" | "invalid" {
  if (contentLength === null) return "unknown";
  if (!/^\d+$/.test(contentLength.trim())) return "invalid";
  return Number(contentLength) > limit ? "too_large" : "ok";
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
