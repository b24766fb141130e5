import { sendDialogueInvited } from "../../../emails/senders.ts";
import { fromDbLanguage } from "../../i18n/index.ts";
import { dialogueInstitutionInviteSchema, dialogueInviteSchema } from "../../schemas/dialogue.ts";
import { parseInput } from "../../schemas/validate.ts";
import { prisma } from "../../utils/db.server.ts";
import { env } from "../../utils/env.server.ts";
import { recordAudit } from "../audit.server.ts";
import { browserProof, openSession, sameSecret } from "../auth.server.ts";
import { randomToken, sha256 } from "../crypto.server.ts";
import { AppError, notFound } from "../errors.ts";
import { authorize, can, isStaff, requireUser, type Actor, type SignedInActor } from "../policy.server.ts";
import { enforce, LIMITS } from "../rate-limit.server.ts";
import { inviteNewDialogueMember } from "../webinar-invitations.server.ts";
import { pickText, visibleDialogue, type DialogueView } from "./access.server.ts";
import { shownInvitation } from "./invitation-view.ts";
import { inviteNewMember } from "./session-notices.server.ts";

export const DIALOGUE_INVITATION_DAYS = 14;

const acceptUrl = (token: string) => `${env().APP_URL}/dialogue-invite/${token}`;
const invalid = () => new AppError("BAD_USER_INPUT", "invitation_invalid");
const visible = <T extends { tokenHash: string }>({ tokenHash: _secret, ...rest }: T) => rest;

/**
 * Each invited address is a mail from the hub to anyone: partner facilitators are limited one by one and per
 * dialogue, the research team per person with a wider bound. Counted before anything is written.
 */
async function spendInvitations(actor: SignedInActor, dialogueId: string, addresses: number) {
  for (let i = 0; i < addresses; i++) {
    if (isStaff(actor)) {
      await enforceInvitations(`dialogue-invite-staff:${actor.id}`, LIMITS.dialogueInvitation.perStaff);
      continue;
    }
    await enforceInvitations(`dialogue-invite-by:${actor.id}`, LIMITS.dialogueInvitation.perFacilitator);
    await enforceInvitations(`dialogue-invite-to:${dialogueId}`, LIMITS.dialogueInvitation.perDialogue);
  }
}
async function enforceInvitations(bucket: string, limit: (typeof LIMITS.dialogueInvitation)[keyof typeof LIMITS.dialogueInvitation]) {
  try {
    await enforce(bucket, limit);
  } catch (error) {
    if (error instanceof AppError && error.code === "RATE_LIMITED") throw new AppError("RATE_LIMITED", "invitations_rate_limited");
    throw error;
  }
}

/**
 * A facilitator (or staff) invites an address. Nothing about an existing account is read back: the address gets
 * a single-use link and membership starts only when its owner accepts. Inviting the same address again revokes
 * the open invitation and sends a fresh link — that is how an invitation is re-sent.
 */
export async function inviteToDialogue(actor: Actor, dialogueId: string, input: unknown, now = new Date()) {
  const data = parseInput(dialogueInviteSchema, input);
  const user = requireUser(actor);
  // Only someone who may invite here spends (and is stopped by) the allowance.
  authorize(actor, { do: "dialogue.manageMembers", dialogue: await visibleDialogue(actor, dialogueId) });
  await spendInvitations(user, dialogueId, 1);
  return prisma().$transaction(async (tx) => {
    const dialogue = await visibleDialogue(actor, dialogueId, tx);
    authorize(actor, { do: "dialogue.manageMembers", dialogue });
    const member = await tx.dialogueMember.findFirst({ where: { dialogueId, user: { email: data.email } }, select: { id: true } });
    if (member) throw new AppError("CONFLICT", "already_member", { email: { key: "already_member" } });
    return shownInvitation(actor, await inviteAddress(tx, actor, dialogue, { email: data.email, role: data.role, partnerId: null }, now));
  });
}

/**
 * A facilitator (or staff) invites an approved institution through its focal point(s): the address on the
 * partner record and every person who is a focal point of it, each with their own single-use link. Accepting
 * links a new account to the institution when the address is the institution's focal point address.
 * Addresses already in the dialogue are skipped; the facilitator learns only how many were invited.
 */
