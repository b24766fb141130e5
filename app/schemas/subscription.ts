import { z } from "zod";
import { email, language } from "./fields.ts";
import { TOPICS } from "./topics.ts";
export const FREQUENCIES = ["WEEKLY", "MONTHLY"] as const;
export type FrequencyValue = (typeof FREQUENCIES)[number];

/**
 * The consent wording shown next to the form; its version is stored with each subscription as evidence. The text
 * follows the open/click counting switch (/admin/sends): one version promises no counting, the other says what is
 * counted. A sign-up must carry the version in force when it arrives (consentWordingFor).
 */
export const CONSENT_WORDING_VERSION = "2026-11-v1";
export const CONSENT_WORDING_COUNTED = "2026-12-counted";
export const CONSENT_WORDING_VERSIONS = [CONSENT_WORDING_VERSION, CONSENT_WORDING_COUNTED] as const;
export type ConsentWordingVersion = (typeof CONSENT_WORDING_VERSIONS)[number];
export const consentWordingFor = (counting: boolean): ConsentWordingVersion => (counting ? CONSENT_WORDING_COUNTED : CONSENT_WORDING_VERSION);

export const topics = z
  .array(z.enum(TOPICS, { errorMap: () => ({ message: "invalid_topic" }) }), { invalid_type_error: "invalid_topic" })
  .min(1, "topics_required")
  .max(TOPICS.length * 2, "invalid_topic")
  .transform((xs) => [...new Set(xs)]);
export const frequency = z.enum(FREQUENCIES, { errorMap: () => ({ message: "invalid_frequency" }) });

export const subscribeSchema = z.object({
  email,
  language,
  topics,
  frequency,
  consentWordingVersion: z.enum(CONSENT_WORDING_VERSIONS, { errorMap: () => ({ message: "invalid_input" }) }).optional(),
});
export type SubscribeInput = z.input<typeof subscribeSchema>;

export const preferencesSchema = z.object({
  language: language.optional(),
  topics: topics.optional(),
  frequency: frequency.optional(),
});
export type PreferencesInput = z.input<typeof preferencesSchema>;
