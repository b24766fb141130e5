import crypto from "node:crypto";
import { prisma, type Client } from "../../utils/db.server.ts";
import { env } from "../../utils/env.server.ts";
import { CONSENT_WORDING_COUNTED, CONSENT_WORDING_VERSION } from "../../schemas/subscription.ts";
import { recordAudit } from "../audit.server.ts";
import { authorize, type Actor } from "../policy.server.ts";
import { hit, LIMITS, requesterKey } from "../rate-limit.server.ts";
import type { SharedBody } from "./sends.server.ts";

// Aggregate open and click counts for bulk mail (docs/decisions/0024-aggregate-mail-tracking.md). One global
// switch, off by default, kept in the database so every process agrees. When a send is tracked, its shared
// bodies get one pixel and redirect links that name only the send and the link: every reader of a body gets the
// same URLs, so nothing can tell readers apart — the counts are totals by construction.

const SETTINGS_ID = "mail";

/** The switch as stored (no row: off). One primary-key read. */
export async function trackingEnabled(db: Client = prisma()) {
  const row = await db.mailSettings.findUnique({ where: { id: SETTINGS_ID }, select: { trackingEnabled: true } });
  return row?.trackingEnabled ?? false;
}

/** The research team sees the switch on /admin/sends. */
export async function mailTrackingSetting(actor: Actor) {
  authorize(actor, { do: "send.manage" });
  return trackingEnabled();
}

/**
 * What turning counting on changes for readers, shown to the administrator before they confirm: the consent
 * wording new subscribers will see, and how many confirmed subscribers agreed to the wording that promised none.
 */
export async function trackingChangePreview(actor: Actor) {
  authorize(actor, { do: "send.tracking" });
  const earlier = await prisma().subscriber.count({ where: { status: "CONFIRMED", consentWordingVersion: CONSENT_WORDING_VERSION } });
  return { version: CONSENT_WORDING_COUNTED, earlier };
}

/** Administrators turn aggregate tracking on or off; the change is in the audit log. */
export async function setMailTracking(actor: Actor, enabled: boolean) {
  authorize(actor, { do: "send.tracking" });
  return applyMailTracking(actor, enabled);
}

/** The operator's path (CLI): no signed-in actor; the audit entry has no actor. */
export async function applyMailTracking(by: Actor, enabled: boolean) {
  return prisma().$transaction(async (tx) => {
    const before = await tx.$queryRaw<{ trackingEnabled: boolean }[]>`
      SELECT "trackingEnabled" FROM "MailSettings" WHERE id = ${SETTINGS_ID} FOR UPDATE`;
    const changed = (before[0]?.trackingEnabled ?? false) !== enabled;
    await tx.mailSettings.upsert({ where: { id: SETTINGS_ID }, create: { id: SETTINGS_ID, trackingEnabled: enabled }, update: { trackingEnabled: enabled } });
    if (changed) await recordAudit(tx, by, enabled ? "mail.tracking_enabled" : "mail.tracking_disabled", { type: "MailSettings", id: SETTINGS_ID });
    return { enabled, changed };
  });
}

/**
 * Whether a send is tracked. Decided once, at its first queued chunk, from the switch (and recorded on the send),
 * so turning the switch mid-send never mixes tracked and untracked bodies in one send.
 */
async function sendIsTracked(db: Client, sendId: string) {
  const [row] = await db.$queryRaw<{ tracked: boolean | null; enabled: boolean }[]>`
    SELECT s.tracked, COALESCE(m."trackingEnabled", false) AS enabled
    FROM "BulkSend" s LEFT JOIN "MailSettings" m ON m.id = ${SETTINGS_ID} WHERE s.id = ${sendId}`;
  if (!row) return false;
  if (row.tracked !== null) return row.tracked;
  const [decided] = await db.$queryRaw<{ tracked: boolean }[]>`
    UPDATE "BulkSend" SET tracked = COALESCE(tracked, ${row.enabled}) WHERE id = ${sendId} RETURNING tracked`;
  return decided?.tracked ?? false;
}

/**
 * The hook at the top of enqueueBulk: the bodies as they are (same objects, byte for byte) when the send is not
 * tracked; else each HTML part with the open pixel and its links rewritten. Subjects and text parts never change.
 */
export async function withTracking(db: Client, sendId: string, bodies: SharedBody[]): Promise<SharedBody[]> {
  if (!bodies.length || !(await sendIsTracked(db, sendId))) return bodies;
  return bodies.map((b) => ({ ...b, html: trackHtml(b.html, sendId) }));
}

// ---- Links ----------------------------------------------------------------------------------------------

const SEND_ID = /^[A-Za-z0-9_-]{1,64}$/;
const SIGNATURE_CHARS = 22; // 128 bits of HMAC-SHA256, base64url

const signature = (sendId: string, url: string) =>
  crypto.createHmac("sha256", env().SESSION_SECRET).update(`mail-click\n${sendId}\n${url}`).digest("base64url").slice(0, SIGNATURE_CHARS);

