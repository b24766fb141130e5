import type { ReactNode } from "react";
import { errorMessages } from "../i18n/errors.ts";
import type { FieldErrors } from "../services/errors.ts";
import { useT } from "../utils/i18n.ts";
import type { FormFailure } from "../utils/forms.server.ts";

/** The form-level summary plus each field's message, linked by id for screen readers. */
export function FormErrors({ failure }: { failure?: FormFailure | null }) {
  const t = useT(errorMessages);
  if (!failure) return null;
  return (
    <p className="alert" role="alert">
      {t(failure.formError)}
    </p>
  );
}

export function Field(props: {
  name: string;
  /** A node when part of it is in another language (InLanguage). */
  label: ReactNode;
  errors?: FieldErrors;
  hint?: string;
  children: (a11y: { id: string; name: string; "aria-invalid"?: boolean; "aria-describedby"?: string }) => ReactNode;
}) {
  const error = props.errors?.[props.name];
  const id = `f-${props.name}`;
  const described = [props.hint ? `${id}-hint` : "", error ? `${id}-error` : ""].filter(Boolean).join(" ") || undefined;
  return (
    <div>
      <label htmlFor={id}>{props.label}</label>
      {props.hint ? (
        <p className="hint" id={`${id}-hint`}>
          {props.hint}
        </p>
      ) : null}
      {props.children({ id, name: props.name, "aria-invalid": error ? true : undefined, "aria-describedby": described })}
      <FieldMessage id={`${id}-error`} error={error} />
    </div>
  );
}

export function FieldMessage({ id, error }: { id: string; error?: FieldErrors[string] }) {
  const t = useT(errorMessages);
  return error ? (
    <p className="error" id={id}>
      {t(error.key, error.vars)}
    </p>
  ) : null;
}
