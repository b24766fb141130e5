import { mayUploadDialogueDocument } from "../services/dialogues/document-files.server.ts";
import type { Actor } from "../services/policy.server.ts";
import { mayAttachPublicationPdf } from "../services/publications/pdfs.server.ts";
import { carriesCredentials, getActor } from "../utils/session.server.ts";
import { env } from "../utils/env.server.ts";
import { refusal } from "./refusal.ts";
import { bodyLimitFor, declaredLengthVerdict, isMultipart, MAX_INBOUND_BYTES, UPLOAD_BODY_LIMIT } from "./limits.ts";

/**
 * Where an upload-sized body may go, and who may send one there: the same question the use case asks before it
 * stores a byte. Anyone else (anonymous, or signed in without that right) keeps the small limit.
 */
const UPLOAD_TARGETS: { path: RegExp; allowed: (actor: Actor, match: RegExpExecArray) => boolean | Promise<boolean> }[] = [
  { path: /^\/dialogues\/([^/]+)\/files\/upload$/, allowed: (actor, [, id]) => mayUploadDialogueDocument(actor, decodeURIComponent(id)) },
  { path: /^\/publications\/[^/]+\/upload$/, allowed: (actor) => mayAttachPublicationPdf(actor) },
  // The GraphQL multipart request spec: uploadPublicationPdf is the one operation that takes a File.
  { path: /^\/graphql$/, allowed: (actor) => mayAttachPublicationPdf(actor) },
];

/**
 * The inbound-mail webhook takes whole messages with their attachments from a caller that names the webhook secret
 * (Bearer) or signs the body (X-Signature, checked once the body is read): they may send up to MAX_INBOUND_BYTES.
 */
function inboundMailCaller(request: Request, pathname: string): boolean {
  if (pathname !== "/webhooks/inbound-email") return false;
  const secret = env().INBOUND_EMAIL_SECRET ?? env().EMAIL_WEBHOOK_SECRET;
  if (!secret) return false;
  const bearer = /^bearer\s+(.+)$/i.exec(request.headers.get("authorization") ?? "")?.[1]?.trim();
  return bearer === secret || /^sha256=[0-9a-f]{64}$/i.test(request.headers.get("x-signature") ?? "");
}

/** True when the caller is identified and may upload where the request goes. Reads headers only, never the body. */
async function uploadAllowed(request: Request, pathname: string): Promise<boolean> {
  if (!isMultipart(request.headers.get("content-type")) || !carriesCredentials(request)) return false;
  for (const target of UPLOAD_TARGETS) {
    const match = target.path.exec(pathname);
    if (match) return target.allowed(await getActor(request), match);
  }
  return false;
}

const FORM_TYPE = /^\s*(?:application\/x-www-form-urlencoded|multipart\/form-data)\s*(?:;|$)/i;
/** Resource routes that read a body of their own kind (a mail provider's JSON events). */
const OWN_BODY_ROUTES = /^\/webhooks\//;

type Read = { ok: true; bytes: Uint8Array<ArrayBuffer> } | { ok: false; reason: "too_large" | "broken" };

/**
 * Reads at most `limit` bytes. Past the limit it stops reading and leaves the rest unread: the 413 closes the
 * connection. Cancelling instead would destroy the socket on the shipped server before the answer is written.
 */
async function collect(body: ReadableStream<Uint8Array>, limit: number): Promise<Read> {
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      total += value.byteLength;
      if (total > limit) {
        reader.releaseLock();
        return { ok: false, reason: "too_large" };
      }
      chunks.push(value);
    }
  } catch {
    // The client went away mid-body (or sent a broken chunked encoding).
    return { ok: false, reason: "broken" };
  }
  const bytes = new Uint8Array(new ArrayBuffer(total));
  let at = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, at);
    at += chunk.byteLength;
  }
  return { ok: true, bytes };
}

const hasNul = (text: string) => text.includes("\u0000");

