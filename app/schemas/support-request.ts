import { z } from "zod";
import { country, language, multilineText, optionalText, text } from "./fields.ts";
import { isRegion, regionOf, REGIONS } from "./regions.ts";

// One schema per request kind, shared by the forms (/requests/new) and the GraphQL inputs (ADR 0023).
export const SUPPORT_KINDS = ["SPEAKERS", "CONTENT", "CO_BRANDING", "HOSTING_WEBINAR"] as const;
export type SupportKindValue = (typeof SUPPORT_KINDS)[number];
export const REQUEST_STATUSES = ["NEW", "IN_REVIEW", "ACCEPTED", "DECLINED", "DONE"] as const;
export type RequestStatus = (typeof REQUEST_STATUSES)[number];
export const REQUEST_TYPES = ["EVENT_SUPPORT", "FIELD_CONNECTION"] as const;
export type RequestType = (typeof REQUEST_TYPES)[number];

/**
 * The moves staff may make: a decision can be revisited while the work is open (an accepted request that cannot go
 * ahead is declined, a declined one reopened for review); DONE closes the request.
 */
export const TRANSITIONS: Record<RequestStatus, readonly RequestStatus[]> = {
  NEW: ["IN_REVIEW", "ACCEPTED", "DECLINED"],
  IN_REVIEW: ["ACCEPTED", "DECLINED"],
  ACCEPTED: ["DONE", "DECLINED"],
  DECLINED: ["IN_REVIEW"],
  DONE: [],
};

const requiredText = (max: number) =>
  z
    .string({ required_error: "required", invalid_type_error: "required" })
    .pipe(multilineText(max))
    .pipe(z.string().min(1, "required"));

/** A calendar day, from a form (`2026-12-01`) or the API's DateTime; kept as midnight UTC of that day. */
const day = z.preprocess(
  (v) => (v instanceof Date ? v.toISOString().slice(0, 10) : typeof v === "string" ? v.trim().slice(0, 10) : v),
  z
    .string({ required_error: "required", invalid_type_error: "invalid_date" })
    .min(1, "required")
    .regex(/^\d{4}-\d{2}-\d{2}$/, "invalid_date")
    .transform((v) => new Date(`${v}T00:00:00Z`))
    .refine((d) => !Number.isNaN(d.getTime()), "invalid_date"),
);
const optionalDay = z.preprocess((v) => (v === "" || v === null ? undefined : v), day.optional());

const partnerId = z.string().trim().max(60).optional().transform((v) => v || undefined);

export const eventSupportSchema = z
  .object({
    partnerId,
    title: text(200),
    purpose: requiredText(5000),
    startsOn: day,
    endsOn: optionalDay,
    audience: text(300),
    languages: z.array(language, { invalid_type_error: "languages_required" }).min(1, "languages_required").max(3),
    supportKinds: z
      .array(z.enum(SUPPORT_KINDS, { errorMap: () => ({ message: "invalid_support_kind" }) }), { invalid_type_error: "support_kind_required" })
      .min(1, "support_kind_required")
      .max(SUPPORT_KINDS.length),
  })
  .superRefine((v, ctx) => {
    if (v.endsOn && v.endsOn < v.startsOn) ctx.addIssue({ code: "custom", path: ["endsOn"], message: "end_before_start" });
  })
  .transform((v) => ({ ...v, languages: [...new Set(v.languages)], supportKinds: [...new Set(v.supportKinds)] }));
export type EventSupportInput = z.input<typeof eventSupportSchema>;

const region = z
  .string({ invalid_type_error: "invalid_region" })
  .trim()
  .toUpperCase()
  .optional()
  .transform((v) => v || undefined)
  .refine((v) => v === undefined || isRegion(v), "invalid_region");

export const fieldConnectionSchema = z
  .object({
    partnerId,
    topic: text(200),
    country: z.preprocess((v) => (v === "" || v === null ? undefined : v), country.optional()),
    region,
    needs: requiredText(5000),
  })
  // A country names its region; a request for a whole region names the region alone.
  .transform((v, ctx) => {
    const fromCountry = v.country ? regionOf(v.country) : undefined;
    if (v.country && v.region && fromCountry && fromCountry !== v.region) {
      ctx.addIssue({ code: "custom", path: ["region"], message: "region_mismatch" });
      return z.NEVER;
    }
    const resolved = fromCountry ?? v.region;
    if (!resolved && !v.country) {
      ctx.addIssue({ code: "custom", path: ["region"], message: "region_required" });
      return z.NEVER;
    }
    return { ...v, region: resolved };
  });
export type FieldConnectionInput = z.input<typeof fieldConnectionSchema>;

export const requestUpdateSchema = z
  .object({
    status: z.enum(REQUEST_STATUSES, { errorMap: () => ({ message: "invalid_status" }) }).optional(),
    reason: z.preprocess((v) => v ?? undefined, multilineText(2000).optional()).transform((v) => v || undefined),
    /** A staff member's id; null (or "" from a form) removes the assignee; absent keeps it. */
    assigneeId: z.string().trim().max(60).nullable().optional().transform((v) => (v === "" ? null : v)),
    note: z.preprocess((v) => v ?? undefined, multilineText(5000).optional()).transform((v) => v || undefined),
    message: z.preprocess((v) => v ?? undefined, multilineText(5000).optional()).transform((v) => v || undefined),
  })
  .superRefine((v, ctx) => {
    if (v.status === "DECLINED" && !v.reason) ctx.addIssue({ code: "custom", path: ["reason"], message: "decline_reason_required" });
    if (v.status === undefined && v.assigneeId === undefined && !v.note && !v.message) {
      ctx.addIssue({ code: "custom", path: ["status"], message: "nothing_to_change" });
    }
  });
export type RequestUpdateInput = z.input<typeof requestUpdateSchema>;

export const requestFilterSchema = z.object({
  status: z.array(z.enum(REQUEST_STATUSES)).optional(),
  type: z.array(z.enum(REQUEST_TYPES)).optional(),
  region: z.array(z.enum(REGIONS)).optional(),
  assigneeId: z.string().max(60).optional(),
  unassigned: z.boolean().optional(),
  /** Only requests of the asking person's institutions (the account page, for staff who are also partners). */
  mine: z.boolean().optional(),
});
export type RequestFilter = z.input<typeof requestFilterSchema>;

export { optionalText };
