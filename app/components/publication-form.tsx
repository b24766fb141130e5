import type { ReactNode } from "react";
import { Form } from "@remix-run/react";
import { LANGUAGES, LANGUAGE_NAMES } from "../i18n/index.ts";
import { common } from "../i18n/ui/common.ts";
import { publicationsUi } from "../i18n/ui/publications.ts";
import { SECTORS } from "../schemas/partner.ts";
import { PUBLICATION_AUDIENCES, PUBLICATION_REGIONS, PUBLICATION_TYPES, WEBINAR_MATERIALS } from "../schemas/publication-sets.ts";
import { TOPICS, topicLabel } from "../schemas/topics.ts";
import type { FormFailure } from "../utils/forms.server.ts";
import { useLang, useT } from "../utils/i18n.ts";
import { Field, FieldMessage, FormErrors } from "./fields.tsx";

interface Choices {
  dialogues: { id: string; title: string }[];
  webinars: { id: string; title: string }[];
}

/** The staff form for a new or existing publication; multi-valued fields arrive as newline-joined values. */
export function PublicationForm({ values, failure, choices, submit, beforeSubmit }: { values: Record<string, string>; failure: FormFailure | null; choices: Choices; submit: string; beforeSubmit?: ReactNode }) {
  const t = useT(publicationsUi);
  const tc = useT(common);
  const lang = useLang();
  const errors = failure?.fieldErrors;
  const many = (name: string) => new Set((values[name] ?? "").split("\n").filter(Boolean));
  const boxes = (name: string, legend: string, options: { value: string; label: string }[]) => {
    const chosen = many(name);
    return (
      <fieldset aria-describedby={errors?.[name] ? `f-${name}-error` : undefined}>
        <legend>{legend}</legend>
        {options.map((o) => (
          <label key={o.value} className="check">
            <input type="checkbox" name={name} value={o.value} defaultChecked={chosen.has(o.value)} /> {o.label}
          </label>
        ))}
        <FieldMessage id={`f-${name}-error`} error={errors?.[name]} />
      </fieldset>
    );
  };
  return (
    <Form method="post" className="publication-form">
      <FormErrors failure={failure} />
      <h2>{t("versions")}</h2>
      <p className="hint">{t("version_hint")}</p>
      <FieldMessage id="f-translations-error" error={errors?.translations} />
      {LANGUAGES.map((l) => (
        <fieldset key={l} lang={l}>
          <legend>{LANGUAGE_NAMES[l]}</legend>
          <Field name={`title_${l}`} label={t("title")} errors={errors}>
            {(a) => <input {...a} type="text" defaultValue={values[`title_${l}`]} maxLength={300} />}
          </Field>
          <Field name={`summary_${l}`} label={t("summary_field")} errors={errors}>
            {(a) => <textarea {...a} defaultValue={values[`summary_${l}`]} rows={3} maxLength={2000} />}
          </Field>
          <Field name={`body_${l}`} label={t("body")} hint={t("body_hint")} errors={errors}>
            {(a) => <textarea {...a} defaultValue={values[`body_${l}`]} rows={12} />}
          </Field>
        </fieldset>
      ))}
      <h2>{t("metadata")}</h2>
      <Field name="type" label={t("type")} errors={errors}>
        {(a) => (
          <select {...a} defaultValue={values.type ?? "BRIEF"}>
            {PUBLICATION_TYPES.map((v) => (
              <option key={v} value={v}>
                {t(`type_${v}`)}
              </option>
            ))}
          </select>
        )}
      </Field>
      <Field name="authors" label={t("authors_field")} errors={errors}>
        {(a) => <input {...a} type="text" defaultValue={values.authors} maxLength={1000} required />}
      </Field>
      <Field name="series" label={t("series_field")} errors={errors}>
        {(a) => <input {...a} type="text" defaultValue={values.series} maxLength={200} />}
      </Field>
      {boxes("topics", t("topics"), TOPICS.map((v) => ({ value: v, label: topicLabel(v, lang) })))}
      {boxes("regions", t("regions"), PUBLICATION_REGIONS.map((v) => ({ value: v, label: t(`region_${v}`) })))}
      <Field name="doi" label={t("doi_field")} errors={errors}>
        {(a) => <input {...a} type="text" defaultValue={values.doi} maxLength={250} placeholder="10.1234/abcd" />}
      </Field>
      <Field name="isbn" label={t("isbn_field")} errors={errors}>
        {(a) => <input {...a} type="text" defaultValue={values.isbn} maxLength={20} />}
      </Field>
      <Field name="licence" label={t("licence_field")} errors={errors}>
        {(a) => <input {...a} type="text" defaultValue={values.licence ?? "CC BY 4.0"} maxLength={100} />}
      </Field>
      <Field name="citation" label={t("citation_field")} errors={errors}>
        {(a) => <textarea {...a} defaultValue={values.citation} rows={3} maxLength={2000} />}
      </Field>
      <Field name="audience" label={t("audience")} errors={errors}>
        {(a) => (
          <select {...a} defaultValue={values.audience ?? "PUBLIC"}>
            {PUBLICATION_AUDIENCES.map((v) => (
              <option key={v} value={v}>
                {t(`audience_${v}`)}
              </option>
            ))}
          </select>
        )}
      </Field>
      {boxes("audienceSectors", t("audience_sectors"), SECTORS.map((s) => ({ value: s, label: tc(`sector_${s}`) })))}
      {choices.dialogues.length ? boxes("dialogueIds", t("audience_dialogues"), choices.dialogues.map((d) => ({ value: d.id, label: d.title }))) : null}
      <Field name="webinarId" label={t("webinar")} errors={errors}>
        {(a) => (
          <select {...a} defaultValue={values.webinarId ?? ""}>
            <option value="">{t("webinar_none")}</option>
            {choices.webinars.map((w) => (
              <option key={w.id} value={w.id}>
                {w.title}
              </option>
            ))}
          </select>
        )}
      </Field>
      <Field name="webinarMaterial" label={t("webinar_material")} errors={errors}>
        {(a) => (
          <select {...a} defaultValue={values.webinarMaterial ?? ""}>
            <option value="">—</option>
            {WEBINAR_MATERIALS.map((v) => (
              <option key={v} value={v}>
                {t(`material_${v}`)}
              </option>
            ))}
          </select>
        )}
      </Field>
      {beforeSubmit}
      <button type="submit">{submit}</button>
    </Form>
  );
}
