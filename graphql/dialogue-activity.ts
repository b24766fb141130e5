import { readableThread, editPost, postRevisions, type PostView } from "../app/services/dialogues/threads.server.ts";
import { inviteInstitutionToDialogue } from "../app/services/dialogues/invitations.server.ts";
import { myNotificationSetting, NOTIFY, setDialogueNotifications } from "../app/services/dialogues/notifications.server.ts";
import { builder } from "./builder.ts";
import { Dialogue, DialogueInvitation, DialoguePost, DialogueRole } from "./dialogues.ts";

// Notification settings, post editing with history, and focal-point invitations (docs/decisions/0021).
export const DialogueNotify = builder.enumType("DialogueNotify", {
  values: {
    IMMEDIATE: { description: "One email per new post." },
    DAILY: { description: "A daily digest (the default)." },
    WEEKLY: { description: "A weekly digest." },
    NEVER: { description: "No email about new posts." },
  } satisfies Record<(typeof NOTIFY)[number], unknown>,
});

const DialoguePostRevision = builder.objectRef<{ id: string; body: string; writtenAt: Date }>("DialoguePostRevision").implement({
  description: "An earlier version of an edited post.",
  fields: (t) => ({
    id: t.exposeID("id"),
    body: t.exposeString("body", { description: "Markdown as it was written then." }),
    writtenAt: t.expose("writtenAt", { type: "DateTime", description: "When this version was written." }),
  }),
});

builder.objectField(Dialogue, "notifications", (t) =>
  t.field({
    type: DialogueNotify,
    nullable: true,
    description: "How you hear about new posts; null when you are not a member.",
    resolve: (d, _a, ctx) => (d.viewerRole ? myNotificationSetting(ctx.actor, d.id) : null),
  }),
);

builder.objectField(DialoguePost, "revisions", (t) =>
  t.field({
    type: [DialoguePostRevision],
    description: "Earlier versions, newest first: facilitators and staff only (empty for others, who see `editedAt`).",
    resolve: async (p: PostView, _a, ctx) => {
      if (!p.editedAt) return [];
      const thread = await readableThread(ctx.actor, p.threadId);
      return (await postRevisions(ctx.actor, thread.dialogue, [p.id])).get(p.id) ?? [];
    },
  }),
);

builder.mutationFields((t) => ({
  setDialogueNotifications: t.field({
    type: DialogueNotify,
    description: "Members only: immediate, daily or weekly email, or none. NOT_FOUND for non-members.",
    args: { dialogueId: t.arg.id({ required: true }), notify: t.arg({ type: DialogueNotify, required: true }) },
    resolve: (_r, a, ctx) => setDialogueNotifications(ctx.actor, String(a.dialogueId), a.notify),
  }),
  editPost: t.field({
    type: DialoguePost,
    description: "The author rewrites their post; the previous version stays in the history facilitators see. FORBIDDEN for others who can read it.",
    args: { postId: t.arg.id({ required: true }), body: t.arg.string({ required: true }) },
    resolve: (_r, a, ctx) => editPost(ctx.actor, String(a.postId), { body: a.body }),
  }),
  inviteInstitutionToDialogue: t.field({
    type: [DialogueInvitation],
    description:
      "Facilitators and staff: invites an approved institution's focal point address(es), each with its own link. Accepting links a new account at the institution's focal point address to it.",
    args: { dialogueId: t.arg.id({ required: true }), partnerId: t.arg.id({ required: true }), role: t.arg({ type: DialogueRole, defaultValue: "MEMBER" }) },
    resolve: async (_r, a, ctx) =>
      (await inviteInstitutionToDialogue(ctx.actor, String(a.dialogueId), { partnerId: String(a.partnerId), role: a.role ?? "MEMBER" })).invitations,
  }),
}));
