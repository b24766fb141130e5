import { z } from "zod";
import { optionalText } from "./fields.ts";

/** Optional answers for participation statistics (ADR 0022): closed choices, words only for self-description. */
export const GENDERS = ["woman", "man", "non-binary", "self-described", "prefer-not-to-say"] as const;
export const AGE_BANDS = ["under-25", "25-34", "35-49", "50-64", "65-plus", "prefer-not-to-say"] as const;
export type Gender = (typeof GENDERS)[number];
export type AgeBand = (typeof AGE_BANDS)[number];

const optionalChoice = <T extends readonly [string, ...string[]]>(values: T, message: string) =>
  z
    .enum(values, { errorMap: () => ({ message }) })
    .optional()
    .or(z.literal("").transform(() => undefined));

export const demographicsSchema = z
  .object({
    gender: optionalChoice(GENDERS, "invalid_gender"),
    genderDescription: optionalText(60),
    ageBand: optionalChoice(AGE_BANDS, "invalid_choice"),
  })
  // Words describe only a self-described gender; with any other choice they are dropped, not stored.
  .transform((d) => ({ ...d, genderDescription: d.gender === "self-described" ? d.genderDescription : undefined }));

export type DemographicsInput = z.infer<typeof demographicsSchema>;

export const answered = (d: DemographicsInput) => !!(d.gender || d.ageBand);
