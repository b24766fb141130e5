import { z } from "zod";
import { email, isSingleLine, language, multilineText, optionalText, text } from "./fields.ts";
import { timeZone } from "./webinar.ts";

const translation = z.object({ language, title: text(200), description: multilineText(5000).default("") });

export const dialogueSchema = z.object({
  visibility: z.enum(["SECRET", "PRIVATE"], { errorMap: () => ({ message: "invalid_input" }) }).default("SECRET"),
  chathamHouse: z.boolean().default(false),
  translations: z
    .array(translation)
    .min(1, "required")
    .max(3)
    .refine((ts) => new Set(ts.map((t) => t.language)).size === ts.length, "duplicate_language"),
});
export type DialogueInput = z.input<typeof dialogueSchema>;

export const dialogueUpdateSchema = dialogueSchema.partial();

export const dialogueInviteSchema = z.object({
  email,
  role: z.enum(["FACILITATOR", "MEMBER"], { errorMap: () => ({ message: "invalid_role" }) }).default("MEMBER"),
});

const body = z
  .string({ required_error: "required", invalid_type_error: "required" })
  .transform((v) => v.replace(/\r\n?/g, "\n").trim())
  .pipe(multilineText(20_000).pipe(z.string().min(1, "required")));

export const postSchema = z.object({ body, attributable: z.boolean().default(false) });
export const threadSchema = z.object({ title: text(200), body, attributable: z.boolean().default(false) });

const date = z.date({ required_error: "required", invalid_type_error: "invalid_date" });
const meetingUrl = z
  .string()
  .trim()
  .max(500, "too_long")
  .optional()
  .transform((v) => (v ? v : undefined))
  .refine((v) => !v || (isSingleLine(v) && /^https:\/\/[^\s/$.?#].[^\s]*$/i.test(v)), "invalid_meeting_url");

/** A session has one Markdown agenda, written in the language the dialogue works in (ADR 0020). */
export const dialogueSessionSchema = z
  .object({
    title: text(200),
    agenda: multilineText(20_000).default(""),
    startsAt: date,
    endsAt: date,
    timeZone,
    location: optionalText(300),
    meetingUrl,
  })
  .refine((v) => v.endsAt > v.startsAt, { message: "end_before_start", path: ["endsAt"] });
export type DialogueSessionInput = z.input<typeof dialogueSessionSchema>;

export const outcomeSchema = z.object({
  body,
  documentIds: z.array(z.string().max(64)).max(20).default([]),
});

export const editPostSchema = z.object({ body });

/** An invitation to an institution's focal point(s) instead of one typed address. */
export const dialogueInstitutionInviteSchema = z.object({
  partnerId: z.string({ required_error: "required", invalid_type_error: "required" }).min(1, "required").max(64),
  role: z.enum(["FACILITATOR", "MEMBER"], { errorMap: () => ({ message: "invalid_role" }) }).default("MEMBER"),
});
