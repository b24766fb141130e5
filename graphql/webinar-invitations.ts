import { inviteToWebinar } from "../app/services/webinar-invitations.server.ts";
import { builder } from "./builder.ts";
import { Language, toLang } from "./enums.ts";

const InviteResult = builder.objectRef<{ invited: string[]; alreadyRegistered: string[] }>("InviteResult").implement({
  description: "Who was registered and sent an invitation, and who was already registered (left unchanged).",
  fields: (t) => ({
    invited: t.stringList({ resolve: (r) => r.invited }),
    alreadyRegistered: t.stringList({ resolve: (r) => r.alreadyRegistered }),
    invitedCount: t.int({ resolve: (r) => r.invited.length }),
  }),
});

builder.mutationField("inviteToWebinar", (t) =>
  t.field({
    type: InviteResult,
    description:
      "Research team: registers each address (and every member of `partnerId` and of `dialogueId`) and sends the usual confirmation with its calendar invite. Approval is skipped; capacity still applies.",
    args: {
      webinarId: t.arg.id({ required: true }),
      emails: t.arg.stringList({ required: true }),
      partnerId: t.arg.id(),
      dialogueId: t.arg.id({
        description: "Every member of this dialogue (INVITED-audience webinars only); people who join the dialogue later are invited when they join.",
      }),
      language: t.arg({ type: Language, description: "Language of the emails for invitees without an account (default EN)." }),
    },
    resolve: (_r, a, ctx) =>
      inviteToWebinar(ctx.actor, String(a.webinarId), { emails: a.emails, partnerId: a.partnerId ? String(a.partnerId) : null, dialogueId: a.dialogueId ? String(a.dialogueId) : null, language: a.language ? toLang(a.language) : undefined }),
  }),
);
