import { email as emailField } from "../schemas/fields.ts";
import { prisma, type Client } from "../utils/db.server.ts";
import { recordAudit } from "./audit.server.ts";
import { eraseMailboxFiles, eraseOutbox } from "./erasure/mail.server.ts";
import { eraseRecords } from "./erasure/records.server.ts";
import type { Needles } from "./erasure/scrub.ts";
import { AppError } from "./errors.ts";
import { eraseAnswers } from "./insights/demographics.server.ts";
import { authorize, type Actor } from "./policy.server.ts";
import { fileStore } from "./storage/file-store.server.ts";
import { suppressionKey } from "./subscriptions/suppression.server.ts";

/**
 * Erasure of a person on request (administrators; CLI `user:erase`), everywhere (ADR 0040): what is only theirs
 * is deleted (account, sessions, tokens, memberships, registrations, subscription, invitations, statistics
 * answers, mail to them); what belongs to a dialogue or an institution stays without them (posts by a "former
 * member", Chatham House files, the institution's requests, audit entries) with their name, address and id
 * replaced; the suppression list keeps only a digest of the address, so they are still never mailed in bulk.
 * The database part is one transaction (a failure erases nothing); file bytes and mailbox files go after commit.
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
  const done = await prisma().$transaction(async (tx) => {
    const user = await tx.user.findUnique({ where: { email }, select: { id: true, name: true } });
    const needles: Needles = { email, id: user?.id ?? null, name: user?.name ?? null };
    await eraseAnswers(tx, email);
    const registrations = await tx.webinarRegistration.deleteMany({ where: { OR: [{ email }, ...(user ? [{ userId: user.id }] : [])] } });
    await tx.webinarRegistrationRequest.deleteMany({ where: { email } });
    await tx.signInToken.deleteMany({ where: { email } });
    await tx.partnerInvitation.deleteMany({ where: { email } });
    await tx.dialogueInvitation.deleteMany({ where: { email } });
    await eraseMailingState(tx, email);
    const records = await eraseRecords(tx, needles);
    const mail = await eraseOutbox(tx, needles);
    if (user) await tx.user.delete({ where: { id: user.id } });
    // No address, no name, no id: the entry says that someone was erased, and by whom.
    await recordAudit(tx, by, "user.erased", { type: "User", id: "erased" }, { registrations: registrations.count, mail });
    return { user: !!user, needles, registrations: registrations.count, removedFiles: records.removedFiles };
  });
  // After commit: bytes of files that go with the person, and the mailbox copies of their mail.
  for (const key of done.removedFiles) await fileStore().remove(key);
  const mailboxFiles = await eraseMailboxFiles(done.needles);
  return { user: done.user, registrations: done.registrations, files: done.removedFiles.length, mailboxFiles };
}

/**
 * Subscription, digest counters and bounces go; a suppression entry stays as the digest it already is, without
 * the free-text detail (a bounce diagnostic may quote the address), so the person is still never mailed in bulk.
 */
async function eraseMailingState(tx: Client, email: string) {
  await tx.subscriber.deleteMany({ where: { email } });
  await tx.softBounceCounter.deleteMany({ where: { email } });
  await tx.suppressionEntry.updateMany({ where: { addressHash: suppressionKey(email) }, data: { detail: null } });
}
