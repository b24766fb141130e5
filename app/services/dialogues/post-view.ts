import { can, type Actor } from "../policy.server.ts";
import type { Client } from "../../utils/db.server.ts";
import type { DialogueView } from "./access.server.ts";

// What a post looks like to one reader; shared by threads (pages, GraphQL) and notifications (emails), so that
// neither imports the other.
const authorSelect = { select: { id: true, name: true, memberships: { select: { partner: { select: { name: true } } } } } } as const;
export const postInclude = { author: authorSelect } as const;

export type PostRow = Awaited<ReturnType<typeof loadPost>>;
export const loadPost = (db: Client, id: string) => db.dialoguePost.findUniqueOrThrow({ where: { id }, include: postInclude });

/**
 * A post as this reader may see it: the author's name and institutions only where the policy allows (never to
 * others under Chatham House unless the author marked the post attributable). Rows never leave the dialogue services
 * with their author attached.
 */
export function postView(actor: Actor, dialogue: DialogueView, { author, authorId, ...post }: PostRow) {
  const named = can(actor, { do: "dialogue.viewAuthor", dialogue, post: { attributable: post.attributable, authorId } });
  return {
    id: post.id,
    threadId: post.threadId,
    body: post.body,
    html: post.html,
    attributable: post.attributable,
    createdAt: post.createdAt,
    editedAt: post.editedAt,
    isMine: actor.kind === "user" && authorId === actor.id,
    author: named && author ? { name: author.name, affiliation: author.memberships.map((m) => m.partner.name) } : null,
    // The author's account was erased: where a name would show, "former member" shows (never under the rule, where
    // it would tell members something about an unattributed author).
    formerMember: named && authorId === null,
  };
}
export type PostView = ReturnType<typeof postView>;
