import crypto from "node:crypto";
import { z } from "zod";
import { prisma, type Client } from "../../utils/db.server.ts";
import { env } from "../../utils/env.server.ts";
import { countBounce } from "../sends/sends.server.ts";
import { normaliseAddress, recordSoftBounce, suppress } from "./suppression.server.ts";

/**
 * The generic JSON form of POST /webhooks/email-events (docs/decisions/0018): a relay or a provider adapter
 * posts `{"events":[{"type":"bounce","bounceType":"hard"|"soft","email":"…","diagnostic":"…"},
 * {"type":"complaint","email":"…"}]}`. Other event types are accepted and ignored, so a provider that sends
 * more (deliveries, opens) needs no filter in front. Every bounce and complaint carries the provider's `id` and
 * its `timestamp` (ISO 8601 or Unix seconds): an id seen before, or a timestamp outside the window
 * EMAIL_EVENT_MAX_AGE_SECONDS, is not applied again (docs/decisions/0044).
 */
const address = z.string().trim().max(254).email();
const stamp = z.union([
  z.string().datetime({ offset: true }).transform((s) => new Date(s)),
  z.number().int().positive().transform((s) => new Date(s * 1000)),
]);
const identity = { id: z.string().trim().min(1).max(200), timestamp: stamp };
const event = z.discriminatedUnion("type", [
  z.object({
    ...identity,
    type: z.literal("bounce"),
    bounceType: z.enum(["hard", "soft"]),
    email: address,
    diagnostic: z.string().max(1000).optional(),
    messageId: z.string().max(300).optional(),
  }),
  z.object({ ...identity, type: z.literal("complaint"), email: address, messageId: z.string().max(300).optional() }),
]);
export const MAX_EVENTS = 1000;
const payload = z.object({ events: z.array(z.unknown()).max(MAX_EVENTS) });

export interface EventCounts {
  hardBounces: number;
  softBounces: number;
  complaints: number;
  suppressed: number;
  /** Bounces whose Message-ID named a message of a send: counted on that send (BulkSend.bounced). */
  attributed: number;
  ignored: number;
  invalid: number;
  /** Events whose id was applied before (a provider's retry, or a replay): nothing changes. */
  duplicates: number;
  /** Events whose timestamp is older than the window, or from the future beyond clock skew: not applied. */
  stale: number;
}

/** How far ahead of this server's clock a provider's timestamp may be. */
const CLOCK_SKEW_MS = 5 * 60_000;

/**
 * Authenticates a webhook call: `Authorization: Bearer <EMAIL_WEBHOOK_SECRET>`, or `X-Signature: sha256=<hex>`
 * (HMAC-SHA256 of the raw body with the secret), for providers that sign rather than send a password.
 * Without a configured secret nothing is accepted.
 */
export function webhookAuthorised(headers: Headers, rawBody: string | Uint8Array, secret = env().EMAIL_WEBHOOK_SECRET): boolean {
  if (!secret) return false;
  const same = (a: string, b: string) => {
    const x = Buffer.from(a);
    const y = Buffer.from(b);
    return x.length === y.length && crypto.timingSafeEqual(x, y);
  };
  const bearer = /^bearer\s+(.+)$/i.exec(headers.get("authorization") ?? "")?.[1]?.trim();
  if (bearer && same(bearer, secret)) return true;
  const signature = /^sha256=([0-9a-f]{64})$/i.exec(headers.get("x-signature") ?? "")?.[1]?.toLowerCase();
  return Boolean(signature && same(signature, crypto.createHmac("sha256", secret).update(rawBody).digest("hex")));
}

/** Null when the body is not the documented form at all (400); otherwise the events are applied one by one. */
export function parseEvents(rawBody: string): unknown[] | null {
  let json: unknown;
  try {
    json = JSON.parse(rawBody);
  } catch {
    return null;
  }
  const parsed = payload.safeParse(json);
  return parsed.success ? parsed.data.events : null;
}

/**
 * Hard bounces and complaints suppress at once; soft bounces count towards SOFT_BOUNCE_THRESHOLD. A complaint
 * is also a withdrawal of consent: the subscriber (if any) becomes UNSUBSCRIBED. A malformed event is counted
 * and skipped, so one bad entry does not make the provider retry the whole batch forever.
 */
export async function applyEmailEvents(events: unknown[], now = new Date()): Promise<EventCounts> {
  const counts: EventCounts = { hardBounces: 0, softBounces: 0, complaints: 0, suppressed: 0, attributed: 0, ignored: 0, invalid: 0, duplicates: 0, stale: 0 };
  const maxAgeMs = env().EMAIL_EVENT_MAX_AGE_SECONDS * 1000;
  for (const raw of events) {
    const type = (raw as { type?: unknown } | null)?.type;
    if (type !== "bounce" && type !== "complaint") {
      counts[typeof type === "string" ? "ignored" : "invalid"] += 1;
      continue;
    }
    const parsed = event.safeParse(raw);
    if (!parsed.success) {
      counts.invalid += 1;
      continue;
    }
    const e = parsed.data;
    const age = now.getTime() - e.timestamp.getTime();
    if (age > maxAgeMs || age < -CLOCK_SKEW_MS) {
      counts.stale += 1;
      continue;
    }
    const email = normaliseAddress(e.email);
    const added = await prisma().$transaction(async (tx) => {
      // The id is claimed in the same transaction as the effect: concurrent copies wait on the key, and only the
      // one that inserts it applies the event; a failure releases it for the provider's retry.
      if (!(await firstSighting(tx, e.id, now))) {
        counts.duplicates += 1;
        return false;
      }
      if (e.type === "complaint") {
        counts.complaints += 1;
        await tx.subscriber.updateMany({ where: { email, status: { not: "UNSUBSCRIBED" } }, data: { status: "UNSUBSCRIBED", unsubscribedAt: now } });
        await tx.userDigestPreference.updateMany({ where: { user: { email } }, data: { enabled: false } });
        return suppress(tx, email, "COMPLAINT", "complaint");
      }
      // Hard or soft, a bounce of a send's message moves its bounced count (delivered = sent − bounced).
      if (await countBounce(tx, e.messageId)) counts.attributed += 1;
      if (e.bounceType === "hard") {
        counts.hardBounces += 1;
        return suppress(tx, email, "HARD_BOUNCE", e.diagnostic);
      }
      counts.softBounces += 1;
      return recordSoftBounce(tx, email, now);
    });
    if (added) counts.suppressed += 1;
  }
  await forgetOldEvents(now, maxAgeMs);
  return counts;
}

async function firstSighting(tx: Client, eventId: string, now: Date) {
  const inserted = await tx.$executeRaw`
    INSERT INTO "EmailEventSeen" ("eventId", "seenAt") VALUES (${eventId}, ${now}) ON CONFLICT ("eventId") DO NOTHING`;
  return inserted === 1;
}

/** Ids older than the window (and the clock skew) can go: their events would now be refused as stale anyway. */
async function forgetOldEvents(now: Date, maxAgeMs: number, batch = 1000) {
  const before = new Date(now.getTime() - maxAgeMs - 2 * CLOCK_SKEW_MS);
  await prisma().$executeRaw`
    DELETE FROM "EmailEventSeen" WHERE "eventId" IN (
      SELECT "eventId" FROM "EmailEventSeen" WHERE "seenAt" < ${before} LIMIT ${batch}
    )`;
}
