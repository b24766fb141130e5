import type { Actor } from "../policy.server.ts";

export type DialogueRole = "FACILITATOR" | "MEMBER";

/** What the policy needs to know about a dialogue: its rules and the asking person's place in it. */
export interface DialogueRef {
  visibility: "SECRET" | "PRIVATE";
  chathamHouse: boolean;
  /** Set once staff close the dialogue: it stays readable and takes nothing new (ADR 0052). */
  closedAt?: Date | null;
  /** The actor's membership role in this dialogue, or null when they are not a member. */
  viewerRole: DialogueRole | null;
}

export type DialogueAction =
  | { do: "dialogue.create" }
  | { do: "dialogue.update"; dialogue: DialogueRef }
  /** Knowing the dialogue exists: its title and description. */
  | { do: "dialogue.see"; dialogue: DialogueRef }
  /** Its content: threads and posts. */
  | { do: "dialogue.read"; dialogue: DialogueRef }
  | { do: "dialogue.post"; dialogue: DialogueRef }
  | { do: "dialogue.leave"; dialogue: DialogueRef }
  | { do: "dialogue.manageMembers"; dialogue: DialogueRef }
  | { do: "dialogue.viewMembers"; dialogue: DialogueRef }
  | { do: "dialogue.viewAuthor"; dialogue: DialogueRef; post: { attributable: boolean; authorId: string | null } }
  /** Earlier versions of edited posts (others see only "edited"). */
  | { do: "dialogue.viewHistory"; dialogue: DialogueRef }
  /** Editing a post: its author, while they may still post there. */
  | { do: "dialogue.editPost"; dialogue: DialogueRef; post: { authorId: string | null } }
  /** Schedule and cancel sessions, publish their outcome notes. */
  | { do: "dialogue.manageSessions"; dialogue: DialogueRef }
  /** Share a document with the dialogue. */
  | { do: "dialogue.upload"; dialogue: DialogueRef }
  | { do: "dialogue.removeDocument"; dialogue: DialogueRef }
  /** Who shared a document: never under Chatham House. */
  | { do: "dialogue.viewUploader"; dialogue: DialogueRef };

const staff = (a: Actor) => a.kind === "user" && (a.role === "STAFF" || a.role === "ADMIN");
const approvedPartner = (a: Actor) => a.kind === "user" && a.memberships.some((m) => m.partnerStatus === "APPROVED");

/**
 * The dialogue rules (docs/decisions/0015-dialogues.md). Called only through `can` in policy.server.ts, so every
 * surface asks one question. Staff run dialogues and see all of them, but Chatham House binds them too: a post's
 * author is shown to nobody but the author unless the post is marked attributable.
 */
export function canDialogue(actor: Actor, action: DialogueAction): boolean {
  if (actor.kind !== "user") return false;
  if (action.do === "dialogue.create") return staff(actor);
  const d = action.dialogue;
  const member = d.viewerRole !== null;
  const facilitator = d.viewerRole === "FACILITATOR";
  switch (action.do) {
    case "dialogue.update":
      return staff(actor);
    case "dialogue.see":
      return member || staff(actor) || (d.visibility === "PRIVATE" && approvedPartner(actor));
    case "dialogue.read":
      return member || staff(actor);
    case "dialogue.post":
    case "dialogue.upload":
      return (member || staff(actor)) && !d.closedAt;
    case "dialogue.manageSessions":
    case "dialogue.removeDocument":
      return facilitator || staff(actor);
    case "dialogue.viewUploader":
      return (member || staff(actor)) && !d.chathamHouse;
    case "dialogue.leave":
      return member;
    case "dialogue.manageMembers":
      return facilitator || staff(actor);
    case "dialogue.viewMembers":
      return facilitator || staff(actor) || (member && !d.chathamHouse);
    case "dialogue.viewHistory":
      return facilitator || staff(actor);
    case "dialogue.editPost":
      return (member || staff(actor)) && !d.closedAt && action.post.authorId !== null && action.post.authorId === actor.id;
    case "dialogue.viewAuthor":
      if (!(member || staff(actor))) return false;
      return !d.chathamHouse || action.post.attributable || (action.post.authorId !== null && action.post.authorId === actor.id);
  }
}

/**
 * Whom the audit trail names for a post, an edit or a shared document: nobody under Chatham House, where the
 * trail (open to admins, searchable by person) would otherwise undo the rule.
 */
export const auditedContributor = (actor: Actor, dialogue: Pick<DialogueRef, "chathamHouse">): Actor =>
  dialogue.chathamHouse ? { kind: "anonymous" } : actor;
