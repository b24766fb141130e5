import { prisma } from "../../utils/db.server.ts";
import { recordAudit } from "../audit.server.ts";
import { AppError } from "../errors.ts";
import { authorize, can, requireUser, type Actor } from "../policy.server.ts";
import { fileStore } from "../storage/file-store.server.ts";
import type { FileKind } from "../storage/file-types.ts";
import { fileResponse, storeUpload, type UploadError } from "../storage/uploads.server.ts";
import { readableDialogue } from "./access.server.ts";
import { checkDocumentQuota, countUpload } from "./contribution-limits.server.ts";
import { auditedContributor } from "./policy.ts";
import { documentViews, readableDocument } from "./documents.server.ts";

export const DIALOGUE_FILE_KINDS: readonly FileKind[] = ["pdf", "docx", "odt", "xlsx"];
const ERROR_KEY = { missing: "file_missing", too_large: "file_too_large", type: "file_type" } as const satisfies Record<UploadError, string>;

/**
 * Whether `actor` may share a file in the dialogue: the same check the upload itself makes, asked by the front door
 * before it accepts an upload-sized body (anyone else keeps the small form limit).
 */
export async function mayUploadDialogueDocument(actor: Actor, dialogueId: string): Promise<boolean> {
  if (actor.kind !== "user") return false;
  try {
    return can(actor, { do: "dialogue.upload", dialogue: await readableDialogue(actor, dialogueId) });
  } catch (error) {
    if (error instanceof AppError) return false;
    throw error;
  }
}

/**
 * A member (or staff) shares a file. The policy, the upload rate and the quotas are asked before a byte is stored;
 * the bytes decide the type, the name is kept only for display. If the record cannot be written the stored bytes are removed again.
 */
export async function uploadDialogueDocument(actor: Actor, dialogueId: string, file: FormDataEntryValue | null | undefined) {
  const user = requireUser(actor);
  const dialogue = await readableDialogue(actor, dialogueId);
  authorize(actor, { do: "dialogue.upload", dialogue });
  if (file && typeof file !== "string" && file.size > 0) {
    // An empty form costs nothing; any file counts, refused or not. The quota is asked before a byte is stored when it
    // is plainly used up, and again under lock in the write.
    await countUpload(user.id);
    await checkDocumentQuota(prisma(), user.id, dialogueId, file.size);
  }
  const stored = await storeUpload(file, DIALOGUE_FILE_KINDS);
  if (!stored.ok) throw new AppError("BAD_USER_INPUT", "invalid_input", { file: { key: ERROR_KEY[stored.error] } });
  let written;
  try {
    written = await prisma().$transaction(async (tx) => {
      // Asked again inside the write: a member removed while uploading shares nothing.
      const current = await readableDialogue(actor, dialogueId, tx);
      authorize(actor, { do: "dialogue.upload", dialogue: current });
      await checkDocumentQuota(tx, user.id, dialogueId, stored.file.size, { lock: true });
      const row = await tx.dialogueDocument.create({
        data: {
          dialogueId,
          uploaderId: user.id,
          fileName: stored.file.displayName,
          storageKey: stored.file.key,
          size: stored.file.size,
          contentType: stored.file.contentType,
          sha256: stored.file.sha256,
        },
      });
      await recordAudit(tx, auditedContributor(actor, current), "dialogue.documentShared", { type: "DialogueDocument", id: row.id }, { dialogueId, size: row.size, contentType: row.contentType });
      return { row, current };
    });
  } catch (error) {
    await fileStore().remove(stored.file.key);
    throw error;
  }
  // Read after the commit: on the embedded database a query outside an open transaction waits for it.
  return (await documentViews(actor, written.current, [written.row]))[0];
}

/**
 * Facilitators and staff remove a document: the row stays (who, when) for the audit trail, the bytes go. Outsiders
 * get NOT_FOUND as for a missing id; members, who can see the document, FORBIDDEN.
 */
export async function removeDialogueDocument(actor: Actor, documentId: string, dialogueId: string | null = null) {
  requireUser(actor);
  const removed = await prisma().$transaction(async (tx) => {
    const { dialogue } = await readableDocument(actor, dialogueId, documentId, tx);
    authorize(actor, { do: "dialogue.removeDocument", dialogue });
    const updated = await tx.dialogueDocument.update({
      where: { id: documentId },
      data: { removedAt: new Date(), removedById: actor.kind === "user" ? actor.id : null, sessionId: null },
    });
    await recordAudit(tx, actor, "dialogue.documentRemoved", { type: "DialogueDocument", id: documentId }, { dialogueId: updated.dialogueId });
    return updated;
  });
  // After the commit: a failed removal of bytes leaves an orphan file, never a record pointing at nothing.
  await fileStore().remove(removed.storageKey);
  return { id: removed.id, dialogueId: removed.dialogueId };
}

/** `/dialogues/<id>/files/<fileId>`: the bytes, only after the policy allowed the record (ADR 0016 headers). */
export async function documentDownload(actor: Actor, dialogueId: string, documentId: string) {
  const { row, dialogue } = await readableDocument(actor, dialogueId, documentId);
  if (!can(actor, { do: "dialogue.read", dialogue })) throw new AppError("NOT_FOUND", "not_found");
  return fileResponse({ key: row.storageKey, contentType: row.contentType, displayName: row.fileName });
}
