import { AppError } from "../app/services/errors.ts";
import type { SupportRequestView } from "../app/services/requests/access.server.ts";
import { requestLabel } from "../app/services/requests/access.server.ts";
import {
  conversationsOf,
  getSupportRequest,
  listSupportRequests,
  requestEventSupport,
  requestFieldConnection,
  updateSupportRequest,
  type Conversation,
} from "../app/services/requests/requests.server.ts";
import { REQUEST_STATUSES, REQUEST_TYPES, SUPPORT_KINDS } from "../app/schemas/support-request.ts";
import { can, isStaff } from "../app/services/policy.server.ts";
import { builder, type Context } from "./builder.ts";
import { connection, counted, PAGE_RULES } from "./connections.ts";
import { CountryCode, Language, Region, toLang, toLangOrUndefined } from "./enums.ts";
import { batcher } from "./loaders.ts";

// Partners' requests (docs/decisions/0023-support-requests.md). Every object here comes from a request service
// that already asked the policy; notes ask it again and are null outside the research team.
export const SupportRequestType = builder.enumType("SupportRequestType", { values: REQUEST_TYPES });
export const SupportRequestStatus = builder.enumType("SupportRequestStatus", { values: REQUEST_STATUSES });
export const SupportKind = builder.enumType("SupportKind", { values: SUPPORT_KINDS });

type Lang3 = "EN" | "FR" | "ES";

// A page of requests asking for history, messages or notes costs three queries, not three per request.
const conversationLoaders = new WeakMap<object, (r: SupportRequestView) => Promise<Conversation>>();
function conversationOf(ctx: Context, request: SupportRequestView) {
  let load = conversationLoaders.get(ctx);
  if (!load) {
    load = batcher(async (rs: readonly SupportRequestView[]) => {
      const found = await conversationsOf(ctx.actor, rs);
      return new Map(rs.map((r) => [r, found.get(r.id)!]));
    });
    conversationLoaders.set(ctx, load);
  }
  return load(request);
}

const Institution = builder.objectRef<{ id: string; name: string; country: string }>("SupportRequestInstitution").implement({
  fields: (t) => ({ id: t.exposeID("id"), name: t.exposeString("name") }),
});
const Person = builder.objectRef<{ id: string; name: string; email?: string }>("SupportRequestPerson").implement({
  fields: (t) => ({ id: t.exposeID("id"), name: t.exposeString("name") }),
});

const StatusChange = builder.objectRef<Conversation["history"][number]>("SupportRequestStatusChange").implement({
  fields: (t) => ({
    id: t.exposeID("id"),
    fromStatus: t.field({ type: SupportRequestStatus, nullable: true, resolve: (h) => h.fromStatus as never }),
    toStatus: t.field({ type: SupportRequestStatus, resolve: (h) => h.toStatus as never }),
    reason: t.exposeString("reason", { nullable: true }),
    createdAt: t.expose("createdAt", { type: "DateTime" }),
  }),
});
const Message = builder.objectRef<Conversation["messages"][number]>("RequestMessage").implement({
  description: "Written by the research team and emailed to the requester.",
  fields: (t) => ({
    id: t.exposeID("id"),
    body: t.exposeString("body"),
    authorName: t.exposeString("authorName", { nullable: true }),
    createdAt: t.expose("createdAt", { type: "DateTime" }),
  }),
});
const Note = builder.objectRef<NonNullable<Conversation["notes"]>[number]>("StaffNote").implement({
  description: "Research team only.",
  fields: (t) => ({
    id: t.exposeID("id"),
    body: t.exposeString("body"),
    authorName: t.exposeString("authorName", { nullable: true }),
    createdAt: t.expose("createdAt", { type: "DateTime" }),
  }),
});

