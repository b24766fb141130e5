import { z } from "zod";
import { COUNTRY_CODES } from "./countries.ts";

// Messages are error keys (app/i18n/errors.ts): each surface translates them into the reader's language.
export const email = z
  .string({ required_error: "required", invalid_type_error: "required" })
  .trim()
  .toLowerCase()
  .min(1, "required")
  .max(254, "too_long")
  .email("invalid_email");

export const text = (max: number) =>
  z.string({ required_error: "required", invalid_type_error: "required" }).trim().min(1, "required").max(max, "too_long");

export const optionalText = (max: number) =>
  z
    .string()
    .trim()
    .max(max, "too_long")
    .optional()
    .transform((v) => (v ? v : undefined));

export const url = z
  .string()
  .trim()
  .max(300, "too_long")
  .optional()
  .transform((v) => (v ? v : undefined))
  .refine((v) => !v || /^https?:\/\/[^\s/$.?#].[^\s]*$/i.test(v), "invalid_url");

export const country = z
  .string({ required_error: "required" })
  .trim()
  .toUpperCase()
  .refine((v) => COUNTRY_CODES.has(v), "invalid_country");

export const language = z.enum(["en", "fr", "es"], { errorMap: () => ({ message: "invalid_language" }) });
