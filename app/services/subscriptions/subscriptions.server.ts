import { enqueueEmail } from "../../../emails/outbox.ts";
import { alreadySubscribedEmail, subscriptionConfirmEmail } from "../../../emails/templates/subscriptions.tsx";
import type { DigestFrequency, Language, Subscriber, SubscriberStatus } from "../../generated/prisma/client.ts";
import type { TopicValue as Topic } from "../../schemas/topics.ts";
import { fromDbLanguage, toDbLanguage, type Lang } from "../../i18n/index.ts";
import { consentWordingFor, preferencesSchema, subscribeSchema, type PreferencesInput, type SubscribeInput } from "../../schemas/subscription.ts";
import { parseInput } from "../../schemas/validate.ts";
import { prisma, type Client } from "../../utils/db.server.ts";
import { env } from "../../utils/env.server.ts";
import { randomToken, sha256 } from "../crypto.server.ts";
import { AppError } from "../errors.ts";
import { trackingEnabled } from "../sends/tracking.server.ts";
import { addressKey, enforce, hit, LIMITS, requesterKey } from "../rate-limit.server.ts";
import { preferenceToken, preferenceUrl, readPreferenceToken } from "./links.server.ts";
import { confirmDigest, isDigestConfirmation } from "./partner-digest.server.ts";
import { isSuppressed, liftForConsent, suppress } from "./suppression.server.ts";

/** Hours a confirmation link works (SUBSCRIPTION_CONFIRM_HOURS, 48 by default); the mail and the page say so. */
export const confirmTtlHours = () => env().SUBSCRIPTION_CONFIRM_HOURS;

/** Where a consent or a withdrawal came from, kept as evidence (never an IP address). */
export type ConsentSource = "web" | "graphql" | "preference-centre" | "one-click" | "account";

const invalidLink = () => new AppError("BAD_USER_INPUT", "subscription_link_invalid", { token: { key: "subscription_link_invalid" } });

/** Loose on purpose: forms and GraphQL hand over what they received; the schema decides. */
type Untrusted<T> = { [K in keyof T]?: unknown };

/** The silent per-requester and per-address limits of every path that mails a confirmation link. */
async function withinSignUpLimits(email: string, ip: string | undefined, now: Date) {
  if (!ip) return true;
  await enforce(`subscribe:ip:${requesterKey(ip)}`, LIMITS.subscribe.perIp, now);
  await enforce("subscribe:global", LIMITS.subscribe.global, now);
  return (await hit(`subscribe:to:${addressKey(email)}`, LIMITS.subscribe.perAddress, now)).allowed;
}

/**
 * Puts an entry (new, unsubscribed, suppressed or pending) into PENDING with a fresh single-use confirmation
 * link and mails it; older confirmation links stop working. Nothing is lifted or sent to until it is followed.
 */
async function startDoubleOptIn(
  tx: Client,
  existing: Subscriber | null,
  data: { email: string; language: Lang; topics: Topic[]; frequency: DigestFrequency; consentWordingVersion: string },
  source: ConsentSource,
  now: Date,
) {
  const token = randomToken();
  const hours = confirmTtlHours();
  const fields = {
    language: toDbLanguage(data.language),
    topics: data.topics,
    frequency: data.frequency,
    status: "PENDING" as SubscriberStatus,
    confirmTokenHash: sha256(token),
    confirmExpiresAt: new Date(now.getTime() + hours * 3600_000),
    consentRequestedAt: now,
    consentSource: source,
    consentWordingVersion: data.consentWordingVersion,
  };
  const row = existing
    ? await tx.subscriber.update({ where: { id: existing.id }, data: fields })
    : await tx.subscriber.create({ data: { email: data.email, ...fields } });
  const url = `${env().APP_URL}/subscribe/confirm/${encodeURIComponent(token)}`;
  const mail = subscriptionConfirmEmail(data.language, url, hours);
  await enqueueEmail(tx, { key: `subscription-confirm:${row.id}:${sha256(token).slice(0, 16)}`, to: row.email, ...mail });
  return row;
}

/** The consent wording in force: the one that matches the open/click counting switch. */
export async function currentConsentWording(db: Client = prisma()) {
  return consentWordingFor(await trackingEnabled(db));
}

/**
 * Double opt-in sign-up. Always answers `{ ok: true }` for valid input, whether the address is new, pending,
 * confirmed, unsubscribed or over its silent limit, so the answer never tells whether someone subscribed.
 * New, pending, unsubscribed or suppressed: (re)sends a fresh confirmation link (older ones stop working).
 * Confirmed and receiving mail: changes nothing (a stranger must not change someone's preferences) and mails the
 * owner their preference link instead.
 */
