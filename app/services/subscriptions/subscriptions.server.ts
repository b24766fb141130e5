import { enqueueEmail } from "../../../emails/outbox.ts";
import { alreadySubscribedEmail, subscriptionConfirmEmail } from "../../../emails/templates/subscriptions.tsx";
import type { DigestFrequency, Language, Subscriber, SubscriberStatus } from "../../generated/prisma/client.ts";
import type { TopicValue as Topic } from "../../schemas/topics.ts";
import { fromDbLanguage, toDbLanguage, type Lang } from "../../i18n/index.ts";
import { preferencesSchema, subscribeSchema, type PreferencesInput, type SubscribeInput } from "../../schemas/subscription.ts";
import { parseInput } from "../../schemas/validate.ts";
import { prisma, type Client } from "../../utils/db.server.ts";
import { env } from "../../utils/env.server.ts";
import { randomToken, sha256 } from "../crypto.server.ts";
import { AppError } from "../errors.ts";
import { addressKey, enforce, hit, LIMITS, requesterKey } from "../rate-limit.server.ts";
import { preferenceToken, preferenceUrl, readPreferenceToken } from "./links.server.ts";
import { liftForConsent, suppress } from "./suppression.server.ts";

/** Unconfirmed sign-ups expire (and are purged) after this; the confirmation mail says so. */
export const CONFIRM_TTL_DAYS = 7;
const CONFIRM_TTL_MS = CONFIRM_TTL_DAYS * 24 * 3600 * 1000;

/** Where a consent or a withdrawal came from, kept as evidence (never an IP address). */
export type ConsentSource = "web" | "graphql" | "preference-centre" | "one-click" | "account";

const invalidLink = () => new AppError("BAD_USER_INPUT", "subscription_link_invalid", { token: { key: "subscription_link_invalid" } });

/**
 * Double opt-in sign-up. Always answers `{ ok: true }` for valid input, whether the address is new, pending,
 * confirmed, unsubscribed or over its silent limit, so the answer never tells whether someone subscribed.
 * New or pending or unsubscribed: (re)sends a fresh confirmation link (older ones stop working).
 * Confirmed: changes nothing (a stranger must not change someone's preferences) and mails the owner their
 * preference link instead.
 */
/** Loose on purpose: forms and GraphQL hand over what they received; the schema decides. */
type Untrusted<T> = { [K in keyof T]?: unknown };

export async function subscribe(input: Untrusted<SubscribeInput> & { source?: ConsentSource }, opts: { ip?: string; now?: Date } = {}) {
  const data = parseInput(subscribeSchema, input);
  const now = opts.now ?? new Date();
  if (opts.ip) {
    await enforce(`subscribe:ip:${requesterKey(opts.ip)}`, LIMITS.subscribe.perIp, now);
    await enforce("subscribe:global", LIMITS.subscribe.global, now);
    if (!(await hit(`subscribe:to:${addressKey(data.email)}`, LIMITS.subscribe.perAddress, now)).allowed) return { ok: true as const };
  }
  const language = toDbLanguage(data.language);
  await prisma().$transaction(async (tx) => {
    const existing = await tx.subscriber.findUnique({ where: { email: data.email } });
    if (existing?.status === "CONFIRMED") {
      const url = preferenceUrl({ kind: "subscriber", id: existing.id, preferenceTokenVersion: existing.preferenceTokenVersion });
      const mail = alreadySubscribedEmail(fromDbLanguage(existing.language) ?? "en", url);
      await enqueueEmail(tx, { key: `subscription-already:${existing.id}:${now.getTime()}`, to: existing.email, ...mail });
      return;
    }
    const token = randomToken();
    const fields = {
      language,
      topics: data.topics as Topic[],
      frequency: data.frequency as DigestFrequency,
      status: "PENDING" as SubscriberStatus,
      confirmTokenHash: sha256(token),
      confirmExpiresAt: new Date(now.getTime() + CONFIRM_TTL_MS),
      consentRequestedAt: now,
      consentSource: input.source ?? "web",
      consentWordingVersion: data.consentWordingVersion,
    };
    const row = existing
      ? await tx.subscriber.update({ where: { id: existing.id }, data: fields })
      : await tx.subscriber.create({ data: { email: data.email, ...fields } });
    const url = `${env().APP_URL}/subscribe/confirm/${encodeURIComponent(token)}`;
    const mail = subscriptionConfirmEmail(data.language, url, CONFIRM_TTL_DAYS);
    await enqueueEmail(tx, { key: `subscription-confirm:${row.id}:${sha256(token).slice(0, 16)}`, to: row.email, ...mail });
  });
  return { ok: true as const };
}