const SupportRequest = builder.objectRef<SupportRequestView>("SupportRequest").implement({
  fields: (t) => ({
    id: t.exposeID("id"),
    type: t.field({ type: SupportRequestType, resolve: (r) => r.type }),
    status: t.field({ type: SupportRequestStatus, resolve: (r) => r.status }),
    statusReason: t.exposeString("statusReason", { nullable: true, description: "The reason given with the current status." }),
    label: t.string({ description: "The event's title or the connection's topic.", resolve: (r) => requestLabel(r) }),
    institution: t.field({ type: Institution, resolve: (r) => r.partner }),
    requester: t.field({ type: Person, nullable: true, description: "Null once the person's account is deleted.", resolve: (r) => r.requester }),
    requesterEmail: t.string({
      nullable: true,
      description: "Research team only (null for others).",
      resolve: (r, _a, ctx) => (isStaff(ctx.actor) ? (r.requester?.email ?? null) : null),
    }),
    assignee: t.field({
      type: Person,
      nullable: true,
      description: "Research team only (null for others).",
      resolve: (r, _a, ctx) => (can(ctx.actor, { do: "supportRequest.manage" }) ? r.assignee : null),
    }),
    language: t.field({ type: Language, description: "The requester's language: status mail and messages use it.", resolve: (r) => r.language }),
    region: t.field({ type: Region, nullable: true, resolve: (r) => r.region as never }),
    title: t.exposeString("title", { nullable: true }),
    purpose: t.exposeString("purpose", { nullable: true }),
    startsOn: t.expose("startsOn", { type: "DateTime", nullable: true }),
    endsOn: t.expose("endsOn", { type: "DateTime", nullable: true }),
    audience: t.exposeString("audience", { nullable: true }),
    languages: t.field({ type: [Language], resolve: (r) => r.languages }),
    supportKinds: t.field({ type: [SupportKind], resolve: (r) => r.supportKinds }),
    topic: t.exposeString("topic", { nullable: true }),
    country: t.field({ type: CountryCode, nullable: true, resolve: (r) => r.country }),
    needs: t.exposeString("needs", { nullable: true }),
    webinarId: t.exposeID("webinarId", { nullable: true, description: "The webinar scheduled from this request." }),
    createdAt: t.expose("createdAt", { type: "DateTime" }),
    updatedAt: t.expose("updatedAt", { type: "DateTime" }),
    history: t.field({ type: [StatusChange], description: "Status changes, oldest first.", resolve: async (r, _a, ctx) => (await conversationOf(ctx, r)).history }),
    messages: t.field({ type: [Message], description: "Oldest first.", resolve: async (r, _a, ctx) => (await conversationOf(ctx, r)).messages }),
    notes: t.field({
      type: [Note],
      nullable: true,
      description: "Staff notes: null for everyone outside the research team.",
      resolve: async (r, _a, ctx) => (await conversationOf(ctx, r)).notes,
    }),
  }),
});

const EventSupportInput = builder.inputType("EventSupportInput", {
  fields: (t) => ({
    partnerId: t.id({ description: "The institution asking; may be left out by a person of one approved institution." }),
    title: t.string({ required: true }),
    purpose: t.string({ required: true }),
    startsOn: t.field({ type: "DateTime", required: true, description: "First day (the date part is used)." }),
    endsOn: t.field({ type: "DateTime", description: "Last day, when the event lasts several days." }),
    audienceDescription: t.string({ required: true, description: "Free text: who the event is for (e.g. \"labour ministry officials in West Africa\"). An open set, unlike WebinarAudience." }),
    languages: t.field({ type: [Language], required: true }),
    supportKinds: t.field({ type: [SupportKind], required: true }),
    language: t.field({ type: Language, description: "Language for the mail about this request; defaults to your profile's, else English." }),
  }),
});
const FieldConnectionInput = builder.inputType("FieldConnectionInput", {
  fields: (t) => ({
    partnerId: t.id(),
    topic: t.string({ required: true }),
    country: t.field({ type: CountryCode, description: "The country of the field operation; its region is used." }),
    region: t.field({ type: Region, description: "Required without a country." }),
    needs: t.string({ required: true }),
    language: t.field({ type: Language }),
  }),
});
const SupportRequestUpdateInput = builder.inputType("SupportRequestUpdateInput", {
  fields: (t) => ({
    status: t.field({ type: SupportRequestStatus }),
    reason: t.string({ description: "Sent to the requester with the new status; required to decline." }),
    assigneeId: t.id({ description: "A research team member; null removes the assignee; absent keeps it." }),
    note: t.string({ description: "A staff note, never shown to the requester." }),
    message: t.string({ description: "Emailed to the requester in their language and shown on their request." }),
  }),
});
const SupportRequestFilter = builder.inputType("SupportRequestFilter", {
  fields: (t) => ({
    status: t.field({ type: [SupportRequestStatus] }),
    type: t.field({ type: [SupportRequestType] }),
    region: t.field({ type: [Region] }),
    assigneeId: t.id({ description: "Research team only." }),
    unassigned: t.boolean({ description: "Research team only." }),
    mine: t.boolean({ description: "Only your institutions' requests." }),
  }),
});

