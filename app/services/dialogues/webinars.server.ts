import { prisma } from "../../utils/db.server.ts";
import { authorize, can, type Actor } from "../policy.server.ts";
import { runForm } from "../../utils/forms.server.ts";
import { AppError } from "../errors.ts";
import { inviteToWebinar } from "../webinar-invitations.server.ts";
import { pickText } from "./access.server.ts";
import { listDialogues } from "./dialogues.server.ts";

/**
 * For a webinar's Manage view: the dialogues already invited, and those this person may invite (staff run the
 * webinar; the dialogue policy still decides which dialogues they may see and manage).
 */
export async function webinarDialogues(actor: Actor, webinarId: string, lang: string) {
  authorize(actor, { do: "webinar.manage" });
  const linked = await prisma().webinarDialogue.findMany({
    where: { webinarId },
    include: { dialogue: { include: { translations: true } } },
    orderBy: { createdAt: "asc" },
  });
  const page = await listDialogues(actor, {}, { first: 100 });
  return {
    linked: linked.map((l) => pickText(l.dialogue, lang).title),
    choices: page.nodes.filter((d) => can(actor, { do: "dialogue.manageMembers", dialogue: d })).map((d) => ({ id: d.id, title: pickText(d, lang).title })),
  };
}

/** The Manage view's "invite a dialogue" form; the result is shown after a redirect, so a reload does not resend. */
export function inviteDialogueAction(actor: Actor, webinarId: string, form: FormData) {
  const values = { intent: "invite-dialogue", dialogueId: String(form.get("dialogueId") ?? "") };
  return runForm(async () => {
    if (!values.dialogueId) throw new AppError("BAD_USER_INPUT", "required", { dialogueId: { key: "required" } });
    const r = await inviteToWebinar(actor, webinarId, { dialogueId: values.dialogueId });
    return { ok: true as const, dialogueInvited: r.invited.length, dialogueAlready: r.alreadyRegistered.length };
  }, values);
}