export async function inviteInstitutionToDialogue(actor: Actor, dialogueId: string, input: unknown, now = new Date()) {
  const data = parseInput(dialogueInstitutionInviteSchema, input);
  const user = requireUser(actor);
  authorize(actor, { do: "dialogue.manageMembers", dialogue: await visibleDialogue(actor, dialogueId) });
  const focalPoints = async (db: Tx | ReturnType<typeof prisma>) => {
    const partner = await db.partner.findUnique({
      where: { id: data.partnerId },
      include: { members: { where: { role: "FOCAL_POINT" }, select: { user: { select: { email: true } } } } },
    });
    if (!partner || partner.status !== "APPROVED") throw new AppError("BAD_USER_INPUT", "required", { partnerId: { key: "required" } });
    return { partner, addresses: [...new Set([partner.focalPointEmail.trim().toLowerCase(), ...partner.members.map((m) => m.user.email)])].sort() };
  };
  await spendInvitations(user, dialogueId, (await focalPoints(prisma())).addresses.length);
  return prisma().$transaction(async (tx) => {
    const dialogue = await visibleDialogue(actor, dialogueId, tx);
    authorize(actor, { do: "dialogue.manageMembers", dialogue });
    const { partner, addresses } = await focalPoints(tx);
    const inside = await tx.dialogueMember.findMany({ where: { dialogueId, user: { email: { in: addresses } } }, select: { user: { select: { email: true } } } });
    const skip = new Set(inside.map((m) => m.user.email));
    const invitations = [];
    for (const email of addresses.filter((e) => !skip.has(e))) {
      invitations.push(await inviteAddress(tx, actor, dialogue, { email, role: data.role, partnerId: partner.id }, now));
    }
    if (!invitations.length) throw new AppError("CONFLICT", "already_member", { partnerId: { key: "already_member" } });
    return { partnerName: partner.name, invitations: invitations.map((i) => shownInvitation(actor, i, partner.name)) };
  });
}

type Tx = Parameters<Parameters<ReturnType<typeof prisma>["$transaction"]>[0]>[0];

async function inviteAddress(
  tx: Tx,
  actor: Actor,
  dialogue: DialogueView,
  data: { email: string; role: "FACILITATOR" | "MEMBER"; partnerId: string | null },
  now: Date,
) {
  const user = requireUser(actor);
  const dialogueId = dialogue.id;
  await tx.dialogueInvitation.updateMany({
    where: { dialogueId, email: data.email, acceptedAt: null, revokedAt: null },
    data: { revokedAt: now },
  });
  const token = randomToken();
  const invitation = await tx.dialogueInvitation.create({
    data: {
      dialogueId,
      email: data.email,
      role: data.role,
      partnerId: data.partnerId,
      tokenHash: sha256(token),
      invitedById: user.id,
      expiresAt: new Date(now.getTime() + DIALOGUE_INVITATION_DAYS * 86400_000),
    },
  });
  await recordAudit(tx, actor, "dialogue.invited", { type: "Dialogue", id: dialogueId }, { invitationId: invitation.id, role: data.role, ...(data.partnerId ? { partnerId: data.partnerId } : {}) });
  const known = await tx.user.findUnique({ where: { email: data.email }, select: { language: true } });
  const lang = fromDbLanguage(known?.language) ?? fromDbLanguage(user.language) ?? "en";
  await sendDialogueInvited(tx, {
    to: data.email,
    lang,
    invitationId: invitation.id,
    title: pickText(dialogue, lang).title,
    inviter: user.name,
    role: data.role,
    acceptUrl: acceptUrl(token),
    days: DIALOGUE_INVITATION_DAYS,
    chathamHouse: dialogue.chathamHouse,
  });
  return visible(invitation);
}

/** Revoking answers NOT_FOUND to whoever may not manage the dialogue, so invitation ids cannot be probed. */
export async function revokeDialogueInvite(actor: Actor, invitationId: string, now = new Date()) {
  return prisma().$transaction(async (tx) => {
    const invitation = actor.kind === "user" ? await tx.dialogueInvitation.findUnique({ where: { id: invitationId } }) : null;
    if (!invitation) throw notFound();
    const dialogue = await visibleDialogue(actor, invitation.dialogueId, tx);
    if (!can(actor, { do: "dialogue.manageMembers", dialogue })) throw notFound();
    if (invitation.acceptedAt) throw new AppError("CONFLICT", "invitation_invalid");
    const revoked = invitation.revokedAt ? invitation : await tx.dialogueInvitation.update({ where: { id: invitationId }, data: { revokedAt: now } });
    await recordAudit(tx, actor, "dialogue.inviteRevoked", { type: "Dialogue", id: invitation.dialogueId }, { invitationId });
    const institution = invitation.partnerId ? ((await tx.partner.findUnique({ where: { id: invitation.partnerId }, select: { name: true } }))?.name ?? null) : null;
    return shownInvitation(actor, visible(revoked), institution);
  });
}

