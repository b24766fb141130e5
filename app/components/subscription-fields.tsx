import { Field, FieldMessage } from "./fields.tsx";
import { LANGUAGE_NAMES, LANGUAGES, type Lang } from "../i18n/index.ts";
import { subscriptionsUi } from "../i18n/ui/subscriptions.ts";
import { FREQUENCIES } from "../schemas/subscription.ts";
import { TOPIC_LABELS, TOPICS } from "../schemas/topics.ts";
import type { FieldErrors } from "../services/errors.ts";
import { useLang, useT } from "../utils/i18n.ts";

/** Language, topics and frequency: the same fields on /subscribe, the preference centre and /account. */
export function PreferenceFields(props: {
  errors?: FieldErrors;
  language?: string;
  topics: string[];
  frequency?: string;
  languageLabel?: string;
  languageDefault?: string;
}) {
  const t = useT(subscriptionsUi);
  const lang = useLang();
  const { errors } = props;
  return (
    <>
      <Field name="language" label={props.languageLabel ?? t("language")} errors={errors}>
        {(a) => (
          <select {...a} defaultValue={props.language ?? (props.languageDefault === undefined ? lang : "")}>
            {props.languageDefault !== undefined ? <option value="">{props.languageDefault}</option> : null}
            {LANGUAGES.map((l: Lang) => (
              <option key={l} value={l}>
                {LANGUAGE_NAMES[l]}
              </option>
            ))}
          </select>
        )}
      </Field>
      <fieldset aria-describedby={errors?.topics ? "f-topics-error" : "f-topics-hint"}>
        <legend>{t("topics")}</legend>
        <p className="hint" id="f-topics-hint">
          {t("topics_hint")}
        </p>
        {TOPICS.map((topic) => (
          <label className="check" key={topic}>
            <input type="checkbox" name="topics" value={topic} defaultChecked={props.topics.includes(topic)} />
            {TOPIC_LABELS[lang][topic]}
          </label>
        ))}
        <FieldMessage id="f-topics-error" error={errors?.topics} />
      </fieldset>
      <fieldset aria-describedby={errors?.frequency ? "f-frequency-error" : undefined}>
        <legend>{t("frequency")}</legend>
        {FREQUENCIES.map((f) => (
          <label className="check" key={f}>
            <input type="radio" name="frequency" value={f} defaultChecked={(props.frequency ?? "MONTHLY") === f} />
            {t(`frequency_${f}`)}
          </label>
        ))}
        <FieldMessage id="f-frequency-error" error={errors?.frequency} />
      </fieldset>
    </>
  );
}

/** Form values as the services take them: repeated checkboxes become a list. */
export function preferenceInput(form: FormData) {
  const language = String(form.get("language") ?? "");
  return {
    language: language || undefined,
    topics: form.getAll("topics").map(String),
    frequency: String(form.get("frequency") ?? ""),
  };
}
