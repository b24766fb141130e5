import { env } from "../../utils/env.server.ts";
import { signId, verifySignedId } from "../signed-links.server.ts";
import { listId, listMailto, PUBLICATIONS } from "./streams.server.ts";

/**
 * Whose preference/unsubscribe link: a subscriber (no account) or a partner person's digest options. The link
 * is derived (HMAC of kind, id and version), not stored, so every mail can carry it, a leaked database reveals
 * none, and bumping the version (or rotating SESSION_SECRET) revokes the old ones.
 */
export type ListRecipient =
  | { kind: "subscriber"; id: string; preferenceTokenVersion: number }
  | { kind: "user"; userId: string; preferenceTokenVersion: number };

export type TokenTarget = { kind: "subscriber"; id: string; version: number } | { kind: "user"; id: string; version: number };

export function preferenceToken(recipient: ListRecipient): string {
  const [prefix, id] = recipient.kind === "subscriber" ? ["s", recipient.id] : ["u", recipient.userId];
  return signId("subscription", `${prefix}_${id}_${recipient.preferenceTokenVersion}`);
}

/** The target a token names if its signature holds; null otherwise (callers answer "not found"). */
export function readPreferenceToken(token: string): TokenTarget | null {
  if (typeof token !== "string" || token.length > 200) return null;
  const payload = verifySignedId("subscription", token);
  const m = payload && /^([su])_([a-z0-9]{1,40})_(\d{1,6})$/.exec(payload);
  if (!m) return null;
  return { kind: m[1] === "s" ? "subscriber" : "user", id: m[2], version: Number(m[3]) };
}

export const preferenceUrl = (recipient: ListRecipient) => `${env().APP_URL}/subscription/${preferenceToken(recipient)}`;
export const unsubscribeUrl = (recipient: ListRecipient) => `${env().APP_URL}/unsubscribe/${preferenceToken(recipient)}`;

/**
 * Everything a list mail carries for one recipient — preference and unsubscribe URLs and the List-Unsubscribe
 * headers — from one signature (bulk sends build it for every reader).
 */
export function listLinks(recipient: ListRecipient): { preferenceUrl: string; unsubscribeUrl: string; headers: Record<string, string> } {
  const token = preferenceToken(recipient);
  const appUrl = env().APP_URL;
  return {
    preferenceUrl: `${appUrl}/subscription/${token}`,
    unsubscribeUrl: `${appUrl}/unsubscribe/${token}`,
    headers: unsubscribeHeaders(token),
  };
}

/**
 * RFC 2369 + RFC 8058 headers for one recipient of newsletter/digest/distribution mail: the HTTPS URL takes a
 * one-click POST (mail providers' "Unsubscribe" button); the mailto is the fallback for clients without it.
 * The token alphabet (base64url, '_', '.') needs no escaping inside <...> nor in a mailto subject.
 */
export function listUnsubscribeHeaders(recipient: ListRecipient): Record<string, string> {
  return unsubscribeHeaders(preferenceToken(recipient));
}

// These links act on the publications stream only (ADR 0047), which List-Id names.
function unsubscribeHeaders(token: string): Record<string, string> {
  return {
    "List-Id": listId(PUBLICATIONS),
    "List-Unsubscribe": `<${env().APP_URL}/unsubscribe/${token}>, <mailto:${listMailto()}?subject=unsubscribe%20${token}>`,
    "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
  };
}
