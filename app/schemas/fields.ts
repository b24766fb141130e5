import { z } from "zod";
import { AppError } from "../services/errors.ts";
import { COUNTRY_CODES } from "./countries.ts";

// Messages are error keys (app/i18n/errors.ts): each surface translates them into the reader's language.
export const email = z
  .string({ required_error: "required", invalid_type_error: "required" })
  .trim()
  .toLowerCase()
  .min(1, "required")
  .max(254, "too_long")
  .email("invalid_email");

// Single-line values end up in mail subjects and headers, CSV exports and calendar lines: no control
// characters (C0, DEL, C1) and no unpaired surrogates. Multi-line values may keep newlines and tabs.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
// eslint-disable-next-line no-control-regex
const CONTROL_BUT_LINES = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
export const isSingleLine = (v: string) => !CONTROL.test(v);
export const isMultiLine = (v: string) => !CONTROL_BUT_LINES.test(v);

export const text = (max: number) =>
  z
    .string({ required_error: "required", invalid_type_error: "required" })
    .trim()
    .min(1, "required")
    .max(max, "too_long")
    .refine(isSingleLine, "invalid_characters");

export const optionalText = (max: number) =>
  z
    .string({ invalid_type_error: "required" })
    .trim()
    .max(max, "too_long")
    .refine(isSingleLine, "invalid_characters")
    .optional()
    .transform((v) => (v ? v : undefined));

/** Descriptions, reasons, messages: newlines (browsers submit CRLF, stored as LF) and tabs are kept. */
export const multilineText = (max: number) =>
  z
    .string({ invalid_type_error: "required" })
    .transform((v) => v.replace(/\r\n?/g, "\n").trim())
    .pipe(z.string().max(max, "too_long").refine(isMultiLine, "invalid_characters"));

export const url = z
  .string()
  .trim()
  .max(300, "too_long")
  .refine(isSingleLine, "invalid_url")
  .optional()
  .transform((v) => (v ? v : undefined))
  .refine((v) => !v || /^https?:\/\/[^\s/$.?#].[^\s]*$/i.test(v), "invalid_url");

export const country = z
  .string({ required_error: "required" })
  .trim()
  .toUpperCase()
  .refine((v) => COUNTRY_CODES.has(v), "invalid_country");

export const language = z.enum(["en", "fr", "es"], { errorMap: () => ({ message: "invalid_language" }) });

/** Optional free text given to a use case outside a schema (a cancel reason, a denial message). */
export function optionalMultiline(field: string, value: string | null | undefined, max: number): string | null {
  const normalised = (value ?? "").replace(/\r\n?/g, "\n").trim();
  if (!isMultiLine(normalised)) throw new AppError("BAD_USER_INPUT", "invalid_input", { [field]: { key: "invalid_characters" } });
  return normalised.slice(0, max) || null;
}
