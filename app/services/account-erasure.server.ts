import { email as emailField } from "../schemas/fields.ts";
import { prisma } from "../utils/db.server.ts";
import { recordAudit } from "./audit.server.ts";
import { AppError } from "./errors.ts";
import { eraseAnswers } from "./insights/demographics.server.ts";
import { authorize, type Actor } from "./policy.server.ts";

/**
 * Erasure of a person on request (administrators; CLI `user:erase`): their account with its sessions, tokens,
 * memberships and dialogue memberships; their webinar registrations and pending requests; invitations and
 * sign-in links sent to the address; and their statistics answers. Dialogue posts stay, without an author, as
 * the dialogue's record. In one transaction: a failure erases nothing.
 */
export async function eraseAccount(actor: Actor, address: string) {
  authorize(actor, { do: "account.erase" });
  return eraseAccountAs(actor, address);
}

/** The operator's path (CLI `user:erase`), like `user:create`: the audit entry has no actor. */
export async function eraseAccountAs(by: Actor, address: string) {
  const parsed = emailField.safeParse(address);
  if (!parsed.success) throw new AppError("BAD_USER_INPUT", "invalid_email", { email: { key: "invalid_email" } });
  const email = parsed.data;
  return prisma().$transaction(async (tx) => {
    const user = await tx.user.findUnique({ where: { email } });
    await eraseAnswers(tx, email);
    const registrations = await tx.webinarRegistration.deleteMany({ where: { OR: [{ email }, ...(user ? [{ userId: user.id }] : [])] } });
    await tx.webinarRegistrationRequest.deleteMany({ where: { email } });
    await tx.signInToken.deleteMany({ where: { email } });
    await tx.partnerInvitation.deleteMany({ where: { email } });
    await tx.dialogueInvitation.deleteMany({ where: { email } });
    if (user) await tx.user.delete({ where: { id: user.id } });
    // No address, no name: the entry says that someone was erased, and by whom.
    await recordAudit(tx, by, "user.erased", { type: "User", id: user?.id ?? "-" }, { registrations: registrations.count });
    return { user: !!user, registrations: registrations.count };
  });
}
