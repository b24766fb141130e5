import { Form, Link } from "@remix-run/react";
import type { ReactNode } from "react";

// Destructive actions take two steps without any script: the first control is a link to the same page with
// ?confirm=<key>, which shows this panel where the action was; only the panel's own button posts (with
// confirmed=yes, which the action requires: see requireConfirmed). The first control looks unlike Save.

/** The first step: opens the confirmation for `confirm` (e.g. "leave", "remove:<id>") at the panel. */
export function DangerLink({ confirm, children }: { confirm: string; children: ReactNode }) {
  return (
    <Link className="button danger-outline" to={`?confirm=${encodeURIComponent(confirm)}#confirm`} preventScrollReset>
      {children}
    </Link>
  );
}

/** The second step: names the consequence; posts `fields` with confirmed=yes, or goes back to `back`. */
export function ConfirmStep(props: { title: string; consequence: string; fields: Record<string, string>; yes: string; no: string; back: string }) {
  return (
    <div className="confirm" id="confirm" role="region" aria-labelledby="confirm-title" data-confirm>
      <h2 id="confirm-title">{props.title}</h2>
      <p>{props.consequence}</p>
      <Form method="post" action={props.back} className="actions">
        {Object.entries(props.fields).map(([name, value]) => (
          <input key={name} type="hidden" name={name} value={value} />
        ))}
        <input type="hidden" name="confirmed" value="yes" />
        <button type="submit" className="danger">
          {props.yes}
        </button>{" "}
        <Link className="button secondary" to={props.back}>
          {props.no}
        </Link>
      </Form>
    </div>
  );
}
