import { sessionPageUrl } from "../app/services/dialogues/session-notices.server.ts";
import {
  cancelDialogueSession,
  listSessions,
  publishSessionOutcome,
  readableSession,
  scheduleDialogueSession,
  type SessionView,
} from "../app/services/dialogues/sessions.server.ts";
import { builder } from "./builder.ts";
import { connection, counted, PAGE_RULES } from "./connections.ts";
import { Dialogue } from "./dialogues.ts";

// Sessions reach the API only through services that asked the policy (dialogue.read to see, manageSessions to change).
export const DialogueSessionStatus = builder.enumType("DialogueSessionStatus", { values: ["SCHEDULED", "CANCELLED"] as const });

const DialogueOutcome = builder.objectRef<{ body: string; html: string; publishedAt: Date }>("DialogueOutcome").implement({
  description: "Published once by a facilitator after the session ended. It names no one.",
  fields: (t) => ({
    body: t.exposeString("body", { description: "Markdown as written." }),
    html: t.exposeString("html", { description: "Rendered server-side: no raw HTML, links only http(s) and mailto." }),
    publishedAt: t.expose("publishedAt", { type: "DateTime" }),
  }),
});

export const DialogueSession = builder.objectRef<SessionView>("DialogueSession");
DialogueSession.implement({
  description: "A meeting of a dialogue; every member receives its calendar invite (one UID for life).",
  fields: (t) => ({
    id: t.exposeID("id"),
    uid: t.exposeString("uid", { description: "The calendar UID, the same in every invite and download." }),
    sequence: t.exposeInt("sequence", { description: "Grows with every change calendars must pick up." }),
    status: t.expose("status", { type: DialogueSessionStatus }),
    title: t.exposeString("title"),
    agenda: t.exposeString("agenda", { description: "Markdown as written." }),
    agendaHtml: t.exposeString("agendaHtml"),
    startsAt: t.expose("startsAt", { type: "DateTime" }),
    endsAt: t.expose("endsAt", { type: "DateTime" }),
    timeZone: t.exposeString("timeZone", { description: "IANA zone the session is organised in." }),
    location: t.exposeString("location", { nullable: true }),
    meetingUrl: t.exposeString("meetingUrl", { nullable: true }),
    url: t.string({ description: "The session page.", resolve: (s) => sessionPageUrl(s.dialogueId, s.id) }),
    calendarUrl: t.string({ description: "Your download of the session (.ics), for members and staff.", resolve: (s) => `${sessionPageUrl(s.dialogueId, s.id)}/invite.ics` }),
    dialogue: t.field({ type: Dialogue, resolve: (s) => s.dialogue }),
    outcome: t.field({
      type: DialogueOutcome,
      nullable: true,
      resolve: (s) => (s.outcomePublishedAt ? { body: s.outcomeBody ?? "", html: s.outcomeHtml ?? "", publishedAt: s.outcomePublishedAt } : null),
    }),
  }),
});

builder.objectFields(Dialogue, (t) => ({
  sessions: t.connection(
    {
      type: DialogueSession,
      description: `Members and staff only (empty for others). In start order. ${PAGE_RULES}`,
      resolve: async (d, page, ctx) => connection(await listSessions(ctx.actor, d, page)),
    },
    ...counted("DialogueSession"),
  ),
}));

const DialogueSessionInput = builder.inputType("DialogueSessionInput", {
  fields: (t) => ({
    title: t.string({ required: true }),
    agenda: t.string({ description: "One Markdown agenda, in the language the dialogue works in." }),
    startsAt: t.field({ type: "DateTime", required: true }),
    endsAt: t.field({ type: "DateTime", required: true }),
    timeZone: t.string({ required: true, description: "IANA zone, e.g. Africa/Dakar." }),
    location: t.string({ description: "A room or address." }),
    meetingUrl: t.string({ description: "https:// meeting link." }),
  }),
});
const SessionOutcomeInput = builder.inputType("SessionOutcomeInput", {
  fields: (t) => ({
    body: t.string({ required: true, description: "Markdown. Under Chatham House, name no one." }),
    documentIds: t.idList({ description: "Documents already shared in the dialogue to attach." }),
  }),
});

builder.queryFields((t) => ({
  dialogueSession: t.field({
    type: DialogueSession,
    args: { id: t.arg.id({ required: true }) },
    description: "NOT_FOUND alike for a missing session and one you may not read.",
    resolve: (_r, a, ctx) => readableSession(ctx.actor, String(a.id)),
  }),
}));

builder.mutationFields((t) => ({
  scheduleDialogueSession: t.field({
    type: DialogueSession,
    description: "Facilitators and staff. Every member receives a REQUEST invite.",
    args: { dialogueId: t.arg.id({ required: true }), input: t.arg({ type: DialogueSessionInput, required: true }) },
    resolve: (_r, { dialogueId, input }, ctx) =>
      scheduleDialogueSession(ctx.actor, String(dialogueId), {
        ...input,
        agenda: input.agenda ?? "",
        location: input.location ?? undefined,
        meetingUrl: input.meetingUrl ?? undefined,
      }),
  }),
  cancelDialogueSession: t.field({
    type: DialogueSession,
    description: "Facilitators and staff. Every member receives a CANCEL with the same UID and a higher SEQUENCE.",
    args: { id: t.arg.id({ required: true }) },
    resolve: (_r, a, ctx) => cancelDialogueSession(ctx.actor, String(a.id)),
  }),
  publishSessionOutcome: t.field({
    type: DialogueSession,
    description: "Facilitators and staff, once, after the session ended. Members receive it by email.",
    args: { sessionId: t.arg.id({ required: true }), input: t.arg({ type: SessionOutcomeInput, required: true }) },
    resolve: (_r, { sessionId, input }, ctx) =>
      publishSessionOutcome(ctx.actor, String(sessionId), { body: input.body, documentIds: (input.documentIds ?? []).map(String) }),
  }),
}));
