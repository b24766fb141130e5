import { removeDialogueDocument } from "../app/services/dialogues/document-files.server.ts";
import { listDocuments, sessionDocuments, type DocumentView } from "../app/services/dialogues/documents.server.ts";
import { env } from "../app/utils/env.server.ts";
import { builder } from "./builder.ts";
import { connection, counted, PAGE_RULES } from "./connections.ts";
import { DialogueSession } from "./dialogue-sessions.ts";
import { Dialogue, DialogueAuthor } from "./dialogues.ts";

// Uploading is a page form (multipart to /dialogues/<id>/files/upload); the API lists, links and removes.
const DialogueDocument = builder.objectRef<DocumentView>("DialogueDocument").implement({
  description: "A file shared in a dialogue. Download it from `downloadUrl` with the same credentials.",
  fields: (t) => ({
    id: t.exposeID("id"),
    fileName: t.exposeString("fileName", { description: "The uploaded name, cleaned; for display only." }),
    size: t.exposeInt("size", { description: "Bytes." }),
    contentType: t.exposeString("contentType", { description: "Read from the file's bytes, not from the upload." }),
    createdAt: t.expose("createdAt", { type: "DateTime" }),
    isMine: t.exposeBoolean("isMine"),
    uploader: t.field({ type: DialogueAuthor, nullable: true, description: "Never shown under Chatham House.", resolve: (f) => f.uploader }),
    downloadUrl: t.string({ resolve: (f) => `${env().APP_URL}${f.downloadPath}` }),
  }),
});

builder.objectFields(Dialogue, (t) => ({
  documents: t.connection(
    {
      type: DialogueDocument,
      description: `Members and staff only (empty for others). Newest first; removed documents are gone. ${PAGE_RULES}`,
      resolve: async (d, page, ctx) => connection(await listDocuments(ctx.actor, d, page)),
    },
    ...counted("DialogueDocument"),
  ),
}));

builder.objectFields(DialogueSession, (t) => ({
  outcomeDocuments: t.field({
    type: [DialogueDocument],
    description: "Documents attached to the outcome note.",
    resolve: (s, _a, ctx) => sessionDocuments(ctx.actor, s),
  }),
}));

builder.mutationFields((t) => ({
  removeDialogueDocument: t.boolean({
    description: "Facilitators and staff. NOT_FOUND alike for a missing document and one you may not read.",
    args: { id: t.arg.id({ required: true }) },
    resolve: async (_r, a, ctx) => !!(await removeDialogueDocument(ctx.actor, String(a.id))),
  }),
}));
