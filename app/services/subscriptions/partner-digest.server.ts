import type { DigestFrequency } from "../../generated/prisma/client.ts";
import type { TopicValue as Topic } from "../../schemas/topics.ts";
import { fromDbLanguage, toDbLanguage, type Lang } from "../../i18n/index.ts";
import { frequency, topics } from "../../schemas/subscription.ts";
import { language } from "../../schemas/fields.ts";
import { parseInput } from "../../schemas/validate.ts";
import { prisma } from "../../utils/db.server.ts";
import { z } from "zod";
import { authorize, requireUser, type Actor } from "../policy.server.ts";
import { liftForConsent } from "./suppression.server.ts";

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
 * Saves the options; turning the digest on is explicit consent from the signed-in owner of the address, so
 * an earlier unsubscribe (or bounce) suppression is lifted, like a confirmed subscription.
 */
export async function setMyDigestPreference(actor: Actor, input: z.input<typeof schema>): Promise<PartnerDigestView> {
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
  await prisma().$transaction(async (tx) => {
    const before = await tx.userDigestPreference.findUnique({ where: { userId: me.id } });
    await tx.userDigestPreference.upsert({ where: { userId: me.id }, create: { userId: me.id, ...values }, update: values });
    if (values.enabled && !before?.enabled) await liftForConsent(tx, me.email);
  });
  return myDigestPreference(actor);
}
