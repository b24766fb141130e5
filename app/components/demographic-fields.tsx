import { insightsUi } from "../i18n/ui/insights.ts";
import { AGE_BANDS, GENDERS } from "../schemas/demographics.ts";
import type { FieldErrors } from "../services/errors.ts";
import { useT } from "../utils/i18n.ts";
import { Field } from "./fields.tsx";

/**
 * The optional gender and age questions with their purpose notice, on the registration form and the account
 * page. Every choice can be left empty; "prefer not to say" is an answer of its own.
 */
export function DemographicFields(props: { values?: Record<string, string>; errors?: FieldErrors; k: number }) {
  const t = useT(insightsUi);
  const v = props.values ?? {};
  return (
    <fieldset className="demographics">
      <legend>{t("demo_legend")}</legend>
      <p className="hint" id="demographics-notice">
        {t("demo_notice", { k: props.k })}
      </p>
      <Field name="gender" label={t("gender")} errors={props.errors}>
        {(a) => (
          <select {...a} defaultValue={v.gender ?? ""} aria-describedby={[a["aria-describedby"], "demographics-notice"].filter(Boolean).join(" ")}>
            <option value="">{t("not_answered")}</option>
            {GENDERS.map((g) => (
              <option key={g} value={g}>
                {t(`gender_${g}`)}
              </option>
            ))}
          </select>
        )}
      </Field>
      <Field name="genderDescription" label={t("gender_description")} hint={t("gender_description_hint")} errors={props.errors}>
        {(a) => <input {...a} type="text" maxLength={60} defaultValue={v.genderDescription ?? ""} />}
      </Field>
      <Field name="ageBand" label={t("age_band")} errors={props.errors}>
        {(a) => (
          <select {...a} defaultValue={v.ageBand ?? ""}>
            <option value="">{t("not_answered")}</option>
            {AGE_BANDS.map((b) => (
              <option key={b} value={b}>
                {t(`age_${b}`)}
              </option>
            ))}
          </select>
        )}
      </Field>
    </fieldset>
  );
}
