import { prisma } from "../../utils/db.server.ts";
import { recordAudit } from "../audit.server.ts";
import { AppError, notFound } from "../errors.ts";
import { authorize, type Actor } from "../policy.server.ts";
import { visibleDialogue } from "./access.server.ts";
import { cancelForDeparting } from "./session-notices.server.ts";

/** A member leaves; the last facilitator must hand over first, so a dialogue is never left unmanaged. */
export async function leaveDialogue(actor: Actor, dialogueId: string) {
  return prisma().$transaction(async (tx) => {
    const dialogue = await visibleDialogue(actor, dialogueId, tx);
    // A listed private dialogue the actor is not in: nothing to leave, and nothing to learn.
    if (dialogue.viewerRole === null || actor.kind !== "user") throw notFound();
    authorize(actor, { do: "dialogue.leave", dialogue });
    await ensureAnotherFacilitator(tx, dialogueId, actor.id);
    const member = await tx.dialogueMember.findUniqueOrThrow({ where: { dialogueId_userId: { dialogueId, userId: actor.id } } });
    // Sessions still to come leave the person's calendar with them.
    await cancelForDeparting(tx, dialogueId, member.id);
    await tx.dialogueMember.delete({ where: { id: member.id } });
    await recordAudit(tx, actor, "dialogue.left", { type: "Dialogue", id: dialogueId });
    return true;
  });
}

/** A facilitator or staff removes someone; the answer is the same for a non-member as for a missing user. */
export async function removeDialogueMember(actor: Actor, dialogueId: string, userId: string) {
  return prisma().$transaction(async (tx) => {
    const dialogue = await visibleDialogue(actor, dialogueId, tx);
    authorize(actor, { do: "dialogue.manageMembers", dialogue });
    const member = await tx.dialogueMember.findUnique({ where: { dialogueId_userId: { dialogueId, userId } } });
    if (!member) throw notFound();
    await ensureAnotherFacilitator(tx, dialogueId, userId);
    await cancelForDeparting(tx, dialogueId, member.id);
    await tx.dialogueMember.delete({ where: { id: member.id } });
    await recordAudit(tx, actor, "dialogue.memberRemoved", { type: "Dialogue", id: dialogueId }, { userId });
    return dialogue;
  });
}

type Tx = Parameters<Parameters<ReturnType<typeof prisma>["$transaction"]>[0]>[0];
async function ensureAnotherFacilitator(tx: Tx, dialogueId: string, leavingUserId: string) {
  const facilitators = await tx.dialogueMember.findMany({ where: { dialogueId, role: "FACILITATOR" }, select: { userId: true } });
  if (facilitators.length === 1 && facilitators[0].userId === leavingUserId) throw new AppError("CONFLICT", "last_facilitator");
}