/**
 * The one reader of request bodies (ADR 0027). Every request with a body passes here before any route sees it:
 * the body is read exactly once, sized or chunked, within the limit that fits the caller (upload-sized only for
 * an identified caller allowed to upload there, decided from the headers before a byte is read), and handed on
 * as a new Request over the bytes read, so that any number of later readers (Remix, yoga, a clone) find it whole.
 * Answers a 4xx Response instead when the body cannot be accepted.
 */
export async function readBody(request: Request): Promise<Request | Response> {
  if (request.method === "GET" || request.method === "HEAD" || request.method === "OPTIONS") return request;
  const url = new URL(request.url);
  const graphql = url.pathname === "/graphql";
  const type = request.headers.get("content-type");
  const declaredLength = request.headers.get("content-length");
  const tooLarge = (limit: number) =>
    refusal(request, 413, "PAYLOAD_TOO_LARGE", limit >= UPLOAD_BODY_LIMIT ? `Request body larger than ${limit} bytes` : `Request body larger than ${limit} bytes (sign in with upload rights for larger files)`, { connection: "close" });

  let limit = bodyLimitFor(url.pathname, type, false);
  const declared = declaredLengthVerdict(declaredLength, limit);
  if (declared === "invalid") return refusal(request, 400, "BAD_REQUEST", "Invalid Content-Length");
  // Identify the caller only when the small limit may not do: a declared large body, or one of unknown length.
  if (declared !== "ok" && inboundMailCaller(request, url.pathname)) limit = MAX_INBOUND_BYTES;
  else if (declared !== "ok" && (await uploadAllowed(request, url.pathname))) limit = bodyLimitFor(url.pathname, type, true);
  if (declaredLengthVerdict(declaredLength, limit) === "too_large") return tooLarge(limit);

  const read = request.body ? await collect(request.body, limit) : ({ ok: true, bytes: new Uint8Array(new ArrayBuffer(0)) } as Read);
  if (!read.ok) return read.reason === "too_large" ? tooLarge(limit) : refusal(request, 400, "BAD_REQUEST", "Request body incomplete", { connection: "close" });
  const { bytes } = read;

  const headers = new Headers(request.headers);
  headers.delete("transfer-encoding");
  headers.set("content-length", String(bytes.byteLength));
  if (!type) {
    if (bytes.byteLength) return refusal(request, 415, "UNSUPPORTED_MEDIA_TYPE", "A request body needs a Content-Type");
    // Nothing at all (RFC 8058 allows it for one-click unsubscribe): an empty form, which every action can read.
    if (!graphql) headers.set("content-type", "application/x-www-form-urlencoded");
  } else if (!graphql && !OWN_BODY_ROUTES.test(url.pathname) && !FORM_TYPE.test(type)) {
    return refusal(request, 415, "UNSUPPORTED_MEDIA_TYPE", "Pages take forms: application/x-www-form-urlencoded or multipart/form-data");
  }

  const next = new Request(request.url, {
    method: request.method,
    headers,
    body: bytes.byteLength ? bytes : null,
    signal: request.signal,
  });

  // NUL can be stored nowhere and named by no id: refuse the whole form rather than fail deep inside a use case.
  const formType = headers.get("content-type") ?? "";
  if (/^\s*application\/x-www-form-urlencoded/i.test(formType) && /%00/i.test(new TextDecoder().decode(bytes))) {
    return refusal(request, 400, "BAD_REQUEST", "Form fields must not contain NUL");
  }
  if (isMultipart(formType) && !graphql && bytes.byteLength) {
    const fields = await next.clone().formData().catch(() => null);
    if (!fields) return refusal(request, 400, "BAD_REQUEST", "Malformed form");
    for (const [, value] of fields) if (typeof value === "string" && hasNul(value)) return refusal(request, 400, "BAD_REQUEST", "Form fields must not contain NUL");
  }
  return next;
}
