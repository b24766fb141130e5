import { z } from "zod";
import { optionalText } from "./fields.ts";

/** The choices offered for a speaker's gender; anything else is the person's own words (self-described). */
export const SPEAKER_GENDERS = ["woman", "man", "non-binary", "self-described", "prefer-not-to-say"] as const;
export type SpeakerGenderChoice = (typeof SPEAKER_GENDERS)[number];
export type GenderCategory = "woman" | "man" | "non-binary" | "self-described" | "undisclosed";

/** Maps a stored, possibly free-text gender to a reporting category; anything not clearly declared stays undisclosed. */
export function genderCategory(value: string | null | undefined): GenderCategory {
  const v = (value ?? "").trim().toLowerCase();
  if (!v || /prefer|rather not|pas à dire|prefiero|no dir|ne souhaite/.test(v)) return "undisclosed";
  if (/^(woman|female|f|femme|mujer|femenino|féminin)$/.test(v)) return "woman";
  if (/^(man|male|m|homme|hombre|masculino|masculin)$/.test(v)) return "man";
  if (/non[- ]?bin(ar|air)|no[- ]?binari/.test(v)) return "non-binary";
  return "self-described";
}

/** What is stored: the choice in plain words, or the person's own description when they gave one. */
export function storedGender(choice: SpeakerGenderChoice | undefined, description: string | undefined): string | undefined {
  if (choice === "prefer-not-to-say") return "prefer not to say";
  if (choice === "self-described" || (!choice && description)) return description ?? "self-described";
  return choice;
}

/** The other way, to fill the form again and to answer the API with the same closed set. */
export function genderChoice(stored: string | null | undefined): { choice: SpeakerGenderChoice | null; description: string | null } {
  if (!stored?.trim()) return { choice: null, description: null };
  const category = genderCategory(stored);
  if (category === "undisclosed") return { choice: "prefer-not-to-say", description: null };
  if (category === "self-described") return { choice: "self-described", description: stored };
  return { choice: category, description: null };
}

const choice = z
  .enum(SPEAKER_GENDERS, { errorMap: () => ({ message: "invalid_gender" }) })
  .optional()
  .or(z.literal("").transform(() => undefined));

/** Shared by the webinar form and the GraphQL speaker input: a choice, plus words only for self-description. */
export const speakerGender = {
  gender: choice,
  genderDescription: optionalText(60),
};
