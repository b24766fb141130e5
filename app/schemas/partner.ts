import { z } from "zod";
import { country, email, isSingleLine, language, multilineText, optionalText, text, url } from "./fields.ts";

export const SECTORS = ["RESEARCH", "GOVERNMENT", "IGO", "NGO", "PRIVATE", "OTHER"] as const;
export type SectorValue = (typeof SECTORS)[number];

/** Shared by the registration form and the GraphQL `registerPartner` input. */
export const partnerRegistrationSchema = z.object({
  name: text(200),
  sector: z.enum(SECTORS, { errorMap: () => ({ message: "invalid_sector" }) }),
  country,
  website: url,
  focalPointName: text(120),
  focalPointEmail: email,
  interests: z
    .array(z.string().trim().max(80, "too_long").refine(isSingleLine, "invalid_characters"))
    .max(20, "too_long")
    .default([])
    .transform((xs) => [...new Set(xs.filter(Boolean))]),
  language: language.default("en"),
  publicListing: z.boolean().default(false),
  consent: z.literal(true, { errorMap: () => ({ message: "consent_required" }) }),
});
export type PartnerRegistrationInput = z.input<typeof partnerRegistrationSchema>;

export const rejectionSchema = z.object({
  reason: z
    .string({ required_error: "reason_required", invalid_type_error: "reason_required" })
    .pipe(multilineText(2000))
    .pipe(z.string().min(1, "reason_required")),
});

export const memberInviteSchema = z.object({
  email,
  name: optionalText(120),
  role: z.enum(["FOCAL_POINT", "MEMBER"], { errorMap: () => ({ message: "invalid_role" }) }).default("MEMBER"),
});

/** What a focal point may change about their institution; its name and country stay as the team reviewed them. */
export const partnerDetailsSchema = partnerRegistrationSchema.pick({
  sector: true,
  website: true,
  focalPointName: true,
  focalPointEmail: true,
  interests: true,
  language: true,
  publicListing: true,
});

export const memberRoleSchema = z.enum(["FOCAL_POINT", "MEMBER"], { errorMap: () => ({ message: "invalid_role" }) });
