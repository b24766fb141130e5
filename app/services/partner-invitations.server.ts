import { sendMemberInvited } from "../../emails/senders.ts";
import { fromDbLanguage } from "../i18n/index.ts";
import { memberInviteSchema } from "../schemas/partner.ts";
import { parseInput } from "../schemas/validate.ts";
import { prisma } from "../utils/db.server.ts";
import { env } from "../utils/env.server.ts";
import { recordAudit } from "./audit.server.ts";
import { browserProof, openSession, sameSecret } from "./auth.server.ts";
import { randomToken, sha256 } from "./crypto.server.ts";
import { AppError, notFound } from "./errors.ts";
import { authorize, can, type Actor } from "./policy.server.ts";

export const INVITATION_DAYS = 14;

const acceptUrl = (token: string) => `${env().APP_URL}/invite/${token}`;
const invalid = () => new AppError("BAD_USER_INPUT", "invitation_invalid");

/**
 * A focal point invites an address. Nothing about any existing account is read back or attached: the address
 * gets a single-use link, and membership starts only when its owner accepts. A new invitation to the same
 * address replaces the open one.
 */
export async function invitePartnerMember(actor: Actor, partnerId: string, input: unknown, now = new Date()) {
  const data = parseInput(memberInviteSchema, input);
  return prisma().$transaction(async (tx) => {
    const partner = await tx.partner.findUnique({ where: { id: partnerId } });
    if (!partner || !can(actor, { do: "partner.view", partner })) throw notFound();
    authorize(actor, { do: "partner.manageMembers", partner });
    // The inviter manages this institution and sees its member list, so this answer tells them nothing new.
    const member = await tx.membership.findFirst({ where: { partnerId, user: { email: data.email } }, select: { id: true } });
    if (member) throw new AppError("CONFLICT", "already_member", { email: { key: "already_member" } });
    await tx.partnerInvitation.updateMany({
      where: { partnerId, email: data.email, acceptedAt: null, revokedAt: null },
      data: { revokedAt: now },
    });
    const token = randomToken();
    const invitation = await tx.partnerInvitation.create({
      data: {
        partnerId,
        email: data.email,
        role: data.role,
        name: data.name ?? null,
        tokenHash: sha256(token),
        invitedById: actor.kind === "user" ? actor.id : null,
        expiresAt: new Date(now.getTime() + INVITATION_DAYS * 86400_000),
      },
    });
    await recordAudit(tx, actor, "partner.memberInvited", { type: "Partner", id: partnerId }, { email: data.email, role: data.role });
    await sendMemberInvited(tx, {
      to: data.email,
      lang: fromDbLanguage(partner.language) ?? "en",
      invitationId: invitation.id,
      partnerName: partner.name,
      inviterName: actor.kind === "user" ? actor.name : "GenMig Hub",
      acceptUrl: acceptUrl(token),
      days: INVITATION_DAYS,
    });
    const { tokenHash: _secret, ...visible } = invitation;
    return visible;
  });
}

async function openInvitation(token: string, now: Date) {
  const invitation = await prisma().partnerInvitation.findUnique({ where: { tokenHash: sha256(token) }, include: { partner: true } });
  if (!invitation || invitation.acceptedAt || invitation.revokedAt || invitation.expiresAt <= now) throw invalid();
  return invitation;
}

/** What the accept page shows (GET changes nothing, so mail scanners cannot accept), with its browser proof. */
export async function invitationPreview(token: string, browser: string, now = new Date()) {
  const invitation = await openInvitation(token, now);
  return {
    email: invitation.email,
    partnerName: invitation.partner.name,
    partnerId: invitation.partnerId,
    proof: browserProof("invitation", invitation.tokenHash, browser),
  };
}

/**
 * The invitee accepts: their account is found by the invited address (or created), the membership starts, and
 * this browser is signed in as them, because the emailed link proves they own the address. The proof from the
 * page this browser was shown keeps another site from POSTing the link to sign someone into the wrong account.
 */
export async function acceptPartnerInvitation(input: {
  token: string;
  browser: string;
  proof: string;
  actor: Actor;
  userAgent?: string;
  ip?: string;
  now?: Date;
}) {
  const now = input.now ?? new Date();
  const invitation = await openInvitation(input.token, now);
  if (!sameSecret(input.proof, browserProof("invitation", invitation.tokenHash, input.browser))) throw invalid();
  return prisma().$transaction(async (tx) => {
    const taken = await tx.partnerInvitation.updateMany({
      where: { id: invitation.id, acceptedAt: null, revokedAt: null, expiresAt: { gt: now } },
      data: { acceptedAt: now },
    });
    if (taken.count !== 1) throw invalid();
    const user = await tx.user.upsert({
      where: { email: invitation.email },
      create: { email: invitation.email, name: invitation.name ?? invitation.email.split("@")[0], language: invitation.partner.language },
      update: {},
    });
    await tx.membership.upsert({
      where: { userId_partnerId: { userId: user.id, partnerId: invitation.partnerId } },
      create: { userId: user.id, partnerId: invitation.partnerId, role: invitation.role },
      update: {},
    });
    await tx.auditEntry.create({
      data: { actorId: user.id, action: "partner.memberJoined", targetType: "Partner", targetId: invitation.partnerId, data: { invitationId: invitation.id } },
    });
    const already = input.actor.kind === "user" && input.actor.id === user.id;
    const sessionSecret = already ? null : await openSession(tx, user.id, input, now);
    return { partnerId: invitation.partnerId, userId: user.id, sessionSecret };
  });
}