export async function subscribe(input: Untrusted<SubscribeInput> & { source?: ConsentSource }, opts: { ip?: string; now?: Date } = {}) {
  const data = parseInput(subscribeSchema, input);
  const now = opts.now ?? new Date();
  if (!(await withinSignUpLimits(data.email, opts.ip, now))) return { ok: true as const };
  await prisma().$transaction(async (tx) => {
    const existing = await tx.subscriber.findUnique({ where: { email: data.email } });
    // A bounce or complaint leaves a confirmed entry suppressed: only a new double opt-in brings the mail back.
    if (existing?.status === "CONFIRMED" && !(await isSuppressed(tx, existing.email))) {
      const url = preferenceUrl({ kind: "subscriber", id: existing.id, preferenceTokenVersion: existing.preferenceTokenVersion });
      const mail = alreadySubscribedEmail(fromDbLanguage(existing.language) ?? "en", url);
      await enqueueEmail(tx, { key: `subscription-already:${existing.id}:${now.getTime()}`, to: existing.email, ...mail });
      return;
    }
    // The reader agreed to the wording on their page; if counting was switched since, they have not agreed to this one.
    const wording = await currentConsentWording(tx);
    if (data.consentWordingVersion && data.consentWordingVersion !== wording) {
      throw new AppError("BAD_USER_INPUT", "consent_wording_changed", { wording: { key: "consent_wording_changed" } });
    }
    const fields = { ...data, consentWordingVersion: wording, topics: data.topics as Topic[], frequency: data.frequency as DigestFrequency };
    await startDoubleOptIn(tx, existing, fields, input.source ?? "web", now);
  });
  return { ok: true as const };
}

/**
 * Follows the emailed link, once and before it expires: the subscription becomes CONFIRMED, with the time as
 * consent evidence, the preference link is renewed (links of any earlier subscription stop working) and any
 * suppression that explicit consent lifts is lifted: this completed double opt-in is the only thing that lifts it.
 */
