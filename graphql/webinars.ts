import { can } from "../app/services/policy.server.ts";
import {
  approveWebinarRegistration,
  cancelWebinarRegistration,
  denyWebinarRegistration,
  listRegistrations,
  registerForWebinar,
} from "../app/services/webinar-registrations.server.ts";
import { recordAttendance } from "../app/services/webinar-followup.server.ts";
import {
  cancelWebinar,
  getWebinar,
  listWebinars,
  panelBalance,
  scheduleWebinar,
  updateWebinar,
  webinarText,
  type WebinarWithText,
} from "../app/services/webinars.server.ts";
import { isLang } from "../app/i18n/index.ts";
import type { WebinarRegistration as RegistrationRow } from "../app/generated/prisma/client.ts";
import { builder } from "./builder.ts";
import { Language } from "./enums.ts";

const WebinarStatus = builder.enumType("WebinarStatus", { values: ["SCHEDULED", "CANCELLED"] as const });
const WebinarAudience = builder.enumType("WebinarAudience", { values: ["PUBLIC", "PARTNERS", "INVITED"] as const });
const SpeakerRole = builder.enumType("SpeakerRole", { values: ["SPEAKER", "MODERATOR"] as const });
const RegistrationStatus = builder.enumType("RegistrationStatus", {
  values: ["UNCONFIRMED", "PENDING_APPROVAL", "CONFIRMED", "WAITLISTED", "CANCELLED", "DENIED"] as const,
});

builder.prismaObject("WebinarTranslation", {
  fields: (t) => ({ language: t.expose("language", { type: Language }), title: t.exposeString("title"), description: t.exposeString("description") }),
});

builder.prismaObject("WebinarSpeaker", {
  fields: (t) => ({
    name: t.exposeString("name"),
    affiliation: t.exposeString("affiliation", { nullable: true }),
    role: t.expose("role", { type: SpeakerRole }),
    gender: t.string({
      nullable: true,
      description: "Self-described; shown to the research team only.",
      resolve: (s, _a, ctx) => (can(ctx.actor, { do: "webinar.manage" }) ? s.gender : null),
    }),
  }),
});

const WebinarRegistration = builder.prismaObject("WebinarRegistration", {
  fields: (t) => ({
    id: t.exposeID("id"),
    email: t.exposeString("email"),
    name: t.exposeString("name"),
    status: t.expose("status", { type: RegistrationStatus }),
    institution: t.exposeString("institution", { nullable: true }),
    country: t.exposeString("country", { nullable: true }),
    captions: t.exposeBoolean("captions"),
    signLanguage: t.exposeBoolean("signLanguage"),
    interpretationLanguage: t.exposeString("interpretationLanguage", { nullable: true }),
    attended: t.exposeBoolean("attended", { nullable: true }),
    createdAt: t.expose("createdAt", { type: "DateTime" }),
  }),
});

const RegistrationResult = builder
  .objectRef<{ status: (typeof RegistrationStatus.$inferType); checkEmail: boolean; registration: RegistrationRow | null }>("RegistrationResult")
  .implement({
    description:
      "Signed in: the registration. Anonymous: always UNCONFIRMED with checkEmail, whether or not the address is registered already; the next step arrives by email.",
    fields: (t) => ({
      status: t.field({ type: RegistrationStatus, resolve: (r) => r.status }),
      checkEmail: t.exposeBoolean("checkEmail"),
      registration: t.field({ type: WebinarRegistration, nullable: true, resolve: (r) => r.registration }),
    }),
  });

const GenderCounts = builder.objectRef<Record<string, number>>("GenderCounts").implement({
  fields: (t) => ({
    woman: t.int({ resolve: (c) => c.woman }),
    man: t.int({ resolve: (c) => c.man }),
    nonBinary: t.int({ resolve: (c) => c["non-binary"] }),
    selfDescribed: t.int({ resolve: (c) => c["self-described"] }),
    undisclosed: t.int({ resolve: (c) => c.undisclosed }),
  }),
});

