import { randomToken } from "../services/crypto.server.ts";
import { env } from "./env.server.ts";
import { readCookie } from "./session.server.ts";

const COOKIE = "gmh_signin";

/**
 * A random value naming this browser for sign-in only. Set when a link is asked for (its hash is stored with the
 * token) and when the verify page shows its confirmation step. SameSite=Strict: a cross-site POST never carries
 * it, so a forged sign-in always lands on the confirmation step.
 */
export function signInBrowser(request: Request): { value: string; setCookie?: string } {
  let existing: string | undefined;
  try {
    existing = readCookie(request, COOKIE);
  } catch {
    existing = undefined;
  }
  if (existing && /^[\w-]{43}$/.test(existing)) return { value: existing };
  const value = randomToken();
  const secure = env().APP_URL.startsWith("https:") || new URL(request.url).protocol === "https:";
  const flags = [`${COOKIE}=${value}`, "Path=/", "HttpOnly", "SameSite=Strict", "Max-Age=86400", ...(secure ? ["Secure"] : [])];
  return { value, setCookie: flags.join("; ") };
}