/**
 * Follows the emailed link: the subscription becomes CONFIRMED, with the time as consent evidence, and any
 * suppression that explicit consent lifts is lifted. Following the same link again answers the same.
 */
export async function confirmSubscription(token: string, now = new Date()) {
  if (typeof token !== "string" || !token || token.length > 200) throw invalidLink();
  return prisma().$transaction(async (tx) => {
    const row = await tx.subscriber.findUnique({ where: { confirmTokenHash: sha256(token) } });
    if (!row || row.status === "UNSUBSCRIBED") throw invalidLink();
    if (row.status === "CONFIRMED") return view(row);
    if (!row.confirmExpiresAt || row.confirmExpiresAt <= now) {
      throw new AppError("BAD_USER_INPUT", "subscription_link_expired", { token: { key: "subscription_link_expired" } });
    }
    const confirmed = await tx.subscriber.update({ where: { id: row.id }, data: { status: "CONFIRMED", confirmedAt: now } });
    await liftForConsent(tx, row.email);
    return view(confirmed);
  });
}

/** What the preference centre shows and edits, for a subscriber or a partner person's digest options. */
export interface SubscriptionView {
  kind: "SUBSCRIBER" | "PARTNER";
  email: string;
  language: Lang;
  topics: Topic[];
  frequency: DigestFrequency;
  active: boolean;
  status: SubscriberStatus;
  /** The link key of the preference centre; only ever shown to whoever already holds a link to this address. */
  preferenceToken: string;
}

function view(row: Subscriber): SubscriptionView {
  return {
    kind: "SUBSCRIBER",
    email: row.email,
    language: fromDbLanguage(row.language) ?? "en",
    topics: row.topics as Topic[],
    frequency: row.frequency,
    active: row.status === "CONFIRMED",
    status: row.status,
    preferenceToken: preferenceToken({ kind: "subscriber", id: row.id, preferenceTokenVersion: row.preferenceTokenVersion }),
  };
}

/** The subscription a preference/unsubscribe link names; an invalid, revoked or unknown link is NOT_FOUND. */
async function load(db: Client, token: string) {
  const target = readPreferenceToken(token);
  if (!target) throw new AppError("NOT_FOUND", "not_found");
  if (target.kind === "subscriber") {
    const row = await db.subscriber.findUnique({ where: { id: target.id } });
    // A pending entry's link only ever went out in mails it could not yet receive: it has none.
    if (!row || row.preferenceTokenVersion !== target.version || row.status === "PENDING") throw new AppError("NOT_FOUND", "not_found");
    return { kind: "subscriber" as const, row };
  }
  const row = await db.userDigestPreference.findUnique({ where: { userId: target.id }, include: { user: true } });
  if (!row || row.preferenceTokenVersion !== target.version) throw new AppError("NOT_FOUND", "not_found");
  return { kind: "user" as const, row };
}

type Loaded = Awaited<ReturnType<typeof load>>;

function viewOf(loaded: Loaded): SubscriptionView {
  if (loaded.kind === "subscriber") return view(loaded.row);
  const { row } = loaded;
  return {
    kind: "PARTNER",
    email: row.user.email,
    language: fromDbLanguage(row.language ?? row.user.language) ?? "en",
    topics: row.topics as Topic[],
    frequency: row.frequency,
    active: row.enabled,
    status: row.enabled ? "CONFIRMED" : "UNSUBSCRIBED",
    preferenceToken: preferenceToken({ kind: "user", userId: row.userId, preferenceTokenVersion: row.preferenceTokenVersion }),
  };
}

/** The preference centre's read: no sign-in, the link is the key. */
export async function subscriptionForToken(token: string): Promise<SubscriptionView> {
  return viewOf(await load(prisma(), token));
}

