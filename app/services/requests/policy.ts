import type { Actor } from "../policy.server.ts";

/** What the policy needs about a request: whose institution it belongs to. */
export interface SupportRequestRef {
  partnerId: string;
}

export type SupportRequestAction =
  /** Asking for support on behalf of an institution the person belongs to. */
  | { do: "supportRequest.create"; partnerId: string }
  /** The request itself, its status history and the messages sent to the institution. */
  | { do: "supportRequest.view"; request: SupportRequestRef }
  /** The queue, status changes, assignees, messages, scheduling a webinar from it. */
  | { do: "supportRequest.manage" }
  /** Staff notes: the research team only, on every path. */
  | { do: "supportRequest.viewNotes"; request: SupportRequestRef };

const staff = (a: Actor) => a.kind === "user" && (a.role === "STAFF" || a.role === "ADMIN");

/**
 * The request rules (docs/decisions/0023-support-requests.md), asked only through `can` in policy.server.ts.
 * Any person of an approved institution may ask on its behalf and follows all of its requests; staff see and
 * work every request. Staff notes are never shown to anyone outside the research team.
 */
export function canSupportRequest(actor: Actor, action: SupportRequestAction): boolean {
  if (actor.kind !== "user") return false;
  switch (action.do) {
    case "supportRequest.create":
      return actor.memberships.some((m) => m.partnerId === action.partnerId && m.partnerStatus === "APPROVED");
    case "supportRequest.view":
      return staff(actor) || actor.memberships.some((m) => m.partnerId === action.request.partnerId);
    case "supportRequest.manage":
    case "supportRequest.viewNotes":
      return staff(actor);
  }
}
