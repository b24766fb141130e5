import crypto from "node:crypto";
import { env } from "../utils/env.server.ts";

export type LinkPurpose = "join" | "manage" | "calendar" | "confirm" | "subscription" | "digest-confirm" | "dialogue-stream";

// Links that appear in emails (join, confirm/cancel) are derived, not stored: the same link can be re-sent in
// every update, and a leaked database reveals none of them. Rotating SESSION_SECRET revokes them all.
const mac = (purpose: LinkPurpose, id: string) =>
  crypto.createHmac("sha256", env().SESSION_SECRET).update(`${purpose}:${id}`).digest("base64url");

export function signId(purpose: LinkPurpose, id: string) {
  return `${id}.${mac(purpose, id)}`;
}

export function verifySignedId(purpose: LinkPurpose, token: string): string | null {
  const dot = token.lastIndexOf(".");
  if (dot < 1) return null;
  const id = token.slice(0, dot);
  const given = Buffer.from(token.slice(dot + 1));
  const expected = Buffer.from(mac(purpose, id));
  return given.length === expected.length && crypto.timingSafeEqual(given, expected) ? id : null;
}
