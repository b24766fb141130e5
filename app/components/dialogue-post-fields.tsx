import type { FormFailure } from "../utils/forms.server.ts";
import { dialoguesUi } from "../i18n/ui/dialogues.ts";
import { useT } from "../utils/i18n.ts";
import { Field } from "./fields.tsx";

/** The body of a new thread or a reply, the Chatham House attribution choice, and the submit button. */
export function DialoguePostFields({ failure, body, chathamHouse }: { failure: FormFailure | null; body?: string; chathamHouse: boolean }) {
  const t = useT(dialoguesUi);
  return (
    <>
      <Field name="body" label={t("body")} errors={failure?.fieldErrors}>
        {(a) => <textarea {...a} defaultValue={body} required rows={6} />}
      </Field>
      {chathamHouse ? (
        <label className="check">
          <input type="checkbox" name="attributable" /> {t("attributable")}
        </label>
      ) : null}
      <button type="submit">{t("post_button")}</button>
    </>
  );
}
