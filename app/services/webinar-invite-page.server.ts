import { runForm } from "../utils/forms.server.ts";
import { prisma } from "../utils/db.server.ts";
import { authorize, type Actor } from "./policy.server.ts";
import { inviteToWebinar, splitEmails } from "./webinar-invitations.server.ts";

/** Approved institutions with members, for the "invite every member of" choice. */
export async function listPartnersForInvite(actor: Actor) {
  authorize(actor, { do: "webinar.manage" });
  return prisma().partner.findMany({
    where: { status: "APPROVED", members: { some: {} } },
    select: { id: true, name: true, _count: { select: { members: true } } },
    orderBy: { name: "asc" },
    take: 500,
  });
}

/** The invite form of an invited-only webinar's page. */
export function inviteAction(actor: Actor, webinarId: string, form: FormData) {
  const values = { intent: "invite", emails: String(form.get("emails") ?? ""), partnerId: String(form.get("partnerId") ?? ""), language: String(form.get("language") ?? "") };
  return runForm(async () => {
    const r = await inviteToWebinar(actor, webinarId, { emails: splitEmails(values.emails), partnerId: values.partnerId || null, language: values.language || undefined });
    return { ok: true as const, notice: "invite_done" as const, vars: { invited: r.invited.length, already: r.alreadyRegistered.length } };
  }, values);
}
