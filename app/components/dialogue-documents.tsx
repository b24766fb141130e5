import { Form } from "@remix-run/react";
import { formatDateTime } from "../i18n/index.ts";
import { dialogueSessionsUi } from "../i18n/ui/dialogue-sessions.ts";
import { useLang, useT } from "../utils/i18n.ts";

export interface DocumentRow {
  id: string;
  fileName: string;
  size: number;
  createdAt: string;
  href: string;
  isMine: boolean;
  uploader: string | null;
}

const sizeText = (bytes: number, lang: string, unit: (u: "kb" | "mb") => string) =>
  bytes < 1024 * 1024
    ? `${Math.max(1, Math.round(bytes / 1024)).toLocaleString(lang)}\u00a0${unit("kb")}`
    : `${(bytes / 1024 / 1024).toLocaleString(lang, { maximumFractionDigits: 1 })}\u00a0${unit("mb")}`;

/**
 * Shared documents as a table that stacks on narrow screens. Under Chatham House `uploader` is null for everyone
 * else's files, so the column says "a participant"; the reader's own say "you".
 */
export function DialogueDocumentsTable({ documents, canRemove }: { documents: DocumentRow[]; canRemove: boolean }) {
  const t = useT(dialogueSessionsUi);
  const lang = useLang();
  return (
    <table data-documents>
      <thead>
        <tr>
          <th>{t("file")}</th>
          <th>{t("size")}</th>
          <th>{t("added")}</th>
          <th>{t("by")}</th>
          {canRemove ? <th>{t("remove_document")}</th> : null}
        </tr>
      </thead>
      <tbody>
        {documents.map((f) => (
          <tr key={f.id}>
            <td data-label={t("file")}>
              <a href={f.href}>{f.fileName}</a>
            </td>
            <td data-label={t("size")}>{sizeText(f.size, lang, t)}</td>
            <td data-label={t("added")}>{formatDateTime(new Date(f.createdAt), lang)}</td>
            <td data-label={t("by")} data-uploader>
              {f.isMine ? t("you") : (f.uploader ?? t("someone"))}
            </td>
            {canRemove ? (
              <td data-label={t("remove_document")}>
                <Form method="post" action={`${f.href.replace(/\/[^/]+$/, "")}?index`}>
                  <input type="hidden" name="intent" value="remove" />
                  <input type="hidden" name="documentId" value={f.id} />
                  <button type="submit" className="secondary">
                    {t("remove_document")}
                  </button>
                </Form>
              </td>
            ) : null}
          </tr>
        ))}
      </tbody>
    </table>
  );
}
