import crypto from "node:crypto";
import { actorForApiToken } from "../services/api-tokens.server.ts";
import { actorForSession, SESSION_TTL_MS } from "../services/auth.server.ts";
import { ANONYMOUS, type Actor } from "../services/policy.server.ts";
import { noteUser } from "../observability/request-note.server.ts";
import { env } from "./env.server.ts";

const COOKIE = "gmh_session";

const sign = (value: string) => crypto.createHmac("sha256", env().SESSION_SECRET).update(value).digest("base64url");

export function readCookie(request: Request, name: string): string | undefined {
  const header = request.headers.get("cookie");
  if (!header) return undefined;
  for (const part of header.split(";")) {
    const [k, ...v] = part.trim().split("=");
    if (k !== name) continue;
    // A malformed value (a stray %) is treated as absent: one bad cookie must not break every page.
    try {
      return decodeURIComponent(v.join("="));
    } catch {
      return undefined;
    }
  }
  return undefined;
}

function secure(request: Request) {
  return env().APP_URL.startsWith("https:") || new URL(request.url).protocol === "https:";
}

/** The cookie carries only the session secret and its HMAC; everything else lives in the Session table. */
export function sessionCookie(request: Request, secret: string) {
  const flags = [`${COOKIE}=${secret}.${sign(secret)}`, "Path=/", "HttpOnly", "SameSite=Lax", `Max-Age=${SESSION_TTL_MS / 1000}`];
  if (secure(request)) flags.push("Secure");
  return flags.join("; ");
}

export function clearSessionCookie(request: Request) {
  return [`${COOKIE}=`, "Path=/", "HttpOnly", "SameSite=Lax", "Max-Age=0", ...(secure(request) ? ["Secure"] : [])].join("; ");
}

export function sessionSecret(request: Request): string | undefined {
  const raw = readCookie(request, COOKIE);
  if (!raw) return undefined;
  const dot = raw.lastIndexOf(".");
  if (dot < 1) return undefined;
  const secret = raw.slice(0, dot);
  const expected = Buffer.from(sign(secret));
  const given = Buffer.from(raw.slice(dot + 1));
  return expected.length === given.length && crypto.timingSafeEqual(expected, given) ? secret : undefined;
}

/** Whether the request says who is asking (valid or not): such requests never share a cached answer. */
export function carriesCredentials(request: Request): boolean {
  return request.headers.has("authorization") || readCookie(request, COOKIE) !== undefined;
}

// A page's loaders all ask who is asking; a GET is answered once per request. Not for actions: an action may sign
// the person out or change their profile before the page's loaders run.
const actorOfRequest = new WeakMap<Request, Promise<Actor>>();

/** A Bearer API token wins over the cookie; an invalid credential of either kind means anonymous. */
export function getActor(request: Request): Promise<Actor> {
  if (request.method !== "GET" && request.method !== "HEAD") return resolveActor(request);
  let actor = actorOfRequest.get(request);
  if (!actor) {
    actor = resolveActor(request);
    actorOfRequest.set(request, actor);
  }
  return actor;
}

async function resolveActor(request: Request): Promise<Actor> {
  const auth = request.headers.get("authorization");
  const secret = sessionSecret(request);
  const actor = auth?.toLowerCase().startsWith("bearer ") ? await actorForApiToken(auth.slice(7).trim()) : secret ? await actorForSession(secret) : null;
  if (!actor) return ANONYMOUS;
  // The request's log line names the person by id only (ADR 0051).
  if (actor.kind === "user") noteUser(actor.id);
  return actor;
}

/** The server puts the peer address (proxy-aware only when TRUST_PROXY is set) in the load context. */
export function clientIp(context: unknown): string | undefined {
  return (context as { ip?: string } | undefined)?.ip;
}
