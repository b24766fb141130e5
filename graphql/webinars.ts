import { can } from "../app/services/policy.server.ts";
import {
  approveWebinarRegistration,
  cancelWebinarRegistration,
  denyWebinarRegistration,
  registerForWebinar,
  seatsLeft,
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
import type { WebinarRegistration as RegistrationRow } from "../app/generated/prisma/client.ts";
import { builder } from "./builder.ts";
import { genderChoice } from "../app/schemas/gender.ts";
import { connection, nodeQuery, PAGE_RULES, counted } from "./connections.ts";
import {
  CountryCode,
  Language,
  RegistrationStatus,
  SpeakerGender,
  SpeakerRole,
  toLang,
  toLangOrUndefined,
  WebinarAudience,
  WebinarStatus,
  WebinarWhen,
} from "./enums.ts";
import { countsFor, registrationPageFor } from "./loaders.ts";

const RegistrationFilter = builder.inputType("WebinarRegistrationFilter", {
  fields: (t) => ({ status: t.field({ type: [RegistrationStatus] }), search: t.string({ description: "Part of a name or an email address." }) }),
});

builder.prismaObject("WebinarTranslation", {
  fields: (t) => ({ language: t.expose("language", { type: Language }), title: t.exposeString("title"), description: t.exposeString("description") }),
});

builder.prismaObject("WebinarSpeaker", {
  fields: (t) => ({
    name: t.exposeString("name"),
    affiliation: t.exposeString("affiliation", { nullable: true }),
    role: t.expose("role", { type: SpeakerRole }),
    gender: t.field({
      type: SpeakerGender,
      nullable: true,
      description: "As declared; shown to the research team only.",
      resolve: (s, _a, ctx) => (can(ctx.actor, { do: "webinar.manage" }) ? genderChoice(s.gender).choice : null),
    }),
    genderDescription: t.string({
      nullable: true,
      description: "The person's own words when gender is SELF_DESCRIBED; research team only.",
      resolve: (s, _a, ctx) => (can(ctx.actor, { do: "webinar.manage" }) ? genderChoice(s.gender).description : null),
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
    country: t.expose("country", { type: CountryCode, nullable: true }),
    language: t.expose("language", { type: Language }),
    timeZone: t.exposeString("timeZone"),
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

const Webinar = builder.prismaObject("Webinar", {
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
    title: t.string({
      args: { language: t.arg({ type: Language, defaultValue: "EN" }) },
      description: "In the language asked for, else the first one written.",
      resolve: (w, a) => webinarText(w as WebinarWithText, toLang(a.language ?? "EN")).title,
    }),
    description: t.string({
      args: { language: t.arg({ type: Language, defaultValue: "EN" }) },
      resolve: (w, a) => webinarText(w as WebinarWithText, toLang(a.language ?? "EN")).description,
    }),
    seatsLeft: t.int({
      nullable: true,
      description: "Free seats (0 when full); null when there is no capacity limit. Counted for the whole page in one query.",
      resolve: async (w, _a, ctx) => seatsLeft(w.capacity, await countsFor(ctx, w.id)),
    }),
    registeredCount: t.int({ description: "Confirmed registrations.", resolve: async (w, _a, ctx) => (await countsFor(ctx, w.id)).confirmed }),
    waitlistCount: t.int({ description: "People on the waiting list.", resolve: async (w, _a, ctx) => (await countsFor(ctx, w.id)).waitlisted }),
    pendingCount: t.int({
      nullable: true,
      description: "Registrations awaiting the research team's approval; research team only.",
      resolve: async (w, _a, ctx) => (can(ctx.actor, { do: "webinar.manage" }) ? (await countsFor(ctx, w.id)).pending : null),
    }),
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
    registrations: t.connection(
      {
        type: WebinarRegistration,
        nullable: true,
        args: { filter: t.arg({ type: RegistrationFilter }) },
        description: `Research team only (null for everyone else). Oldest first. ${PAGE_RULES}`,
        resolve: async (w, { filter, ...page }, ctx) =>
          can(ctx.actor, { do: "webinar.manage" }) ? connection(await registrationPageFor(ctx, w.id, filter ?? {}, page)) : null,
      },
      ...counted("WebinarRegistration"),
    ),
  }),
});

const TranslationInput = builder.inputType("WebinarTranslationInput", {
  fields: (t) => ({ language: t.field({ type: Language, required: true }), title: t.string({ required: true }), description: t.string() }),
});
const SpeakerInput = builder.inputType("WebinarSpeakerInput", {
  fields: (t) => ({
    name: t.string({ required: true }),
    affiliation: t.string(),
    role: t.field({ type: SpeakerRole }),
    gender: t.field({ type: SpeakerGender, description: "Optional, as the person declares it; PREFER_NOT_TO_SAY is respected." }),
    genderDescription: t.string({ description: "The person's own words, with SELF_DESCRIBED." }),
  }),
});
const QuestionLabelInput = builder.inputType("WebinarQuestionLabelInput", {
  fields: (t) => ({ language: t.field({ type: Language, required: true }), label: t.string({ required: true }) }),
});
const QuestionInput = builder.inputType("WebinarQuestionInput", {
  description: "A question of the organiser's own, asked after the fixed ones; answers are optional for registrants.",
  fields: (t) => ({
    id: t.string({ required: true, description: "q1 to q9, unique within the webinar; keep a question's id when editing so its answers stay with it." }),
    labels: t.field({ type: [QuestionLabelInput], required: true, description: "One to three wordings, one per language; readers without theirs see English, else the first." }),
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
  questions: t.field({ type: [QuestionInput], description: `At most 5. On update, the list given replaces the webinar's questions ([] removes them).` }),
});
const ScheduleWebinarInput = builder.inputType("ScheduleWebinarInput", { fields: fields(true) });
const UpdateWebinarInput = builder.inputType("UpdateWebinarInput", { fields: fields(false) });

const RegistrationInput = builder.inputType("WebinarRegistrationInput", {
  fields: (t) => ({
    email: t.string({ description: "Ignored when signed in: your account's address is used." }),
    name: t.string(),
    institution: t.string(),
    country: t.field({ type: CountryCode }),
    captions: t.boolean(),
    signLanguage: t.boolean(),
    interpretationLanguage: t.string({ description: "Free text: any spoken or signed language." }),
    language: t.field({ type: Language, description: "Language of the emails (default EN)." }),
    timeZone: t.string({ description: "IANA zone for the times in emails, e.g. America/Bogota (default UTC)." }),
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
  if (Array.isArray(o.translations)) o.translations = o.translations.map((t: { language: "EN" | "FR" | "ES" }) => ({ ...compact(t), language: toLang(t.language) }));
  if (typeof o.language === "string") o.language = toLangOrUndefined(o.language as "EN" | "FR" | "ES");
  if (Array.isArray(o.speakers)) o.speakers = o.speakers.map((s: object) => compact(s));
  if (Array.isArray(o.questions))
    o.questions = o.questions.map((q: { id: string; labels: { language: "EN" | "FR" | "ES"; label: string }[] }) => ({
      id: q.id,
      labels: q.labels.map((l) => ({ label: l.label, language: toLang(l.language) })),
    }));
  if (input && "capacity" in input && (input as { capacity: unknown }).capacity === null) o.capacity = null;
  return o;
};

const WebinarFilter = builder.inputType("WebinarFilter", {
  fields: (t) => ({ audience: t.field({ type: [WebinarAudience] }), status: t.field({ type: [WebinarStatus] }) }),
});

builder.queryFields((t) => ({
  webinars: t.connection(
    {
      type: Webinar,
      args: { when: t.arg({ type: WebinarWhen, description: "Empty for all, in start order." }), filter: t.arg({ type: WebinarFilter }) },
      description: `Webinars the caller may see. ${PAGE_RULES}`,
      resolve: async (_r, { when, filter, ...page }, ctx, info) =>
        connection(await listWebinars(ctx.actor, { when, audience: filter?.audience, status: filter?.status }, page, nodeQuery(ctx, info))),
    },
    ...counted("Webinar"),
  ),
  webinar: t.prismaField({ type: "Webinar", args: { id: t.arg.id({ required: true }) }, resolve: (_q, _r, a, ctx) => getWebinar(ctx.actor, String(a.id)) }),
}));

builder.mutationFields((t) => ({
  scheduleWebinar: t.prismaField({
    type: "Webinar",
    args: { input: t.arg({ type: ScheduleWebinarInput, required: true }) },
    description: "Research team. A start in the past is BAD_USER_INPUT (fields.startsAt: date_in_past), as on the schedule form.",
    resolve: (_q, _r, a, ctx) => scheduleWebinar(ctx.actor, normalise(a.input), { refusePast: true }),
  }),
  updateWebinar: t.prismaField({
    type: "Webinar",
    args: { id: t.arg.id({ required: true }), input: t.arg({ type: UpdateWebinarInput, required: true }) },
    description: "Research team. Moving the start into the past is BAD_USER_INPUT (fields.startsAt: date_in_past), as on the edit form.",
    resolve: (_q, _r, a, ctx) => updateWebinar(ctx.actor, String(a.id), normalise(a.input), { refusePast: true }),
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