const PanelBalance = builder.objectRef<ReturnType<typeof panelBalance>>("PanelBalance").implement({
  fields: (t) => ({
    speakers: t.field({ type: GenderCounts, resolve: (b) => b.panel }),
    moderators: t.field({ type: GenderCounts, resolve: (b) => b.moderators }),
    singleGender: t.string({ nullable: true, description: "Set when every speaker who declared a gender declared the same one.", resolve: (b) => b.singleGender }),
  }),
});

builder.prismaObject("Webinar", {
  fields: (t) => ({
    id: t.exposeID("id"),
    sequence: t.exposeInt("sequence"),
    status: t.expose("status", { type: WebinarStatus }),
    startsAt: t.expose("startsAt", { type: "DateTime" }),
    endsAt: t.expose("endsAt", { type: "DateTime" }),
    timeZone: t.exposeString("timeZone"),
    capacity: t.exposeInt("capacity", { nullable: true }),
    audience: t.expose("audience", { type: WebinarAudience }),
    requiresApproval: t.exposeBoolean("requiresApproval"),
    cancelReason: t.exposeString("cancelReason", { nullable: true }),
    title: t.string({ args: { language: t.arg.string() }, resolve: (w, a) => webinarText(w as WebinarWithText, isLang(a.language) ? a.language : "en").title }),
    description: t.string({ args: { language: t.arg.string() }, resolve: (w, a) => webinarText(w as WebinarWithText, isLang(a.language) ? a.language : "en").description }),
    translations: t.relation("translations"),
    speakers: t.relation("speakers", { query: { orderBy: { position: "asc" } } }),
    meetingUrl: t.string({
      nullable: true,
      description: "Staff only: everyone else joins through their personal /j/ link.",
      resolve: (w, _a, ctx) => (can(ctx.actor, { do: "webinar.manage" }) ? w.meetingUrl : null),
    }),
    panelBalance: t.field({
      type: PanelBalance,
      nullable: true,
      resolve: (w, _a, ctx) => (can(ctx.actor, { do: "webinar.manage" }) ? panelBalance((w as WebinarWithText).speakers) : null),
    }),
    registrations: t.field({
      type: [WebinarRegistration],
      nullable: true,
      description: "Staff only.",
      resolve: (w, _a, ctx) => (can(ctx.actor, { do: "webinar.manage" }) ? listRegistrations(ctx.actor, w.id) : null),
    }),
  }),
});

const TranslationInput = builder.inputType("WebinarTranslationInput", {
  fields: (t) => ({ language: t.string({ required: true }), title: t.string({ required: true }), description: t.string() }),
});
const SpeakerInput = builder.inputType("WebinarSpeakerInput", {
  fields: (t) => ({
    name: t.string({ required: true }),
    affiliation: t.string(),
    role: t.field({ type: SpeakerRole }),
    gender: t.string({ description: "Optional, self-described; \"prefer not to say\" is respected." }),
  }),
});
const fields = (required: boolean) => (t: Parameters<Parameters<typeof builder.inputType>[1]["fields"]>[0]) => ({
  translations: t.field({ type: [TranslationInput], required }),
  startsAt: t.field({ type: "DateTime", required }),
  endsAt: t.field({ type: "DateTime", required }),
  timeZone: t.string({ required, description: "IANA zone of the organiser, e.g. Africa/Dakar." }),
  meetingUrl: t.string({ required }),
  capacity: t.int({ description: "Empty for no limit." }),
  audience: t.field({ type: WebinarAudience }),
  requiresApproval: t.boolean(),
  askInstitution: t.boolean(),
  askCountry: t.boolean(),
  askAccessNeeds: t.boolean(),
  speakers: t.field({ type: [SpeakerInput] }),
});
const ScheduleWebinarInput = builder.inputType("ScheduleWebinarInput", { fields: fields(true) });
const UpdateWebinarInput = builder.inputType("UpdateWebinarInput", { fields: fields(false) });

const RegistrationInput = builder.inputType("WebinarRegistrationInput", {
  fields: (t) => ({
    email: t.string({ description: "Ignored when signed in: your account's address is used." }),
    name: t.string(),
    institution: t.string(),
    country: t.string(),
    captions: t.boolean(),
    signLanguage: t.boolean(),
    interpretationLanguage: t.string(),
    language: t.string(),
    timeZone: t.string(),
  }),
});
const AttendanceInput = builder.inputType("AttendanceInput", {
  fields: (t) => ({ registrationId: t.id({ required: true }), attended: t.boolean({ required: true }) }),
});

