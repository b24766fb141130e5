import { redirect } from "@remix-run/node";
import { resolveLanguage, type Lang } from "../i18n/index.ts";
import type { Actor, SignedInActor } from "../services/policy.server.ts";
import { getActor, readCookie } from "./session.server.ts";

export const LANG_COOKIE = "gmh_lang";

export interface PageContext {
  actor: Actor;
  lang: Lang;
}

export async function pageContext(request: Request): Promise<PageContext> {
  const actor = await getActor(request);
  const lang = resolveLanguage({
    profile: actor.kind === "user" ? actor.language : null,
    cookie: readCookie(request, LANG_COOKIE),
    acceptLanguage: request.headers.get("accept-language"),
  });
  return { actor, lang };
}

/** Sends anonymous visitors to sign in and brings them back afterwards. */
export async function requireSignedIn(request: Request): Promise<PageContext & { actor: SignedInActor }> {
  const ctx = await pageContext(request);
  if (ctx.actor.kind !== "user") {
    const url = new URL(request.url);
    throw redirect(`/auth/sign-in?redirectTo=${encodeURIComponent(url.pathname + url.search)}`);
  }
  return ctx as PageContext & { actor: SignedInActor };
}

/**
 * Only same-site paths, so a crafted link cannot bounce a user to another site. Browsers drop tabs and
 * newlines from URLs ("/\t/evil.test" becomes "//evil.test"), and a control character cannot go in a
 * Location header at all, so any whitespace, control character or backslash falls back.
 */
export function safeRedirect(to: FormDataEntryValue | string | null | undefined, fallback = "/") {
  const value = typeof to === "string" ? to : "";
  // eslint-disable-next-line no-control-regex
  if (!value.startsWith("/") || value.startsWith("//") || /[\s\\\u0000-\u001f\u007f-\u009f]/.test(value)) return fallback;
  const base = "http://same.invalid";
  // Serialised by URL, so non-ASCII is percent-encoded and the Location header stays valid.
  const url = new URL(value, base);
  return url.origin === base ? url.pathname + url.search + url.hash : fallback;
}
