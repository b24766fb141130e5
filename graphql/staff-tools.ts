import type { Prisma } from "../app/generated/prisma/client.ts";
import { setMemberRole, updatePartnerDetails } from "../app/services/partners.server.ts";
import { messageRegistrants, questionsOf } from "../app/services/webinar-manage.server.ts";
import { builder } from "./builder.ts";
import { LANGUAGES, toDbLanguage, type Lang } from "../app/i18n/index.ts";
import type { WebinarQuestion as WebinarQuestionRow } from "../app/schemas/webinar.ts";
import { questionLabel } from "../app/services/webinar-text.ts";
import { Language, MemberRole, RegistrationStatus, Sector, toLang } from "./enums.ts";

// The research team's and focal points' tools (ADR 0013), on the same use cases as the pages.

const QuestionLabel = builder.objectRef<{ language: Lang; label: string }>("WebinarQuestionLabel").implement({
  fields: (t) => ({ language: t.field({ type: Language, resolve: (l) => toDbLanguage(l.language) }), label: t.exposeString("label") }),
});

const WebinarQuestion = builder.objectRef<WebinarQuestionRow>("WebinarQuestion").implement({
  description: "A question of the organiser's own, asked on the registration form after the fixed ones, worded in one to three languages.",
  fields: (t) => ({
    id: t.exposeString("id", { description: "Keys the answers (RegistrationAnswer.questionId); keep it when editing so answers stay with their question." }),
    label: t.string({
      args: { language: t.arg({ type: Language, defaultValue: "EN" }) },
      description: "In the language asked for, else English, else the first one written (see labelLanguage).",
      resolve: (q, a) => questionLabel(q, toLang(a.language ?? "EN")).label,
    }),
    labelLanguage: t.field({
      type: Language,
      args: { language: t.arg({ type: Language, defaultValue: "EN" }) },
      description: "The language `label` is in for the same argument: differs from it when the wording falls back.",
      resolve: (q, a) => toDbLanguage(questionLabel(q, toLang(a.language ?? "EN")).language),
    }),
    labels: t.field({
      type: [QuestionLabel],
      description: "Every wording, in EN, FR, ES order.",
      resolve: (q) => LANGUAGES.filter((l) => q.labels[l]).map((language) => ({ language, label: q.labels[language]! })),
    }),
  }),
});

const RegistrationAnswer = builder.objectRef<{ questionId: string; answer: string }>("RegistrationAnswer").implement({
  fields: (t) => ({ questionId: t.exposeString("questionId"), answer: t.exposeString("answer") }),
});

builder.prismaObjectField("Webinar", "questions", (t) =>
  t.field({ type: [WebinarQuestion], select: { questions: true }, resolve: (w) => questionsOf(w as { questions: Prisma.JsonValue | null }) }),
);

builder.prismaObjectField("WebinarRegistration", "answers", (t) =>
  t.field({
    type: [RegistrationAnswer],
    select: { answers: true },
    resolve: (r) => Object.entries(((r as { answers: Prisma.JsonValue | null }).answers as Record<string, string> | null) ?? {}).map(([questionId, answer]) => ({ questionId, answer })),
  }),
);

const MessageResult = builder.objectRef<{ sent: number }>("MessageResult").implement({ fields: (t) => ({ sent: t.exposeInt("sent") }) });

const MessageRegistrantsInput = builder.inputType("MessageRegistrantsInput", {
  fields: (t) => ({
    groups: t.field({ type: [RegistrationStatus], required: true, description: "CONFIRMED and/or WAITLISTED." }),
    messageEn: t.string(),
    messageFr: t.string(),
    messageEs: t.string(),
  }),
});

const PartnerDetailsInput = builder.inputType("PartnerDetailsInput", {
  fields: (t) => ({
    sector: t.field({ type: Sector, required: true }),
    website: t.string(),
    focalPointName: t.string({ required: true }),
    focalPointEmail: t.string({ required: true }),
    interests: t.stringList(),
    language: t.field({ type: Language, required: true }),
    publicListing: t.boolean({ required: true }),
  }),
});

builder.mutationFields((t) => ({
  messageWebinarRegistrants: t.field({
    type: MessageResult,
    description: "Emails confirmed and/or waitlisted registrants, each in their language (else English). Research team only.",
    args: { webinarId: t.arg.id({ required: true }), input: t.arg({ type: MessageRegistrantsInput, required: true }) },
    resolve: (_r, a, ctx) =>
      messageRegistrants(ctx.actor, String(a.webinarId), {
        groups: a.input.groups,
        messages: { en: a.input.messageEn ?? undefined, fr: a.input.messageFr ?? undefined, es: a.input.messageEs ?? undefined },
      }),
  }),
  updatePartnerDetails: t.prismaField({
    type: "Partner",
    description: "A focal point (or the research team) edits the institution's profile; its name and country stay.",
    args: { partnerId: t.arg.id({ required: true }), input: t.arg({ type: PartnerDetailsInput, required: true }) },
    resolve: (_q, _r, a, ctx) => updatePartnerDetails(ctx.actor, String(a.partnerId), { ...a.input, website: a.input.website ?? undefined, interests: a.input.interests ?? [], language: toLang(a.input.language) }),
  }),
  setPartnerMemberRole: t.prismaField({
    type: "Membership",
    description: "Makes a member a focal point or back; an institution always keeps one focal point (CONFLICT).",
    args: { partnerId: t.arg.id({ required: true }), userId: t.arg.id({ required: true }), role: t.arg({ type: MemberRole, required: true }) },
    resolve: (_q, _r, a, ctx) => setMemberRole(ctx.actor, String(a.partnerId), String(a.userId), a.role),
  }),
}));
