import { Form } from "@remix-run/react";
import { dialogueActivityUi } from "../i18n/ui/dialogue-activity.ts";
import { journeysUi } from "../i18n/ui/journeys.ts";
import type { FieldErrors } from "../services/errors.ts";
import { useT } from "../utils/i18n.ts";
import { Field } from "./fields.tsx";

/** Manage view of an invited-only webinar: register every member of a dialogue, now and when others join. */
export function WebinarDialoguePanel(props: {
  linked: string[];
  choices: { id: string; title: string }[];
  done: { dialogueInvited: number; dialogueAlready: number } | null;
  errors?: FieldErrors;
}) {
  const t = useT(dialogueActivityUi);
  const tj = useT(journeysUi);
  return (
    <section className="card" aria-labelledby="invite-dialogue-title" data-invite-dialogue>
      <h2 id="invite-dialogue-title">{t("webinar_dialogue_title")}</h2>
      <p className="hint">{t("webinar_dialogue_hint")}</p>
      {props.done ? (
        <p className="notice" role="status">
          {tj("invite_done", { invited: props.done.dialogueInvited, already: props.done.dialogueAlready })}
        </p>
      ) : null}
      {props.linked.length ? <p>{t("webinar_dialogue_linked", { titles: props.linked.join(", ") })}</p> : null}
      {props.choices.length ? (
        <Form method="post">
          <input type="hidden" name="intent" value="invite-dialogue" />
          <Field name="dialogueId" label={t("webinar_dialogue_label")} errors={props.errors}>
            {(a) => (
              <select {...a} required defaultValue="">
                <option value="">—</option>
                {props.choices.map((d) => (
                  <option key={d.id} value={d.id}>
                    {d.title}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <p>
            <button type="submit">{t("webinar_dialogue_button")}</button>
          </p>
        </Form>
      ) : (
        <p>{t("webinar_dialogue_none")}</p>
      )}
    </section>
  );
}
