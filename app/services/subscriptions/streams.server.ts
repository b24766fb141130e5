import type { SuppressionReason } from "../../generated/prisma/client.ts";
import { env } from "../../utils/env.server.ts";
import { signId, verifySignedId } from "../signed-links.server.ts";

/**
 * Bulk mail comes in streams, and a reader stops one stream at a time (ADR 0047):
 * - `publications`: digests, distributions and their update notices. Its "off" state is the address's
 *   UNSUBSCRIBED suppression entry (plus the subscriber's or partner digest's own status);
 * - `dialogue-<id>`: one dialogue's activity notices, digests and session outcome notes. Its state is the
 *   membership's `notify` (NEVER is off), the setting members already choose on the dialogue page.
 * Hard bounces, complaints, soft-bounce thresholds, imports and staff entries stay global: they stop every stream.
 * Each bulk mail names its stream in `List-Id` (RFC 2919); the worker reads it back from there.
 */
export type Stream = { kind: "publications" } | { kind: "dialogue"; dialogueId: string };

export const PUBLICATIONS: Stream = { kind: "publications" };

/** RFC 2919 wants a domain the sender controls: APP_URL's host, or the reserved `localhost` for an IP literal. */
function namespace() {
  const host = new URL(env().APP_URL).hostname;
  return /^[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*$/.test(host) ? host.toLowerCase() : "localhost";
}

const label = (stream: Stream) => (stream.kind === "publications" ? "publications" : `dialogue-${stream.dialogueId}`);

/**
 * The List-Id of a stream. The phrase names the kind of stream, never a dialogue's title: a secret dialogue's
 * name must not reach mail filters, previews or the headers a provider keeps.
 */
export function listId(stream: Stream) {
  const phrase = stream.kind === "publications" ? "GenMig Hub publications" : "GenMig Hub dialogue";
  return `${phrase} <${label(stream)}.${namespace()}>`;
}

/** The stream a List-Id names; null without one (or a foreign one). */
export function streamOfListId(value: string | undefined | null): Stream | null {
  const m = value ? /<([A-Za-z0-9-]+)\.[^<>]+>\s*$/.exec(value) : null;
  if (!m) return null;
  if (m[1] === "publications") return PUBLICATIONS;
  const d = /^dialogue-([a-z0-9]{1,40})$/.exec(m[1]);
  return d ? { kind: "dialogue", dialogueId: d[1] } : null;
}

/** Reasons that stop every stream; UNSUBSCRIBED is the publications stream's own "off". */
const GLOBAL: readonly SuppressionReason[] = ["HARD_BOUNCE", "COMPLAINT", "SOFT_BOUNCE_THRESHOLD", "IMPORTED", "MANUAL"];
export const isGlobalReason = (reason: SuppressionReason) => GLOBAL.includes(reason);

/**
 * Whether a suppression entry stops a bulk message of this stream. A message naming no stream (older rows queued
 * before List-Id existed) is treated as publications mail, as everything bulk was then.
 */
export function blocks(reason: SuppressionReason, stream: Stream | null) {
  return isGlobalReason(reason) || !stream || stream.kind === "publications";
}

// ── A dialogue's stream: one signed key per membership ─────────────────────────────────────────────────────────
// The membership id names the dialogue and the person; leaving deletes the row, so links in mail from an earlier
// membership stop working. The key can only turn the notices off (and show that): it never turns them on.

const PREFIX = "m_";

export const dialogueStreamToken = (memberId: string) => signId("dialogue-stream", `${PREFIX}${memberId}`);

/** Whether an unsubscribe key is a dialogue stream's (subscription keys start with `s_` or `u_`). */
export const isDialogueStreamToken = (token: string) => typeof token === "string" && token.startsWith(PREFIX);

export function readDialogueStreamToken(token: string): string | null {
  if (typeof token !== "string" || token.length > 200) return null;
  const payload = verifySignedId("dialogue-stream", token);
  const m = payload ? /^m_([a-z0-9]{1,40})$/.exec(payload) : null;
  return m ? m[1] : null;
}

/** List-Id and RFC 8058 one-click headers for one member's copy of a dialogue mail. */
export function dialogueListHeaders(dialogueId: string, memberId: string): Record<string, string> {
  const token = dialogueStreamToken(memberId);
  return {
    "List-Id": listId({ kind: "dialogue", dialogueId }),
    "List-Unsubscribe": `<${env().APP_URL}/unsubscribe/${token}>, <mailto:${listMailto()}?subject=unsubscribe%20${token}>`,
    "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
  };
}

/** Who reads the List-Unsubscribe mailto: LIST_UNSUBSCRIBE_MAILTO, else MAIL_FROM's address. */
export function listMailto() {
  const { LIST_UNSUBSCRIBE_MAILTO, MAIL_FROM } = env();
  if (LIST_UNSUBSCRIBE_MAILTO) return LIST_UNSUBSCRIBE_MAILTO;
  const inAngles = /<([^<>\s]+@[^<>\s]+)>/.exec(MAIL_FROM);
  return inAngles ? inAngles[1] : MAIL_FROM.trim();
}
