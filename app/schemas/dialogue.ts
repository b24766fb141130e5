import { z } from "zod";
import { email, language, multilineText, text } from "./fields.ts";

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
export const editPostSchema = z.object({ body });

/** An invitation to an institution's focal point(s) instead of one typed address. */
export const dialogueInstitutionInviteSchema = z.object({
  partnerId: z.string({ required_error: "required", invalid_type_error: "required" }).min(1, "required").max(64),
  role: z.enum(["FACILITATOR", "MEMBER"], { errorMap: () => ({ message: "invalid_role" }) }).default("MEMBER"),
});
