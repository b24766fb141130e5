import { Form } from "@remix-run/react";
import { formatDateTime } from "../i18n/index.ts";
import { dialogueActivityUi } from "../i18n/ui/dialogue-activity.ts";
import { dialoguesUi } from "../i18n/ui/dialogues.ts";
import type { FormFailure } from "../utils/forms.server.ts";
import { useLang, useT } from "../utils/i18n.ts";

/** The author's edit form, folded away until opened (a <details>, so it works without script). */
export function PostEditForm({ postId, body, failure }: { postId: string; body: string; failure: FormFailure | null }) {
  const t = useT(dialogueActivityUi);
  const ui = useT(dialoguesUi);
  return (
    <details open={!!failure} data-edit-post>
      <summary>{t("edit")}</summary>
      <Form method="post">
        <input type="hidden" name="intent" value="edit" />
        <input type="hidden" name="postId" value={postId} />
        {/* Not <Field>: several posts on one page each have a form, so ids carry the post id. */}
        <label htmlFor={`edit-${postId}`}>{ui("body")}</label>
        <textarea id={`edit-${postId}`} name="body" rows={6} defaultValue={body} required aria-invalid={failure?.fieldErrors?.body ? true : undefined} />
        <p>
          <button type="submit">{t("edit_save")}</button>
        </p>
      </Form>
    </details>
  );
}

/** Facilitators and staff: the earlier versions of an edited post, as written (Markdown shown as text). */
export function PostHistory({ revisions }: { revisions: { id: string; body: string; writtenAt: string }[] }) {
  const t = useT(dialogueActivityUi);
  const lang = useLang();
  return (
    <details data-post-history>
      <summary>{t("history")}</summary>
      {revisions.length ? (
        revisions.map((r) => (
          <div key={r.id}>
            <p className="hint">{t("version_of", { date: formatDateTime(new Date(r.writtenAt), lang) })}</p>
            <pre className="revision">
              {r.body}
            </pre>
          </div>
        ))
      ) : (
        <p>{t("history_none")}</p>
      )}
    </details>
  );
}
