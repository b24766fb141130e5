import type { SuppressionReason } from "../../generated/prisma/client.ts";
import type { Client } from "../../utils/db.server.ts";
import { sha256 } from "../crypto.server.ts";

/**
 * The one suppression list for marketing and bulk mail (newsletters, digests, distributions). Bulk senders ask
 * it before they enqueue; transactional mail (sign-in links, invitations, confirmations) never asks, so a
 * newsletter unsubscribe or a complaint cannot lock anyone out of their account. The worker asks it again when it
 * sends bulk mail (emails/worker.ts), for addresses suppressed after their message was queued.
 */

/** Addresses are compared trimmed and lower-cased everywhere (subscribers, users, suppression). */
export const normaliseAddress = (email: string) => email.trim().toLowerCase();

/**
 * The list holds this digest of each address, never the address itself, so an erased person stays unmailable
 * (ADR 0040). The prefix keeps it apart from other digests of addresses (statistics keys), so no join links them.
 */
export const suppressionKey = (email: string) => sha256(`suppression:${normaliseAddress(email)}`);

/** Soft bounces (mailbox full, greylisting…) suppress only once this many arrive within SOFT_BOUNCE_WINDOW_MS. */
export const SOFT_BOUNCE_THRESHOLD = 3;
export const SOFT_BOUNCE_WINDOW_MS = 30 * 24 * 3600 * 1000;

/** Reasons a confirmed (re-)subscription lifts: the person just proved the mailbox works and asked for mail. */
const LIFTED_BY_CONSENT: SuppressionReason[] = ["UNSUBSCRIBED", "HARD_BOUNCE", "COMPLAINT", "SOFT_BOUNCE_THRESHOLD", "IMPORTED"];

export async function isSuppressed(db: Client, email: string): Promise<boolean> {
  return (await db.suppressionEntry.findUnique({ where: { addressHash: suppressionKey(email) }, select: { addressHash: true } })) !== null;
}

/** The suppressed ones among many addresses (normalised), in chunks so a 100,000-address digest stays cheap. */
export async function suppressedAmong(db: Client, emails: string[], chunk = 5000): Promise<Set<string>> {
  const byKey = new Map(emails.map((e) => [suppressionKey(e), normaliseAddress(e)]));
  const wanted = [...byKey.keys()];
  const found = new Set<string>();
  for (let i = 0; i < wanted.length; i += chunk) {
    const rows = await db.$queryRaw<{ key: string }[]>`SELECT "addressHash" AS key FROM "SuppressionEntry" WHERE "addressHash" = ANY(${wanted.slice(i, i + chunk)}::text[])`;
    for (const row of rows) found.add(byKey.get(row.key)!);
  }
  return found;
}

/** The suppression reason of each suppressed address among many (normalised): the worker tells streams apart. */
export async function suppressionsAmong(db: Client, emails: string[]): Promise<Map<string, SuppressionReason>> {
  const byKey = new Map(emails.map((e) => [suppressionKey(e), normaliseAddress(e)]));
  const rows = byKey.size
    ? await db.$queryRaw<{ key: string; reason: SuppressionReason }[]>`SELECT "addressHash" AS key, reason::text AS reason FROM "SuppressionEntry" WHERE "addressHash" = ANY(${[...byKey.keys()]}::text[])`
    : [];
  return new Map(rows.map((r) => [byKey.get(r.key)!, r.reason]));
}

/**
 * Adds the address unless it is already suppressed (the first reason is kept). True when it was added. The one
 * exception: an unsubscribe stops only the publications stream (ADR 0047), so a later bounce or complaint,
 * which stops every stream, replaces it.
 */
export async function suppress(db: Client, email: string, reason: SuppressionReason, detail?: string): Promise<boolean> {
  const addressHash = suppressionKey(email);
  const rows = await db.suppressionEntry.createMany({ data: [{ addressHash, reason, detail: detail?.slice(0, 500) ?? null }], skipDuplicates: true });
  if (rows.count === 1) return true;
  if (reason === "UNSUBSCRIBED") return false;
  const upgraded = await db.suppressionEntry.updateMany({ where: { addressHash, reason: "UNSUBSCRIBED" }, data: { reason, detail: detail?.slice(0, 500) ?? null } });
  return upgraded.count === 1;
}

/** After explicit, confirmed consent: lifts every reason but a staff member's MANUAL one, and forgets soft bounces. */
export async function liftForConsent(db: Client, email: string) {
  const address = normaliseAddress(email);
  await db.suppressionEntry.deleteMany({ where: { addressHash: suppressionKey(address), reason: { in: LIFTED_BY_CONSENT } } });
  await db.softBounceCounter.deleteMany({ where: { email: address } });
}

/** Counts a soft bounce; at the threshold (within the window) the address is suppressed. True when it was. */
export async function recordSoftBounce(db: Client, email: string, now = new Date()): Promise<boolean> {
  const address = normaliseAddress(email);
  const since = new Date(now.getTime() - SOFT_BOUNCE_WINDOW_MS);
  // One statement: concurrent webhook deliveries each add one; an old streak starts again at 1.
  const rows = await db.$queryRaw<{ count: number }[]>`
    INSERT INTO "SoftBounceCounter" ("email", "count", "lastBounceAt") VALUES (${address}, 1, ${now})
    ON CONFLICT ("email") DO UPDATE SET
      "count" = CASE WHEN "SoftBounceCounter"."lastBounceAt" < ${since} THEN 1 ELSE "SoftBounceCounter"."count" + 1 END,
      "lastBounceAt" = ${now}
    RETURNING "count"::int AS count`;
  if (rows[0].count < SOFT_BOUNCE_THRESHOLD) return false;
  return suppress(db, address, "SOFT_BOUNCE_THRESHOLD", `${rows[0].count} soft bounces`);
}
