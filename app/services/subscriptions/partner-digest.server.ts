import type { DigestFrequency } from "../../generated/prisma/client.ts";
import type { TopicValue as Topic } from "../../schemas/topics.ts";
import { fromDbLanguage, toDbLanguage, type Lang } from "../../i18n/index.ts";
import { frequency, topics } from "../../schemas/subscription.ts";
import { language } from "../../schemas/fields.ts";
import { parseInput } from "../../schemas/validate.ts";
import { enqueueEmail } from "../../../emails/outbox.ts";
import { subscriptionConfirmEmail } from "../../../emails/templates/subscriptions.tsx";
import { prisma, type Client } from "../../utils/db.server.ts";
import { env } from "../../utils/env.server.ts";
import { AppError } from "../errors.ts";
import { signId, verifySignedId } from "../signed-links.server.ts";
import { z } from "zod";
import { authorize, requireUser, type Actor } from "../policy.server.ts";
import { isSuppressed, liftForConsent } from "./suppression.server.ts";

const asLang = (value: string | null): Lang => (value === "fr" || value === "es" ? value : "en");

export interface PartnerDigestView {
  enabled: boolean;
  frequency: DigestFrequency;
  topics: Topic[];
  /** null: the account's language. */
  language: Lang | null;
}

const DEFAULTS: PartnerDigestView = { enabled: false, frequency: "MONTHLY", topics: [], language: null };

/** A signed-in person's own digest options (off until they turn them on on /account). */
export async function myDigestPreference(actor: Actor): Promise<PartnerDigestView> {
  authorize(actor, { do: "account.manage" });
  const me = requireUser(actor);
  const row = await prisma().userDigestPreference.findUnique({ where: { userId: me.id } });
  if (!row) return DEFAULTS;
  return { enabled: row.enabled, frequency: row.frequency, topics: row.topics as Topic[], language: fromDbLanguage(row.language) ?? null };
}

const schema = z.object({
  enabled: z.boolean(),
  frequency,
  // Turning the digest off keeps the chosen topics; turning it on needs at least one.
  topics: z.array(z.string()).default([]),
  language: language.nullable().default(null),
});

/**
 * Saves the options. Turning the digest back on renews its preference link; if the address is suppressed (an
 * earlier unsubscribe, a bounce or a complaint), a confirmation link goes to it and the suppression is lifted only
 * when it is followed (ADR 0041): a session may be days old and used by someone else.
 */
export async function setMyDigestPreference(
  actor: Actor,
  input: z.input<typeof schema>,
  now = new Date(),
): Promise<PartnerDigestView & { confirmationSent: boolean }> {
  authorize(actor, { do: "account.manage" });
  const me = requireUser(actor);
  const data = parseInput(schema, input);
  const chosen = data.enabled || data.topics.length ? parseInput(z.object({ topics }), { topics: data.topics }).topics : [];
  const values = {
    enabled: data.enabled,
    frequency: data.frequency as DigestFrequency,
    topics: chosen as Topic[],
    language: data.language ? toDbLanguage(data.language) : null,
  };
  const confirmationSent = await prisma().$transaction(async (tx) => {
    const before = await tx.userDigestPreference.findUnique({ where: { userId: me.id } });
    const turningOn = values.enabled && !before?.enabled;
    const rotate = turningOn && before ? { preferenceTokenVersion: { increment: 1 } } : {};
    const row = await tx.userDigestPreference.upsert({ where: { userId: me.id }, create: { userId: me.id, ...values }, update: { ...values, ...rotate } });
    if (!turningOn || !(await isSuppressed(tx, me.email))) return false;
    await mailDigestConfirmation(tx, { id: me.id, email: me.email, language: fromDbLanguage(row.language) ?? asLang(me.language) }, row.preferenceTokenVersion, now);
    return true;
  });
  return { ...(await myDigestPreference(actor)), confirmationSent };
}

// The link names the preference's version: following it renews the version, so it works once.
async function mailDigestConfirmation(tx: Client, who: { id: string; email: string; language: Lang }, version: number, now: Date) {
  const hours = env().SUBSCRIPTION_CONFIRM_HOURS;
  const expires = Math.floor(now.getTime() / 1000) + hours * 3600;
  const token = signId("digest-confirm", `d_${who.id}_${version}_${expires}`);
  const mail = subscriptionConfirmEmail(who.language, `${env().APP_URL}/subscribe/confirm/${token}`, hours);
  await enqueueEmail(tx, { key: `digest-confirm:${who.id}:${version}`, to: who.email, ...mail });
}

/** Whether a confirmation key is a partner digest's (the subscribers' keys are random, without this prefix). */
export const isDigestConfirmation = (token: string) => token.startsWith("d_");

/** Follows a partner digest's confirmation link: lifts the suppression and renews the preference link. */
export async function confirmDigest(token: string, now = new Date()) {
  const invalid = () => new AppError("BAD_USER_INPUT", "subscription_link_invalid", { token: { key: "subscription_link_invalid" } });
  const m = /^d_([a-z0-9]{1,40})_(\d{1,6})_(\d{1,12})$/.exec(verifySignedId("digest-confirm", token) ?? "");
  if (!m) throw invalid();
  if (Number(m[3]) * 1000 <= now.getTime()) throw new AppError("BAD_USER_INPUT", "subscription_link_expired", { token: { key: "subscription_link_expired" } });
  return prisma().$transaction(async (tx) => {
    const row = await tx.userDigestPreference.findUnique({ where: { userId: m[1] }, include: { user: true } });
    if (!row || !row.enabled || row.preferenceTokenVersion !== Number(m[2])) throw invalid();
    const renewed = await tx.userDigestPreference.update({ where: { userId: row.userId }, data: { preferenceTokenVersion: { increment: 1 } }, include: { user: true } });
    await liftForConsent(tx, row.user.email);
    return renewed;
  });
}