const optional = <T>(v: T | null | undefined) => v ?? undefined;

builder.queryFields((t) => ({
  supportRequests: t.connection(
    {
      type: SupportRequest,
      args: { filter: t.arg({ type: SupportRequestFilter }) },
      description: `Staff: every request; a partner person: their institutions' requests. Newest first. ${PAGE_RULES}`,
      resolve: async (_r, { filter, ...page }, ctx) =>
        connection(
          await listSupportRequests(
            ctx.actor,
            {
              status: optional(filter?.status),
              type: optional(filter?.type),
              region: optional(filter?.region),
              assigneeId: filter?.assigneeId ? String(filter.assigneeId) : undefined,
              unassigned: optional(filter?.unassigned),
              mine: optional(filter?.mine),
            },
            page,
          ),
        ),
    },
    ...counted("SupportRequest"),
  ),
  supportRequest: t.field({
    type: SupportRequest,
    args: { id: t.arg.id({ required: true }) },
    description: "NOT_FOUND alike for a missing request and another institution's.",
    resolve: (_r, a, ctx) => getSupportRequest(ctx.actor, String(a.id)),
  }),
}));

const langOf = (l: Lang3 | null | undefined) => toLangOrUndefined(l);

builder.mutationFields((t) => ({
  requestEventSupport: t.field({
    type: SupportRequest,
    args: { input: t.arg({ type: EventSupportInput, required: true }) },
    resolve: (_r, { input }, ctx) =>
      requestEventSupport(
        ctx.actor,
        {
          partnerId: input.partnerId ? String(input.partnerId) : undefined,
          title: input.title,
          purpose: input.purpose,
          startsOn: input.startsOn,
          endsOn: optional(input.endsOn),
          audience: input.audienceDescription,
          languages: input.languages.map(toLang),
          supportKinds: input.supportKinds,
        },
        { ip: ctx.ip, language: langOf(input.language) },
      ).catch((error: unknown) => {
        // The form's field is `audience`; here it is named for what it holds, free text.
        if (error instanceof AppError && error.fields?.audience) {
          const { audience, ...rest } = error.fields;
          throw new AppError(error.code, error.key, { ...rest, audienceDescription: audience }, error.vars);
        }
        throw error;
      }),
  }),
  requestFieldConnection: t.field({
    type: SupportRequest,
    args: { input: t.arg({ type: FieldConnectionInput, required: true }) },
    resolve: (_r, { input }, ctx) =>
      requestFieldConnection(
        ctx.actor,
        {
          partnerId: input.partnerId ? String(input.partnerId) : undefined,
          topic: input.topic,
          country: optional(input.country),
          region: optional(input.region),
          needs: input.needs,
        },
        { ip: ctx.ip, language: langOf(input.language) },
      ),
  }),
  updateSupportRequest: t.field({
    type: SupportRequest,
    args: { id: t.arg.id({ required: true }), input: t.arg({ type: SupportRequestUpdateInput, required: true }) },
    description: "Research team: status with a reason, assignee, a staff note and/or a message to the requester, all or nothing.",
    resolve: (_r, { id, input }, ctx) =>
      updateSupportRequest(ctx.actor, String(id), {
        status: optional(input.status),
        reason: optional(input.reason),
        // null removes the assignee, absent keeps it: GraphQL tells the two apart.
        assigneeId: input.assigneeId === undefined ? undefined : input.assigneeId === null ? null : String(input.assigneeId),
        note: optional(input.note),
        message: optional(input.message),
      }),
  }),
}));
