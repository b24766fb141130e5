import { AppError } from "../errors.ts";
import { hit, LIMITS } from "../rate-limit.server.ts";

/** Rate-limit buckets of dialogue contributions (named here so tests and tools fill the same ones). */
export const postBuckets = {
  person: (userId: string) => `dialogue-post:user:${userId}`,
  dialogue: (dialogueId: string) => `dialogue-post:dialogue:${dialogueId}`,
};

/**
 * Counts one post (dialogueId given) or edit (null) after the policy allowed it, so outsiders cannot use up a
 * dialogue's allowance; a person over their own limit is refused before the dialogue's bucket counts them.
 * Called outside the write's transaction: a refused or rolled-back attempt still counts.
 */
export async function countPost(userId: string, dialogueId: string | null) {
  if (!(await hit(postBuckets.person(userId), LIMITS.dialoguePost.perUser)).allowed) throw new AppError("RATE_LIMITED", "post_rate_limited");
  if (dialogueId && !(await hit(postBuckets.dialogue(dialogueId), LIMITS.dialoguePost.perDialogue)).allowed) {
    throw new AppError("RATE_LIMITED", "dialogue_post_rate_limited");
  }
}