async function openInvitation(token: string, now: Date) {
  const invitation = await prisma().dialogueInvitation.findUnique({ where: { tokenHash: sha256(token) }, include: { dialogue: { include: { translations: true } } } });
  if (!invitation || invitation.acceptedAt || invitation.revokedAt || invitation.expiresAt <= now) throw invalid();
  return invitation;
}

/**
 * Whether accepting from this browser needs a sign-in first: the address already has an account and the browser
 * is not signed in as it. An emailed link proves who reads that mailbox, not who may act as an existing account
 * (staff and admins included), so it signs in only an address that has no account yet (ADR 0044).
 */
async function signInFirst(actor: Actor, email: string, db: Tx | ReturnType<typeof prisma> = prisma()) {
  if (actor.kind === "user" && actor.email === email) return false;
  return !!(await db.user.findUnique({ where: { email }, select: { id: true } }));
}

/** What the accept page shows; GET changes nothing, so mail scanners cannot accept. */
export async function dialogueInvitationPreview(token: string, browser: string, lang: string, actor: Actor = { kind: "anonymous" }, now = new Date()) {
  const invitation = await openInvitation(token, now);
  return {
    email: invitation.email,
    signInFirst: await signInFirst(actor, invitation.email),
    title: pickText(invitation.dialogue, lang).title,
    chathamHouse: invitation.dialogue.chathamHouse,
    proof: browserProof("invitation", invitation.tokenHash, browser),
  };
}

/**
 * Accepting: the account is found by the invited address (or created) and becomes a member. From the page, the
 * proof ties the POST to the browser that was shown the invitation; an address without an account gets one and
 * that browser is signed in as it, because the emailed link proves they own the address. An existing account must
 * be signed in already (INVITATION_SIGN_IN_FIRST otherwise). Over the API (no browser), the caller must already
 * be signed in as the invited address.
 */
export async function acceptDialogueInvite(input: {
  token: string;
  actor: Actor;
  browser?: { value: string; proof: string };
  userAgent?: string;
  ip?: string;
  now?: Date;
}) {
  const now = input.now ?? new Date();
  const invitation = await openInvitation(input.token, now);
  if (input.browser) {
    if (!sameSecret(input.browser.proof, browserProof("invitation", invitation.tokenHash, input.browser.value))) throw invalid();
  } else {
    const user = requireUser(input.actor);
    if (user.email !== invitation.email) throw invalid();
  }
  return prisma().$transaction(async (tx) => {
    // Read in the transaction that would create the account, so one made meanwhile is not signed into either.
    if (input.browser && (await signInFirst(input.actor, invitation.email, tx))) throw new AppError("UNAUTHENTICATED", "invitation_sign_in_first");
    const taken = await tx.dialogueInvitation.updateMany({
      where: { id: invitation.id, acceptedAt: null, revokedAt: null, expiresAt: { gt: now } },
      data: { acceptedAt: now },
    });
    if (taken.count !== 1) throw invalid();
    const partner = invitation.partnerId ? await tx.partner.findUnique({ where: { id: invitation.partnerId } }) : null;
    const focal = partner && partner.status === "APPROVED" && partner.focalPointEmail.trim().toLowerCase() === invitation.email ? partner : null;
    const user = await tx.user.upsert({
      where: { email: invitation.email },
      create: { email: invitation.email, name: focal ? focal.focalPointName : invitation.email.split("@")[0], language: partner?.language },
      update: {},
    });
    const existing = await tx.dialogueMember.findUnique({ where: { dialogueId_userId: { dialogueId: invitation.dialogueId, userId: user.id } } });
    if (!existing) {
      const member = await tx.dialogueMember.create({ data: { dialogueId: invitation.dialogueId, userId: user.id, role: invitation.role } });
      // A new member is invited to the sessions still to come, like everyone already there.
      await inviteNewMember(tx, invitation.dialogueId, member.id, now);
    }
    // A focal-point invitation: the institution's own focal point address joins it as its focal point.
    if (focal) {
      await tx.membership.upsert({
        where: { userId_partnerId: { userId: user.id, partnerId: focal.id } },
        create: { userId: user.id, partnerId: focal.id, role: "FOCAL_POINT" },
        update: {},
      });
    }
    // Webinars this dialogue was invited to invite its new member as well.
    await inviteNewDialogueMember(tx, invitation.dialogueId, user.email, now);
    await tx.auditEntry.create({
      data: { actorId: user.id, action: "dialogue.joined", targetType: "Dialogue", targetId: invitation.dialogueId, data: { invitationId: invitation.id } },
    });
    const already = input.actor.kind === "user" && input.actor.id === user.id;
    const sessionSecret = already || !input.browser ? null : await openSession(tx, user.id, input, now);
    return { dialogueId: invitation.dialogueId, userId: user.id, sessionSecret };
  });
}
