import { env } from "../../utils/env.server.ts";
import type { Client } from "../../utils/db.server.ts";
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

const HOUR = 3_600_000;
const MB = 1024 * 1024;

export const uploadBucket = (userId: string) => `dialogue-upload:user:${userId}`;

/** Counts one upload attempt of a person allowed to share in the dialogue (DIALOGUE_UPLOADS_PER_HOUR). */
export async function countUpload(userId: string) {
  const limit = { max: env().DIALOGUE_UPLOADS_PER_HOUR, windowMs: HOUR };
  if (!(await hit(uploadBucket(userId), limit)).allowed) throw new AppError("RATE_LIMITED", "upload_rate_limited");
}

const quotaError = (key: "quota_person_files" | "quota_person_bytes" | "quota_dialogue_files" | "quota_dialogue_bytes", max: number) =>
  new AppError("CONFLICT", "quota_reached", { file: { key, vars: { max } } });

/**
 * Refuses a file of `size` bytes that would take the person (across all dialogues) or the dialogue past its number of
 * shared files or their total size; removed files no longer count, their bytes are gone. Inside the write, `lock`
 * holds the person's and the dialogue's rows (always in that order) until the commit, so concurrent uploads are
 * counted one after the other and cannot pass the quota together.
 */
export async function checkDocumentQuota(db: Client, userId: string, dialogueId: string, size: number, { lock = false } = {}) {
  const e = env();
  if (lock) {
    // NO KEY UPDATE: serialises quota checks without blocking rows that merely reference the person or dialogue.
    await db.$queryRaw`SELECT 1 FROM "User" WHERE "id" = ${userId} FOR NO KEY UPDATE`;
    await db.$queryRaw`SELECT 1 FROM "Dialogue" WHERE "id" = ${dialogueId} FOR NO KEY UPDATE`;
  }
  const live = { removedAt: null };
  const mine = await db.dialogueDocument.aggregate({ where: { uploaderId: userId, ...live }, _count: { _all: true }, _sum: { size: true } });
  if (mine._count._all + 1 > e.DIALOGUE_FILES_PER_PERSON) throw quotaError("quota_person_files", e.DIALOGUE_FILES_PER_PERSON);
  if ((mine._sum.size ?? 0) + size > e.DIALOGUE_MB_PER_PERSON * MB) throw quotaError("quota_person_bytes", e.DIALOGUE_MB_PER_PERSON);
  const shared = await db.dialogueDocument.aggregate({ where: { dialogueId, ...live }, _count: { _all: true }, _sum: { size: true } });
  if (shared._count._all + 1 > e.DIALOGUE_FILES_PER_DIALOGUE) throw quotaError("quota_dialogue_files", e.DIALOGUE_FILES_PER_DIALOGUE);
  if ((shared._sum.size ?? 0) + size > e.DIALOGUE_MB_PER_DIALOGUE * MB) throw quotaError("quota_dialogue_bytes", e.DIALOGUE_MB_PER_DIALOGUE);
}
