import { z } from "zod";
import { isTimeZone } from "../utils/time-zones.ts";
import { country, email, isSingleLine, language, multilineText, optionalText, text } from "./fields.ts";
import { speakerGender, storedGender } from "./gender.ts";

export const timeZone = z
  .string({ required_error: "required" })
  .trim()
  .refine((v) => isTimeZone(v), "invalid_time_zone");

const meetingUrl = z
  .string({ required_error: "required" })
  .trim()
  .max(500, "too_long")
  .refine((v) => isSingleLine(v) && /^https:\/\/[^\s/$.?#].[^\s]*$/i.test(v), "invalid_meeting_url");

const translation = z.object({
  language,
  title: text(200),
  description: multilineText(5000).default(""),
});

/** Every state of a webinar registration, in the order pages list them (the database enum RegistrationStatus). */
export const REGISTRATION_STATUSES = ["UNCONFIRMED", "PENDING_APPROVAL", "CONFIRMED", "WAITLISTED", "CANCELLED", "DENIED"] as const;
export const SPEAKER_ROLES = ["SPEAKER", "MODERATOR"] as const;
export const AUDIENCES = ["PUBLIC", "PARTNERS", "INVITED"] as const;

const speaker = z
  .object({
    name: text(120),
    affiliation: optionalText(200),
    role: z.enum(SPEAKER_ROLES, { errorMap: () => ({ message: "invalid_role" }) }).default("SPEAKER"),
    ...speakerGender,
  })
  .transform(({ gender, genderDescription, ...rest }) => ({ ...rest, gender: storedGender(gender, genderDescription) }));

const capacity = z
  .number({ invalid_type_error: "invalid_capacity" })
  .int("invalid_capacity")
  .min(1, "invalid_capacity")
  .max(100_000, "invalid_capacity")
  .nullable()
  .default(null);

export const MAX_QUESTIONS = 5;
/**
 * A question of the organiser's own, asked after the fixed ones, worded in one to three languages (readers get
 * theirs, else English, else the first written). Its id keys the answers, so it stays put when others change.
 * Stored as `{ id, labels: { en, fr, es } }`.
 */
const question = z
  .object({
    id: z.string().regex(/^q[1-9]$/, "invalid_input"),
    labels: z
      .array(z.object({ language, label: text(200) }))
      .min(1, "required")
      .max(3)
      .refine((ls) => new Set(ls.map((l) => l.language)).size === ls.length, "duplicate_language"),
  })
  .transform(({ id, labels }) => ({ id, labels: Object.fromEntries(labels.map((l) => [l.language, l.label])) as QuestionLabels }));
export type QuestionLabels = Partial<Record<z.infer<typeof language>, string>>;
export type WebinarQuestion = z.output<typeof question>;

const date = z.date({ required_error: "required", invalid_type_error: "invalid_date" });

/**
 * Wherever a person schedules or moves a webinar (the forms and the API), a start in the past is refused, in the
 * same parse as every other field so all messages come at once. Imports, the seed and tests record past events
 * by leaving the rule off.
 */
export interface PastRule {
  refusePast?: boolean;
  now?: Date;
}
export const startsAtFor = ({ refusePast, now }: PastRule) => (refusePast ? date.refine((d) => d > (now ?? new Date()), "date_in_past") : date);

const webinarFields = {
  translations: z
    .array(translation)
    .min(1, "required")
    .max(3)
    .refine((ts) => new Set(ts.map((t) => t.language)).size === ts.length, "duplicate_language"),
  startsAt: date,
  endsAt: date,
  timeZone,
  meetingUrl,
  capacity,
  audience: z.enum(AUDIENCES, { errorMap: () => ({ message: "invalid_audience" }) }).default("PUBLIC"),
  requiresApproval: z.boolean().default(false),
  askInstitution: z.boolean().default(true),
  askCountry: z.boolean().default(true),
  askAccessNeeds: z.boolean().default(true),
  speakers: z.array(speaker).max(30).default([]),
  questions: z
    .array(question)
    .max(MAX_QUESTIONS, "too_long")
    .refine((qs) => new Set(qs.map((q) => q.id)).size === qs.length, "duplicate_question")
    .default([]),
};

const endAfterStart = (v: { startsAt?: Date; endsAt?: Date }) => !v.startsAt || !v.endsAt || v.endsAt > v.startsAt;

/** The schedule form and the API's scheduleWebinar parse with this one schema (`refusePast: true` for both). */
export const scheduleWebinarSchema = (rule: PastRule = {}) =>
  z.object({ ...webinarFields, startsAt: startsAtFor(rule) }).refine(endAfterStart, { message: "end_before_start", path: ["endsAt"] });
export type ScheduleWebinarInput = z.input<ReturnType<typeof scheduleWebinarSchema>>;

/** Every field optional: only what is given changes. A past start is checked once the change of time is known. */
export const updateWebinarSchema = z
  .object(webinarFields)
  .partial()
  .refine(endAfterStart, { message: "end_before_start", path: ["endsAt"] });
export type UpdateWebinarInput = z.input<typeof updateWebinarSchema>;

export const webinarRegistrationSchema = z.object({
  email,
  name: text(120),
  institution: optionalText(200),
  country: country.optional().or(z.literal("").transform(() => undefined)),
  captions: z.boolean().default(false),
  signLanguage: z.boolean().default(false),
  interpretationLanguage: optionalText(60),
  language: language.default("en"),
  timeZone: timeZone.default("UTC"),
  answers: z.record(z.string().regex(/^q[1-9]$/), multilineText(1000)).default({}),
});
export type WebinarRegistrationInput = z.input<typeof webinarRegistrationSchema>;
