import { can, type Actor } from "../policy.server.ts";

/**
 * An invitation as `actor` may see it. One sent to an institution's focal points names the institution, and its
 * address only to those who may see that institution's people (its own members, the research team), as
 * Partner.members does: a partner facilitator learns that an invitation went out, never to whom (ADR 0044).
 */
export function shownInvitation<T extends { email: string; partnerId?: string | null }>(actor: Actor, invitation: T, institution: string | null = null) {
  const hidden = !!invitation.partnerId && !can(actor, { do: "partner.viewMembers", partner: { id: invitation.partnerId } });
  return { ...invitation, email: hidden ? null : invitation.email, institution };
}
