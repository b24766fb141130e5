import { browserProof } from "../../app/services/auth.server.ts";
import { sha256 } from "../../app/services/crypto.server.ts";
import { createDialogue } from "../../app/services/dialogues/dialogues.server.ts";
import { acceptDialogueInvite, inviteToDialogue } from "../../app/services/dialogues/invitations.server.ts";
import { ANONYMOUS, type SignedInActor } from "../../app/services/policy.server.ts";
import { prisma } from "../../app/utils/db.server.ts";
import { actorOf } from "../factories.ts";

let counter = 0;

export function makeDialogue(staff: SignedInActor, opts: { title?: string; visibility?: "SECRET" | "PRIVATE"; chathamHouse?: boolean } = {}) {
  return createDialogue(staff, {
    visibility: opts.visibility ?? "SECRET",
    chathamHouse: opts.chathamHouse ?? false,
    translations: [{ language: "en", title: opts.title ?? `Dialogue ${counter++}`, description: "Closed talks." }],
  });
}

/** The accept link from the queued invitation email, as the invitee would click it. */
export async function invitationMail(invitationId: string) {
  const mail = await prisma().outboxMessage.findUniqueOrThrow({ where: { key: `dialogue-invited:${invitationId}` } });
  const token = /\/dialogue-invite\/([\w-]+)/.exec(mail.text)![1];
  return { mail, token };
}

/** Invites through the real use case and accepts with the emailed token. */
export async function joinDialogue(dialogueId: string, by: SignedInActor, email: string, role: "FACILITATOR" | "MEMBER" = "MEMBER") {
  const invitation = await inviteToDialogue(by, dialogueId, { email, role });
  const { token } = await invitationMail(invitation.id);
  const browser = `factory-${counter++}`;
  const proof = browserProof("invitation", sha256(token), browser);
  // An existing account accepts signed in as itself; a new address is signed in by accepting.
  const existing = await prisma().user.findUnique({ where: { email: email.trim().toLowerCase() }, select: { id: true } });
  const actor = existing ? await actorOf(existing.id) : ANONYMOUS;
  const accepted = await acceptDialogueInvite({ token, actor, browser: { value: browser, proof } });
  return actorOf(accepted.userId);
}