export async function confirmSubscription(token: string, now = new Date()): Promise<SubscriptionView> {
  if (typeof token !== "string" || !token || token.length > 200) throw invalidLink();
  if (isDigestConfirmation(token)) {
    const row = await confirmDigest(token, now);
    return viewOf({ kind: "user", row, access: "full", token: "" });
  }
  return prisma().$transaction(async (tx) => {
    const row = await tx.subscriber.findUnique({ where: { confirmTokenHash: sha256(token) } });
    if (!row || row.status === "UNSUBSCRIBED") throw invalidLink();
    // Used: answering again would hand the preference link to whoever holds an old confirmation mail.
    if (row.status === "CONFIRMED") throw new AppError("BAD_USER_INPUT", "subscription_link_used", { token: { key: "subscription_link_used" } });
    if (!row.confirmExpiresAt || row.confirmExpiresAt <= now) {
      throw new AppError("BAD_USER_INPUT", "subscription_link_expired", { token: { key: "subscription_link_expired" } });
    }
    const confirmed = await tx.subscriber.update({
      where: { id: row.id },
      data: { status: "CONFIRMED", confirmedAt: now, unsubscribedAt: null, preferenceTokenVersion: { increment: 1 } },
    });
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

/**
 * The subscription a preference/unsubscribe link names, and what the link may still do (ADR 0041). While the
 * list is on, only the current link opens it ("full"); once it is off, every link it ever carried may unsubscribe
 * again and show that it is off ("unsubscribe-only"), which is all a one-click POST from old mail needs. A link from
 * before a later (re)subscription, or an invalid one, is NOT_FOUND.
 */
async function load(db: Client, token: string) {
  const target = readPreferenceToken(token);
  const notFound = () => new AppError("NOT_FOUND", "not_found");
  if (!target) throw notFound();
  if (target.kind === "subscriber") {
    const row = await db.subscriber.findUnique({ where: { id: target.id } });
    if (!row || target.version > row.preferenceTokenVersion) throw notFound();
    const active = row.status === "CONFIRMED";
    if (active && target.version !== row.preferenceTokenVersion) throw notFound();
    return { kind: "subscriber" as const, row, access: active ? ("full" as const) : ("unsubscribe-only" as const), token };
  }
  const row = await db.userDigestPreference.findUnique({ where: { userId: target.id }, include: { user: true } });
  if (!row || target.version > row.preferenceTokenVersion) throw notFound();
  if (row.enabled && target.version !== row.preferenceTokenVersion) throw notFound();
  return { kind: "user" as const, row, access: row.enabled ? ("full" as const) : ("unsubscribe-only" as const), token };
}

type Loaded = Awaited<ReturnType<typeof load>>;

function viewOf(loaded: Loaded): SubscriptionView {
  // A link that may only unsubscribe is handed back as it came: no newer link is ever given out for it.
  if (loaded.kind === "subscriber") return loaded.access === "full" ? view(loaded.row) : { ...view(loaded.row), preferenceToken: loaded.token };
  const { row } = loaded;
  return {
    kind: "PARTNER",
    email: row.user.email,
    language: fromDbLanguage(row.language ?? row.user.language) ?? "en",
    topics: row.topics as Topic[],
    frequency: row.frequency,
    active: row.enabled,
    status: row.enabled ? "CONFIRMED" : "UNSUBSCRIBED",
    preferenceToken:
      loaded.access === "full" ? preferenceToken({ kind: "user", userId: row.userId, preferenceTokenVersion: row.preferenceTokenVersion }) : loaded.token,
  };
}

/** The preference centre's read: no sign-in, the link is the key. */
export async function subscriptionForToken(token: string): Promise<SubscriptionView> {
  return viewOf(await load(prisma(), token));
}

const inactive = () => new AppError("BAD_USER_INPUT", "subscription_inactive", { token: { key: "subscription_inactive" } });

/**
 * Changes language, topics or frequency from the preference centre while the list is on. Once it is off, a
 * link (perhaps in a forwarded mail) changes nothing: `resubscribe` only mails a fresh confirmation link to the
 * address, with the chosen preferences, and the owner decides by following it. A partner person turns the
 * digest back on from their account instead.
 */
export async function updateSubscription(
  token: string,
  input: Untrusted<PreferencesInput> & { resubscribe?: boolean },
  opts: { ip?: string; now?: Date } = {},
) {
  const data = parseInput(preferencesSchema, input);
  const now = opts.now ?? new Date();
  // The limits count outside the transaction (the embedded database has one connection).
  const before = await load(prisma(), token);
  const allowed = before.access === "full" || !input.resubscribe || before.kind === "user" || (await withinSignUpLimits(before.row.email, opts.ip, now));
  return prisma().$transaction(async (tx) => {
    const loaded = await load(tx, token);
    if (loaded.access !== "full") {
      if (!input.resubscribe) throw inactive();
      if (loaded.kind === "user") throw new AppError("BAD_USER_INPUT", "digest_resubscribe_from_account", { token: { key: "digest_resubscribe_from_account" } });
      const { row } = loaded;
      if (allowed) {
        const chosen = {
          email: row.email,
          language: data.language ?? fromDbLanguage(row.language) ?? "en",
          topics: (data.topics ?? row.topics) as Topic[],
          frequency: (data.frequency ?? row.frequency) as DigestFrequency,
          consentWordingVersion: await currentConsentWording(tx),
        };
        const pending = await startDoubleOptIn(tx, row, chosen, "preference-centre", now);
        return viewOf({ ...loaded, row: pending });
      }
      return viewOf(loaded);
    }
    const language: Language | undefined = data.language ? toDbLanguage(data.language) : undefined;
    const common = { language, topics: data.topics as Topic[] | undefined, frequency: data.frequency as DigestFrequency | undefined };
    if (loaded.kind === "subscriber") return view(await tx.subscriber.update({ where: { id: loaded.row.id }, data: common }));
    await tx.userDigestPreference.update({ where: { userId: loaded.row.userId }, data: common });
    return viewOf(await load(tx, token));
  });
}

/**
 * Stops the list the link belongs to and puts the address on the suppression list (reason UNSUBSCRIBED), so
 * no marketing or bulk mail reaches it any more; transactional mail is unaffected. The preference link is
 * renewed, so the links already sent can only unsubscribe from then on; a pending re-subscription is dropped (its
 * confirmation link stops working). Idempotent: a second POST (mail clients retry) answers the same.
 */
export async function unsubscribe(token: string, now = new Date()) {
  return prisma().$transaction(async (tx) => {
    const loaded = await load(tx, token);
    if (loaded.kind === "subscriber") {
      const { row } = loaded;
      if (row.status !== "UNSUBSCRIBED") {
        const rotate = row.status === "CONFIRMED" ? { preferenceTokenVersion: { increment: 1 } } : {};
        await tx.subscriber.update({ where: { id: row.id }, data: { status: "UNSUBSCRIBED", unsubscribedAt: now, confirmTokenHash: null, ...rotate } });
      }
      await suppress(tx, row.email, "UNSUBSCRIBED", "unsubscribe link");
    } else {
      if (loaded.row.enabled) {
        await tx.userDigestPreference.update({ where: { userId: loaded.row.userId }, data: { enabled: false, preferenceTokenVersion: { increment: 1 } } });
      }
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