// GraphQL sends null for omitted optional fields; the services treat "absent" as "unchanged" or "default".
const compact = <T extends object>(o: T | null | undefined) =>
  Object.fromEntries(Object.entries(o ?? {}).filter(([, v]) => v !== null && v !== undefined)) as Partial<T>;
const normalise = (input: object | null | undefined) => {
  const o = compact(input) as Record<string, unknown>;
  if (Array.isArray(o.translations)) o.translations = o.translations.map((t: { language?: string }) => ({ ...compact(t), language: t.language?.toLowerCase() }));
  if (Array.isArray(o.speakers)) o.speakers = o.speakers.map((s: object) => compact(s));
  if (input && "capacity" in input && (input as { capacity: unknown }).capacity === null) o.capacity = null;
  return o;
};

builder.queryFields((t) => ({
  webinars: t.prismaField({
    type: ["Webinar"],
    args: { when: t.arg.string({ description: "upcoming, past, or empty for all" }) },
    resolve: (_q, _r, a, ctx) => listWebinars(ctx.actor, { when: a.when === "past" || a.when === "upcoming" ? a.when : undefined }),
  }),
  webinar: t.prismaField({ type: "Webinar", args: { id: t.arg.id({ required: true }) }, resolve: (_q, _r, a, ctx) => getWebinar(ctx.actor, String(a.id)) }),
}));

builder.mutationFields((t) => ({
  scheduleWebinar: t.prismaField({
    type: "Webinar",
    args: { input: t.arg({ type: ScheduleWebinarInput, required: true }) },
    resolve: (_q, _r, a, ctx) => scheduleWebinar(ctx.actor, normalise(a.input)),
  }),
  updateWebinar: t.prismaField({
    type: "Webinar",
    args: { id: t.arg.id({ required: true }), input: t.arg({ type: UpdateWebinarInput, required: true }) },
    resolve: (_q, _r, a, ctx) => updateWebinar(ctx.actor, String(a.id), normalise(a.input)),
  }),
  cancelWebinar: t.prismaField({
    type: "Webinar",
    args: { id: t.arg.id({ required: true }), reason: t.arg.string() },
    resolve: (_q, _r, a, ctx) => cancelWebinar(ctx.actor, String(a.id), a.reason),
  }),
  registerForWebinar: t.field({
    type: RegistrationResult,
    args: { webinarId: t.arg.id({ required: true }), input: t.arg({ type: RegistrationInput, required: true }) },
    resolve: async (_r, a, ctx) => {
      const result = await registerForWebinar(ctx.actor, String(a.webinarId), normalise(a.input), undefined, { ip: ctx.ip });
      return "checkEmail" in result ? { status: result.status, checkEmail: true, registration: null } : { status: result.status, checkEmail: false, registration: result };
    },
  }),
  cancelWebinarRegistration: t.prismaField({
    type: "WebinarRegistration",
    args: { id: t.arg.id({ required: true }) },
    resolve: (_q, _r, a, ctx) => cancelWebinarRegistration(ctx.actor, String(a.id)),
  }),
  approveWebinarRegistration: t.prismaField({
    type: "WebinarRegistration",
    args: { id: t.arg.id({ required: true }) },
    resolve: (_q, _r, a, ctx) => approveWebinarRegistration(ctx.actor, String(a.id)),
  }),
  denyWebinarRegistration: t.prismaField({
    type: "WebinarRegistration",
    args: { id: t.arg.id({ required: true }), message: t.arg.string() },
    resolve: (_q, _r, a, ctx) => denyWebinarRegistration(ctx.actor, String(a.id), a.message),
  }),
  recordAttendance: t.prismaField({
    type: ["WebinarRegistration"],
    args: { webinarId: t.arg.id({ required: true }), entries: t.arg({ type: [AttendanceInput], required: true }) },
    resolve: (_q, _r, a, ctx) =>
      recordAttendance(ctx.actor, String(a.webinarId), a.entries.map((e) => ({ registrationId: String(e.registrationId), attended: e.attended }))),
  }),
}));
