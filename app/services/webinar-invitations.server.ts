import { z } from "zod";
import type { Prisma } from "../generated/prisma/client.ts";
import { toDbLanguage, type Lang } from "../i18n/index.ts";
import { email as emailField, language } from "../schemas/fields.ts";
import { parseInput } from "../schemas/validate.ts";
import { prisma } from "../utils/db.server.ts";
import { recordAudit } from "./audit.server.ts";
import { AppError } from "./errors.ts";
import { visibleDialogue } from "./dialogues/access.server.ts";
import { authorize, can, type Actor } from "./policy.server.ts";
import { admit, renewRegistration, REPLACEABLE } from "./webinar-registrations.server.ts";
import { lockWebinar } from "./webinars.server.ts";

export const MAX_INVITES = 200;

const inviteSchema = z.object({
  emails: z.array(z.string()).max(MAX_INVITES, "too_long"),
  partnerId: z.string().max(64).optional(),
  dialogueId: z.string().max(64).optional(),
  language: language.default("en"),
});

/** "a@x.org, b@y.org" or one per line, as staff paste them from a spreadsheet or a mail client. */
export const splitEmails = (text: string) => text.split(/[\s,;]+/).map((e) => e.replace(/^.*<|>$/g, "").trim()).filter(Boolean);

export interface InviteResult {
  invited: string[];
  alreadyRegistered: string[];
}

/**
 * Staff invite people by address, all members of a partner institution and/or all members of a dialogue. Each
 * invitee gets the usual registration (staff invited them, so approval is skipped; capacity still applies, so a
 * full webinar puts them on the waiting list) and the usual emails with their calendar invite and personal links.
 * People with an account keep their name, language and last chosen time zone; others get `language` and the
 * event's zone until they pick theirs. Someone already registered is left as they are. Inviting a dialogue also
 * records the link, so people who join that dialogue later are invited when they join (docs/decisions/0021).
 */
export async function inviteToWebinar(
  actor: Actor,
  webinarId: string,
  input: { emails?: readonly string[]; partnerId?: string | null; dialogueId?: string | null; language?: string },
  now = new Date(),
): Promise<InviteResult> {
  authorize(actor, { do: "webinar.manage" });
  const data = parseInput(inviteSchema, {
    emails: [...(input.emails ?? [])],
    partnerId: input.partnerId || undefined,
    dialogueId: input.dialogueId || undefined,
    language: input.language || undefined,
  });
  // findIndex, not find: an empty string is a bad address too.
  if (data.emails.findIndex((e) => !emailField.safeParse(e).success) >= 0) throw new AppError("BAD_USER_INPUT", "invalid_email", { emails: { key: "invalid_email" } });
  const addresses = new Set(data.emails.map((e) => emailField.parse(e)));
  if (data.partnerId) {
    const members = await prisma().membership.findMany({ where: { partnerId: data.partnerId }, select: { user: { select: { email: true } } } });
    if (!members.length) throw new AppError("BAD_USER_INPUT", "required", { partnerId: { key: "required" } });
    for (const m of members) addresses.add(m.user.email);
  }
  if (data.dialogueId) {
    // The dialogue policy decides, as on every path: a dialogue this actor may not see is not found.
    const dialogue = await visibleDialogue(actor, data.dialogueId).catch(() => null);
    if (!dialogue || !can(actor, { do: "dialogue.manageMembers", dialogue })) throw new AppError("BAD_USER_INPUT", "required", { dialogueId: { key: "required" } });
    const members = await prisma().dialogueMember.findMany({ where: { dialogueId: dialogue.id }, select: { user: { select: { email: true } } } });
    for (const m of members) addresses.add(m.user.email);
  }
  if (!addresses.size && !data.dialogueId) throw new AppError("BAD_USER_INPUT", "required", { emails: { key: "required" } });
  if (addresses.size > MAX_INVITES) throw new AppError("BAD_USER_INPUT", "too_long", { emails: { key: "too_long", vars: { max: MAX_INVITES } } }, { max: MAX_INVITES });
  return prisma().$transaction(async (tx) => {
    const webinar = await lockWebinar(tx, webinarId);
    if (data.dialogueId) {
      if (webinar.audience !== "INVITED") throw new AppError("CONFLICT", "webinar_not_invited_audience", { dialogueId: { key: "webinar_not_invited_audience" } });
      await tx.webinarDialogue.upsert({ where: { webinarId_dialogueId: { webinarId, dialogueId: data.dialogueId } }, create: { webinarId, dialogueId: data.dialogueId }, update: {} });
    }
    const result = await registerInvitees(tx, webinar, [...addresses], data.language, now);
    await recordAudit(tx, actor, "webinar.invited", { type: "Webinar", id: webinarId }, { invited: result.invited.length, ...(data.dialogueId ? { dialogueId: data.dialogueId } : {}) });
    return result;
  });
}

type Webinar = Awaited<ReturnType<typeof lockWebinar>>;

/** The registrations and emails of an invitation, in the caller's transaction, with the webinar locked. */
export async function registerInvitees(tx: Prisma.TransactionClient, webinar: Webinar, addresses: readonly string[], language: Lang, now: Date): Promise<InviteResult> {
  if (webinar.status === "CANCELLED") throw new AppError("CONFLICT", "webinar_cancelled");
  if (webinar.endsAt <= now) throw new AppError("CONFLICT", "webinar_past");
  const result: InviteResult = { invited: [], alreadyRegistered: [] };
  const webinarId = webinar.id;
  for (const email of [...addresses].sort()) {
    const existing = await tx.webinarRegistration.findUnique({ where: { webinarId_email: { webinarId, email } } });
    if (existing && !REPLACEABLE.includes(existing.status)) {
      result.alreadyRegistered.push(email);
      continue;
    }
    const user = await tx.user.findUnique({ where: { email } });
    const zone = user
      ? (await tx.webinarRegistration.findFirst({ where: { userId: user.id }, orderBy: { updatedAt: "desc" }, select: { timeZone: true } }))?.timeZone
      : null;
    const fields = {
      name: user?.name ?? email.split("@")[0],
      language: user?.language ?? toDbLanguage(language),
      timeZone: zone ?? webinar.timeZone,
      userId: user?.id ?? null,
      invitedAt: now,
      status: "UNCONFIRMED" as const,
      confirmedAt: null,
      denialMessage: null,
    };
    const reg = existing
      ? await renewRegistration(tx, existing.id, fields, now)
      : await tx.webinarRegistration.create({ data: { ...fields, webinarId, email } });
    await admit(tx, webinar, reg, true);
    result.invited.push(email);
  }
  return result;
}

/**
 * Someone just joined a dialogue (in that transaction): every upcoming webinar the dialogue was invited to
 * registers and invites them too. Webinars already past or cancelled are skipped.
 */
export async function inviteNewDialogueMember(tx: Prisma.TransactionClient, dialogueId: string, email: string, now: Date) {
  const links = await tx.webinarDialogue.findMany({
    where: { dialogueId, webinar: { status: { not: "CANCELLED" }, endsAt: { gt: now } } },
    select: { webinarId: true },
    orderBy: { webinarId: "asc" },
  });
  let invited = 0;
  for (const { webinarId } of links) {
    const webinar = await lockWebinar(tx, webinarId);
    invited += (await registerInvitees(tx, webinar, [email], "en", now)).invited.length;
  }
  return invited;
}
