import crypto from "node:crypto";
import { z } from "zod";
import { prisma } from "../../utils/db.server.ts";
import { env } from "../../utils/env.server.ts";
import { countBounce } from "../sends/sends.server.ts";
import { normaliseAddress, recordSoftBounce, suppress } from "./suppression.server.ts";

/**
 * The generic JSON form of POST /webhooks/email-events (docs/decisions/0018): a relay or a provider adapter
 * posts `{"events":[{"type":"bounce","bounceType":"hard"|"soft","email":"…","diagnostic":"…"},
 * {"type":"complaint","email":"…"}]}`. Other event types are accepted and ignored, so a provider that sends
 * more (deliveries, opens) needs no filter in front.
 */
const address = z.string().trim().max(254).email();
const event = z.discriminatedUnion("type", [
  z.object({
    type: z.literal("bounce"),
    bounceType: z.enum(["hard", "soft"]),
    email: address,
    diagnostic: z.string().max(1000).optional(),
    messageId: z.string().max(300).optional(),
  }),
  z.object({ type: z.literal("complaint"), email: address, messageId: z.string().max(300).optional() }),
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
}

/**
 * Authenticates a webhook call: `Authorization: Bearer <EMAIL_WEBHOOK_SECRET>`, or `X-Signature: sha256=<hex>`
 * (HMAC-SHA256 of the raw body with the secret), for providers that sign rather than send a password.
 * Without a configured secret nothing is accepted.
 */
export function webhookAuthorised(headers: Headers, rawBody: string): boolean {
  const secret = env().EMAIL_WEBHOOK_SECRET;
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
  const counts: EventCounts = { hardBounces: 0, softBounces: 0, complaints: 0, suppressed: 0, attributed: 0, ignored: 0, invalid: 0 };
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
    const email = normaliseAddress(e.email);
    const added = await prisma().$transaction(async (tx) => {
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
  return counts;
}
