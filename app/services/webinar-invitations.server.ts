import { z } from "zod";
import { toDbLanguage } from "../i18n/index.ts";
import { email as emailField, language } from "../schemas/fields.ts";
import { parseInput } from "../schemas/validate.ts";
import { prisma } from "../utils/db.server.ts";
import { recordAudit } from "./audit.server.ts";
import { AppError } from "./errors.ts";
import { authorize, type Actor } from "./policy.server.ts";
import { admit, REPLACEABLE } from "./webinar-registrations.server.ts";
import { lockWebinar } from "./webinars.server.ts";

export const MAX_INVITES = 200;

const inviteSchema = z.object({
  emails: z.array(z.string()).max(MAX_INVITES, "too_long"),
  partnerId: z.string().max(64).optional(),
  language: language.default("en"),
});

/** "a@x.org, b@y.org" or one per line, as staff paste them from a spreadsheet or a mail client. */
export const splitEmails = (text: string) => text.split(/[\s,;]+/).map((e) => e.replace(/^.*<|>$/g, "").trim()).filter(Boolean);

export interface InviteResult {
  invited: string[];
  alreadyRegistered: string[];
}

/**
 * Staff invite people by address and/or all members of a partner institution. Each invitee gets the usual
 * registration (staff invited them, so approval is skipped; capacity still applies, so a full webinar puts them
 * on the waiting list) and the usual emails with their calendar invite and personal links. People with an account
 * keep their name, language and last chosen time zone; others get `language` and the event's zone until they
 * pick theirs. Someone already registered is left as they are.
 */
export async function inviteToWebinar(actor: Actor, webinarId: string, input: { emails?: readonly string[]; partnerId?: string | null; language?: string }, now = new Date()): Promise<InviteResult> {
  authorize(actor, { do: "webinar.manage" });
  const data = parseInput(inviteSchema, { emails: [...(input.emails ?? [])], partnerId: input.partnerId || undefined, language: input.language || undefined });
  // findIndex, not find: an empty string is a bad address too.
  if (data.emails.findIndex((e) => !emailField.safeParse(e).success) >= 0) throw new AppError("BAD_USER_INPUT", "invalid_email", { emails: { key: "invalid_email" } });
  const addresses = new Set(data.emails.map((e) => emailField.parse(e)));
  if (data.partnerId) {
    const members = await prisma().membership.findMany({ where: { partnerId: data.partnerId }, select: { user: { select: { email: true } } } });
    if (!members.length) throw new AppError("BAD_USER_INPUT", "required", { partnerId: { key: "required" } });
    for (const m of members) addresses.add(m.user.email);
  }
  if (!addresses.size) throw new AppError("BAD_USER_INPUT", "required", { emails: { key: "required" } });
  if (addresses.size > MAX_INVITES) throw new AppError("BAD_USER_INPUT", "too_long", { emails: { key: "too_long", vars: { max: MAX_INVITES } } }, { max: MAX_INVITES });
  return prisma().$transaction(async (tx) => {
    const webinar = await lockWebinar(tx, webinarId);
    if (webinar.status === "CANCELLED") throw new AppError("CONFLICT", "webinar_cancelled");
    if (webinar.endsAt <= now) throw new AppError("CONFLICT", "webinar_past");
    const result: InviteResult = { invited: [], alreadyRegistered: [] };
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
        language: user?.language ?? toDbLanguage(data.language),
        timeZone: zone ?? webinar.timeZone,
        userId: user?.id ?? null,
        invitedAt: now,
        status: "UNCONFIRMED" as const,
        confirmedAt: null,
        denialMessage: null,
      };
      const reg = existing
        ? await tx.webinarRegistration.update({ where: { id: existing.id }, data: fields })
        : await tx.webinarRegistration.create({ data: { ...fields, webinarId, email } });
      await admit(tx, webinar, reg, true);
      result.invited.push(email);
    }
    await recordAudit(tx, actor, "webinar.invited", { type: "Webinar", id: webinarId }, { invited: result.invited.length });
    return result;
  });
}
