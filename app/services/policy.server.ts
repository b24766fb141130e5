import { canDialogue, type DialogueAction } from "./dialogues/policy.ts";
import { canSupportRequest, type SupportRequestAction } from "./requests/policy.ts";
import { AppError } from "./errors.ts";
import { canPublication, type PublicationAction } from "./publications/audience.ts";

export type Role = "ADMIN" | "STAFF" | "PARTNER";
export interface ActorMembership {
  partnerId: string;
  partnerName: string;
  role: "FOCAL_POINT" | "MEMBER";
  partnerStatus: "PENDING" | "APPROVED" | "REJECTED";
}
export interface SignedInActor {
  kind: "user";
  id: string;
  email: string;
  name: string;
  role: Role;
  language: string | null;
  memberships: ActorMembership[];
  /** The statistics grant (participation insights); only counts for staff and admins. */
  statistics?: boolean;
  /** The zone the person last picked (ADR 0050); null until they pick one. */
  timeZone?: string | null;
}
export type Actor = { kind: "anonymous" } | SignedInActor;
export const ANONYMOUS: Actor = { kind: "anonymous" };

interface PartnerRef {
  id: string;
  status: "PENDING" | "APPROVED" | "REJECTED";
  publicListing: boolean;
}

/** Every action any surface (page, GraphQL, CLI, email, export) may perform, with the resource it needs. */
export type Action =
  | { do: "partner.register" }
  | { do: "partner.directory" }
  | { do: "partner.view"; partner: PartnerRef }
  | { do: "partner.viewPublic"; partner: PartnerRef }
  | { do: "partner.viewContacts"; partner: PartnerRef }
  // Who may see an institution's people depends on the institution alone, not on its status or listing.
  | { do: "partner.viewMembers"; partner: Pick<PartnerRef, "id"> }
  | { do: "partner.listPending" }
  | { do: "partner.decide" }
  | { do: "partner.manageMembers"; partner: PartnerRef }
  | { do: "apiToken.manage" }
  | { do: "audit.view" }
  | { do: "mail.view" }
  | { do: "send.manage" }
  | { do: "send.tracking" }
  | { do: "account.manage" }
  | { do: "webinar.manage" }
  | { do: "webinar.exportRegistrations" }
  | { do: "webinar.messageRegistrants" }
  | { do: "partner.editDetails"; partner: PartnerRef }
  | { do: "webinar.register"; webinar: { audience: "PUBLIC" | "PARTNERS" | "INVITED" } }
  | { do: "statistics.view" }
  | { do: "statistics.grant" }
  | { do: "account.erase" }
  /** A person's download of everything held about them: always their own data, never someone else's. */
  | { do: "account.export" }
  | DialogueAction
  | SupportRequestAction
  | PublicationAction;

export const isStaff = (a: Actor): boolean => a.kind === "user" && (a.role === "STAFF" || a.role === "ADMIN");
export const isAdmin = (a: Actor): boolean => a.kind === "user" && a.role === "ADMIN";

const membership = (a: Actor, partnerId: string) => (a.kind === "user" ? a.memberships.find((m) => m.partnerId === partnerId) : undefined);
/** Belonging to an approved institution is what opens the partner network; a pending one opens nothing else. */
const isApprovedPartner = (a: Actor) => a.kind === "user" && a.memberships.some((m) => m.partnerStatus === "APPROVED");

export function can(actor: Actor, action: Action): boolean {
  // Before the staff shortcut: Chatham House hides authors from staff too.
  if (action.do.startsWith("dialogue.")) return canDialogue(actor, action as DialogueAction);
  if (action.do.startsWith("supportRequest.")) return canSupportRequest(actor, action as SupportRequestAction);
  // Aggregates of sensitive answers: a grant of its own, not a perk of the staff role (ADR 0022).
  if (action.do === "statistics.view") return isStaff(actor) && actor.kind === "user" && actor.statistics === true;
  if (action.do === "statistics.grant") return isAdmin(actor);
  if (action.do.startsWith("publication.")) return canPublication(actor, action as PublicationAction);
  if (isStaff(actor)) {
    if (action.do === "audit.view" || action.do === "mail.view" || action.do === "account.erase" || action.do === "send.tracking") return isAdmin(actor);
    return true;
  }
  switch (action.do) {
    case "partner.register":
      return true;
    case "partner.viewPublic":
      return action.partner.status === "APPROVED" && action.partner.publicListing;
    case "partner.directory":
      return isApprovedPartner(actor);
    case "partner.view":
    case "partner.viewContacts":
      return (
        !!membership(actor, action.partner.id) || (action.partner.status === "APPROVED" && isApprovedPartner(actor))
      );
    case "partner.viewMembers":
      return !!membership(actor, action.partner.id);
    case "partner.editDetails":
    case "partner.manageMembers": {
      const m = membership(actor, action.partner.id);
      return m?.role === "FOCAL_POINT" && action.partner.status === "APPROVED";
    }
    case "account.manage":
    case "account.export":
      return actor.kind === "user";
    // Invited-only webinars take registrations from the research team, not from a public form.
    case "webinar.register":
      return action.webinar.audience === "PUBLIC" || (action.webinar.audience === "PARTNERS" && isApprovedPartner(actor));
    default:
      return false;
  }
}

/** Throws UNAUTHENTICATED for anonymous callers and FORBIDDEN for signed-in ones. */
export function authorize(actor: Actor, action: Action): asserts actor is Actor {
  if (can(actor, action)) return;
  throw new AppError(actor.kind === "anonymous" ? "UNAUTHENTICATED" : "FORBIDDEN", actor.kind === "anonymous" ? "unauthenticated" : "forbidden");
}

export function requireUser(actor: Actor): SignedInActor {
  if (actor.kind !== "user") throw new AppError("UNAUTHENTICATED", "unauthenticated");
  return actor;
}
