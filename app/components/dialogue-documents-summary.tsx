import { Link } from "@remix-run/react";
import { MAX_UPLOAD_BYTES } from "../http/limits.ts";
import { dialogueSessionsUi } from "../i18n/ui/dialogue-sessions.ts";
import { useT } from "../utils/i18n.ts";
import { DialogueDocumentsTable, type DocumentRow } from "./dialogue-documents.tsx";

/** The latest documents on the dialogue page; the documents page has them all and the upload form. */
export function DialogueDocumentsSummary({ dialogueId, documents, more }: { dialogueId: string; documents: DocumentRow[]; more: boolean }) {
  const t = useT(dialogueSessionsUi);
  return (
    <>
      <h2>{t("documents")}</h2>
      {documents.length ? <DialogueDocumentsTable documents={documents} canRemove={false} /> : <p>{t("no_documents", { mb: MAX_UPLOAD_BYTES / 1024 / 1024 })}</p>}
      <p>
        <Link to={`/dialogues/${dialogueId}/files`}>{more ? `${t("documents")} →` : t("upload")}</Link>
      </p>
    </>
  );
}