/**
 * Changes language, topics or frequency from the preference centre. `resubscribe` turns an unsubscribed entry
 * back on: the link came in a mail to this address, so following it and asking is fresh, explicit consent.
 */
export async function updateSubscription(token: string, input: Untrusted<PreferencesInput> & { resubscribe?: boolean }, now = new Date()) {
  const data = parseInput(preferencesSchema, input);
  return prisma().$transaction(async (tx) => {
    const loaded = await load(tx, token);
    const language: Language | undefined = data.language ? toDbLanguage(data.language) : undefined;
    const common = { language, topics: data.topics as Topic[] | undefined, frequency: data.frequency as DigestFrequency | undefined };
    if (loaded.kind === "subscriber") {
      const again = input.resubscribe && loaded.row.status === "UNSUBSCRIBED";
      const row = await tx.subscriber.update({
        where: { id: loaded.row.id },
        data: {
          ...common,
          ...(again
            ? { status: "CONFIRMED", confirmedAt: now, consentRequestedAt: now, consentSource: "preference-centre", unsubscribedAt: null }
            : {}),
        },
      });
      if (again) await liftForConsent(tx, row.email);
      return view(row);
    }
    const again = input.resubscribe && !loaded.row.enabled;
    await tx.userDigestPreference.update({ where: { userId: loaded.row.userId }, data: { ...common, ...(again ? { enabled: true } : {}) } });
    if (again) await liftForConsent(tx, loaded.row.user.email);
    return viewOf(await load(tx, token));
  });
}

/**
 * Stops the list the link belongs to and puts the address on the suppression list (reason UNSUBSCRIBED), so
 * no marketing or bulk mail reaches it any more; transactional mail is unaffected. Idempotent: a second POST
 * (mail clients retry) answers the same.
 */
export async function unsubscribe(token: string, now = new Date()) {
  return prisma().$transaction(async (tx) => {
    const loaded = await load(tx, token);
    if (loaded.kind === "subscriber") {
      if (loaded.row.status !== "UNSUBSCRIBED") {
        await tx.subscriber.update({ where: { id: loaded.row.id }, data: { status: "UNSUBSCRIBED", unsubscribedAt: now } });
      }
      await suppress(tx, loaded.row.email, "UNSUBSCRIBED", "unsubscribe link");
    } else {
      await tx.userDigestPreference.update({ where: { userId: loaded.row.userId }, data: { enabled: false } });
      await suppress(tx, loaded.row.user.email, "UNSUBSCRIBED", "unsubscribe link (partner digest)");
    }
    return viewOf(await load(tx, token));
  });
}

/**
 * Unconfirmed sign-ups past their expiry: a never-confirmed entry is deleted (no consent, nothing to keep); an
 * earlier subscriber who signed up again but did not confirm goes back to UNSUBSCRIBED. Run by the worker and
 * `npm run cli -- subscribers:purge`.
 */
export async function purgeExpiredSignUps(now = new Date(), opts: { chunk?: number } = {}) {
  const expired = { status: "PENDING" as const, confirmExpiresAt: { lt: now } };
  const chunk = opts.chunk ?? 1000;
  let deleted = 0;
  let reverted = 0;
  // A bounded statement at a time (the worker's job loop runs this; ADR 0029): ids first, then those rows.
  for (;;) {
    const ids = (await prisma().subscriber.findMany({ where: { ...expired, confirmedAt: null }, select: { id: true }, take: chunk })).map((r) => r.id);
    if (ids.length) deleted += (await prisma().subscriber.deleteMany({ where: { id: { in: ids }, ...expired, confirmedAt: null } })).count;
    if (ids.length < chunk) break;
  }
  for (;;) {
    const ids = (await prisma().subscriber.findMany({ where: expired, select: { id: true }, take: chunk })).map((r) => r.id);
    if (ids.length) reverted += (await prisma().subscriber.updateMany({ where: { id: { in: ids }, ...expired }, data: { status: "UNSUBSCRIBED", confirmTokenHash: null } })).count;
    if (ids.length < chunk) break;
  }
  return { deleted, reverted };
}