export function verifyClick(sendId: string, url: string, given: string) {
  if (!SEND_ID.test(sendId) || !/^https?:\/\//i.test(url) || given.length !== SIGNATURE_CHARS) return false;
  return crypto.timingSafeEqual(Buffer.from(given), Buffer.from(signature(sendId, url)));
}

export const openPixelUrl = (sendId: string) => `${env().APP_URL}/t/o/${sendId}.gif`;
export const clickUrl = (sendId: string, url: string) =>
  `${env().APP_URL}/t/c/${sendId}?u=${encodeURIComponent(url)}&s=${signature(sendId, url)}`;

const decodeAttr = (s: string) =>
  s.replace(/&(#x[0-9a-f]+|#\d+|amp|quot|apos|lt|gt);/gi, (whole, e: string) => {
    const k = e.toLowerCase();
    if (k.startsWith("#x")) return String.fromCodePoint(parseInt(k.slice(2), 16));
    if (k.startsWith("#")) return String.fromCodePoint(parseInt(k.slice(1), 10));
    return ({ amp: "&", quot: '"', apos: "'", lt: "<", gt: ">" } as Record<string, string>)[k] ?? whole;
  });
const encodeAttr = (s: string) => s.replace(/[&"<>]/g, (c) => ({ "&": "&amp;", '"': "&quot;", "<": "&lt;", ">": "&gt;" })[c]!);

/** Links that stay as they are: per-reader placeholders (unsubscribe, preferences), the hub's own list links. */
function keepAsIs(url: string) {
  const app = env().APP_URL;
  return (
    !/^https?:\/\//i.test(url) ||
    url.includes("{{") ||
    url.startsWith(`${app}/t/`) ||
    url.startsWith(`${app}/unsubscribe/`) ||
    url.startsWith(`${app}/subscription/`)
  );
}

const ANCHOR = /<(?:a|area)\b[^>]*>/gi;
const HREF = /(\shref\s*=\s*)(?:"([^"]*)"|'([^']*)')/i;

/** The open pixel before `</body>` (or at the end) and every http(s) link of an anchor through the click redirect. */
export function trackHtml(html: string, sendId: string) {
  const linked = html.replace(ANCHOR, (tag) =>
    tag.replace(HREF, (whole, lead: string, dq: string | undefined, sq: string | undefined) => {
      const url = decodeAttr((dq ?? sq ?? "").trim());
      return keepAsIs(url) ? whole : `${lead}"${encodeAttr(clickUrl(sendId, url))}"`;
    }),
  );
  const pixel = `<img src="${encodeAttr(openPixelUrl(sendId))}" width="1" height="1" alt="" style="display:block;width:1px;height:1px;border:0">`;
  const end = linked.search(/<\/body\s*>(?![\s\S]*<\/body\s*>)/i);
  return end < 0 ? linked + pixel : linked.slice(0, end) + pixel + linked.slice(end);
}

// ---- Counting -------------------------------------------------------------------------------------------

export type CountOutcome = "unknown" | "counted" | "limited";

/**
 * One more open or click on a tracked send. An unknown or untracked send answers "unknown" without any write;
 * past the per-address limit the hit is not counted ("limited"), so one client cannot pump the totals. With
 * `count: false` (a HEAD request) it only says whether the send is known.
 */
export async function countHit(kind: "open" | "click", sendId: string, ip: string | undefined, count = true): Promise<CountOutcome> {
  if (!SEND_ID.test(sendId)) return "unknown";
  const db = prisma();
  const send = await db.bulkSend.findUnique({ where: { id: sendId }, select: { tracked: true } });
  if (!send?.tracked) return "unknown";
  if (!count) return "limited";
  const limit = kind === "open" ? LIMITS.mailTracking.opensPerIp : LIMITS.mailTracking.clicksPerIp;
  if (!(await hit(`track-${kind}:${sendId}:${readerBucket(sendId, ip)}`, limit)).allowed) return "limited";
  if (kind === "open") await db.$executeRaw`UPDATE "BulkSend" SET opens = opens + 1 WHERE id = ${sendId}`;
  else await db.$executeRaw`UPDATE "BulkSend" SET clicks = clicks + 1 WHERE id = ${sendId}`;
  return "counted";
}

/**
 * The limiter's name for a reader of one send, never their address: a keyed digest of the send and the address's
 * network, cut to READER_BUCKET_BITS. Keyed and per send, so it links nothing across sends; that short, each value
 * stands for thousands of IPv4 addresses, so even with the key it names no one (docs/decisions/0044). Two readers
 * sharing a value only share the per-reader allowance.
 */
const READER_BUCKET_BITS = 20;
export function readerBucket(sendId: string, ip: string | undefined) {
  const digest = crypto.createHmac("sha256", env().SESSION_SECRET).update(`mail-reader\n${sendId}\n${ip ? requesterKey(ip) : "unknown"}`).digest();
  return (digest.readUInt32BE(0) >>> (32 - READER_BUCKET_BITS)).toString(36);
}

/** A transparent 1×1 GIF. */
export const PIXEL_GIF = Buffer.from("R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7", "base64");
