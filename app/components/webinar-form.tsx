import { Form } from "@remix-run/react";
import { Field, FieldMessage, FormErrors } from "./fields.tsx";
import { LANGUAGE_NAMES, LANGUAGES, type Lang } from "../i18n/index.ts";
import { manageUi } from "../i18n/ui/webinar-manage.ts";
import { webinarsUi } from "../i18n/ui/webinars.ts";
import { SPEAKER_GENDERS } from "../schemas/gender.ts";
import { QUESTION_ROWS, SPEAKER_ROWS } from "../schemas/webinar-form.ts";
import type { FormFailure } from "../utils/forms.server.ts";
import { useT } from "../utils/i18n.ts";
import { TimeZoneOptions } from "./time-zone-options.tsx";

/**
 * Schedule and edit share one form, in sections; values are the saved webinar, or what was just submitted after
 * an error. Optional parts (other languages, more speakers) stay folded until used, and open on an error.
 */
export function WebinarForm({
  values,
  failure,
  zoneHint = false,
  hidden = {},
}: {
  values: Record<string, string>;
  failure: FormFailure | null;
  zoneHint?: boolean;
  /** Carried through the post as is (the request a webinar is scheduled from). */
  hidden?: Record<string, string>;
}) {
  const t = useT(webinarsUi);
  const tm = useT(manageUi);
  const v = failure?.values ?? values;
  const errors = failure?.fieldErrors;
  const box = (name: string, label: string) => (
    <label className="check">
      <input type="checkbox" name={name} defaultChecked={v[name] === "on"} />
      {label}
    </label>
  );
  const translation = (l: Lang) => (
    <div key={l} lang={l}>
      <Field name={`title_${l}`} label={t("title_in", { lang: l.toUpperCase() })}>
        {(a) => <input {...a} type="text" maxLength={200} defaultValue={v[`title_${l}`]} />}
      </Field>
      <Field name={`description_${l}`} label={t("description_in", { lang: l.toUpperCase() })}>
        {(a) => <textarea {...a} rows={3} maxLength={5000} defaultValue={v[`description_${l}`]} />}
      </Field>
    </div>
  );
  const others = LANGUAGES.filter((l) => l !== "en");
  const speakersUsed = Array.from({ length: SPEAKER_ROWS }, (_, i) => i).filter((i) => v[`speaker_${i}_name`]).length;
  const shownSpeakers = Math.min(SPEAKER_ROWS, Math.max(2, speakersUsed + 1));
  const speakerRow = (i: number) => (
    <fieldset key={i}>
      <legend>{t("speaker_n", { n: i + 1 })}</legend>
      <div className="grid2">
        <Field name={`speaker_${i}_name`} label={t("speaker_name")}>
          {(a) => <input {...a} type="text" maxLength={120} defaultValue={v[`speaker_${i}_name`]} />}
        </Field>
        <Field name={`speaker_${i}_affiliation`} label={t("speaker_affiliation")}>
          {(a) => <input {...a} type="text" maxLength={200} defaultValue={v[`speaker_${i}_affiliation`]} />}
        </Field>
        <Field name={`speaker_${i}_role`} label={t("speaker_role")}>
          {(a) => (
            <select {...a} defaultValue={v[`speaker_${i}_role`] ?? "SPEAKER"}>
              <option value="SPEAKER">{t("role_SPEAKER")}</option>
              <option value="MODERATOR">{t("role_MODERATOR")}</option>
            </select>
          )}
        </Field>
        <Field name={`speaker_${i}_gender`} label={t("speaker_gender")}>
          {(a) => (
            <select {...a} defaultValue={v[`speaker_${i}_gender`] ?? ""}>
              <option value="">{t("gender_not_given")}</option>
              {SPEAKER_GENDERS.map((g) => (
                <option key={g} value={g}>
                  {t(`gender_${g}`)}
                </option>
              ))}
            </select>
          )}
        </Field>
      </div>
      <Field name={`speaker_${i}_genderDescription`} label={t("speaker_gender_description")}>
        {(a) => <input {...a} type="text" maxLength={60} defaultValue={v[`speaker_${i}_genderDescription`]} />}
      </Field>
    </fieldset>
  );
  return (
    <Form method="post" className="webinar-form">
      {Object.entries(hidden).map(([name, value]) => (
        <input key={name} type="hidden" name={name} value={value} />
      ))}
      <FormErrors failure={failure} />
      <fieldset>
        <legend>{tm("form_what")}</legend>
        <p className="hint">{t("translations_hint")}</p>
        <FieldMessage id="f-translations-error" error={errors?.translations} />
        {translation("en")}
        <details open={others.some((l) => v[`title_${l}`] || v[`description_${l}`])}>
          <summary>{tm("other_languages")}</summary>
          {others.map((l) => (
            <fieldset key={l}>
              <legend>{LANGUAGE_NAMES[l]}</legend>
              {translation(l)}
            </fieldset>
          ))}
        </details>
      </fieldset>
      <fieldset>
        <legend>{tm("form_when")}</legend>
        <div className="grid2">
          <Field name="startsAt" label={t("starts")} errors={errors}>
            {(a) => <input {...a} type="datetime-local" required defaultValue={v.startsAt} />}
          </Field>
          <Field name="endsAt" label={t("ends")} errors={errors}>
            {(a) => <input {...a} type="datetime-local" required defaultValue={v.endsAt} />}
          </Field>
        </div>
        <Field name="timeZone" label={t("time_zone")} errors={errors} hint={zoneHint ? tm("zone_hint") : v.timeZone ? undefined : tm("zone_choose_hint")}>
          {(a) => (
            <select {...a} required defaultValue={v.timeZone ?? ""}>
              {/* A required select's first option must be the empty placeholder, even once a zone is chosen. */}
              <option value="">{tm("zone_choose")}</option>
              <TimeZoneOptions current={v.timeZone || undefined} />
            </select>
          )}
        </Field>
      </fieldset>
      <fieldset>
        <legend>{tm("form_where")}</legend>
        <Field name="meetingUrl" label={t("meeting_url")} errors={errors}>
          {(a) => <input {...a} type="url" required defaultValue={v.meetingUrl} />}
        </Field>
        <div className="grid2">
          <Field name="capacity" label={t("capacity")} errors={errors}>
            {(a) => <input {...a} type="number" min={1} step={1} defaultValue={v.capacity} />}
          </Field>
          <Field name="audience" label={t("audience")} errors={errors}>
            {(a) => (
              <select {...a} defaultValue={v.audience ?? "PUBLIC"}>
                {(["PUBLIC", "PARTNERS", "INVITED"] as const).map((x) => (
                  <option key={x} value={x}>
                    {t(`audience_${x}`)}
                  </option>
                ))}
              </select>
            )}
          </Field>
        </div>
        {box("requiresApproval", t("requires_approval"))}
      </fieldset>
      <fieldset>
        <legend>{tm("form_questions")}</legend>
        {box("askInstitution", t("ask_institution"))}
        {box("askCountry", t("ask_country"))}
        {box("askAccessNeeds", t("ask_access_needs"))}
        <p className="hint">{tm("custom_questions_hint")}</p>
        <FieldMessage id="f-questions-error" error={errors?.questions} />
        {Array.from({ length: QUESTION_ROWS }, (_, i) => `q${i + 1}`).map((id, i) => {
          const wording = (l: Lang) => (
            <Field key={l} name={`question_${id}_${l}`} label={tm("question_in", { language: tm(`lang_${l}`) })}>
              {(a) => <input {...a} type="text" maxLength={200} lang={l} defaultValue={v[`question_${id}_${l}`]} />}
            </Field>
          );
          return (
            <fieldset key={id}>
              <legend>{tm("custom_question", { n: i + 1 })}</legend>
              {wording("en")}
              <details open={others.some((l) => v[`question_${id}_${l}`])}>
                <summary>{tm("other_languages")}</summary>
                {others.map(wording)}
              </details>
            </fieldset>
          );
        })}
      </fieldset>
      <fieldset>
        <legend>{tm("form_speakers")}</legend>
        <FieldMessage id="f-speakers-error" error={errors?.speakers} />
        {Array.from({ length: shownSpeakers }, (_, i) => speakerRow(i))}
        {shownSpeakers < SPEAKER_ROWS ? (
          <details>
            <summary>{t("speaker_n", { n: shownSpeakers + 1 === SPEAKER_ROWS ? SPEAKER_ROWS : `${shownSpeakers + 1}–${SPEAKER_ROWS}` })}</summary>
            {Array.from({ length: SPEAKER_ROWS - shownSpeakers }, (_, i) => speakerRow(shownSpeakers + i))}
          </details>
        ) : null}
      </fieldset>
      <p>
        <button type="submit">{t("save")}</button>
      </p>
    </Form>
  );
}
