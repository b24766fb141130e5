import { Form, Link } from "@remix-run/react";
import { journeysUi } from "../i18n/ui/journeys.ts";
import type { RegistrationCard as Card } from "../services/my-registrations.server.ts";
import { useT } from "../utils/i18n.ts";

export interface CalendarChoices {
  google: string;
  outlook: string;
  office365: string;
  yahoo: string;
  ics: string;
}

/**
 * What replaces the registration form once someone is registered: where they stand, and what they can do next.
 * Cancelling takes two steps without any script: `askCancelHref` shows the question, the form answers it.
 */
export function RegistrationCard(p: {
  card: Card;
  calendar: CalendarChoices | null;
  askCancel: boolean;
  askCancelHref: string;
  keepHref: string;
  /** Extra hidden fields the cancel POST needs (the page's intent). */
  cancelFields: Record<string, string>;
}) {
  const t = useT(journeysUi);
  const c = p.card;
  const body = t(`body_${c.status}`);
  return (
    <section className="card" id="registration" aria-labelledby="registration-title">
      <h2 id="registration-title">{t(`status_${c.status}`, { position: c.position ?? "" })}</h2>
      {body ? <p>{body}</p> : null}
      {c.joinPath ? (
        <p>
          <a className="button" href={c.joinPath} rel="noreferrer">
            {t("join")}
          </a>
        </p>
      ) : null}
      {c.joinLater ? <p className="hint">{t("join_later", { minutes: 30 })}</p> : null}
      {p.calendar && c.status === "CONFIRMED" ? <CalendarLine links={p.calendar} /> : null}
      {c.canCancel && p.askCancel ? (
        <div className="confirm" role="alertdialog" aria-labelledby="cancel-title">
          <h3 id="cancel-title">{t("cancel_confirm_title")}</h3>
          <p>{t("cancel_confirm_body")}</p>
          <Form method="post" className="actions" preventScrollReset>
            {Object.entries(p.cancelFields).map(([k, v]) => (
              <input key={k} type="hidden" name={k} value={v} />
            ))}
            <button type="submit" className="danger">
              {t("cancel_yes")}
            </button>{" "}
            <Link to={p.keepHref} className="button secondary">
              {t("cancel_no")}
            </Link>
          </Form>
        </div>
      ) : c.canCancel ? (
        <p>
          <Link to={p.askCancelHref}>{t("cancel")}</Link>
        </p>
      ) : null}
    </section>
  );
}

export function CalendarLine({ links }: { links: CalendarChoices }) {
  const t = useT(journeysUi);
  return (
    <p>
      {t("add_to_calendar")} <a href={links.google}>Google</a> · <a href={links.outlook}>Outlook.com</a> ·{" "}
      <a href={links.office365}>Office 365</a> · <a href={links.yahoo}>Yahoo</a> · <a href={links.ics}>.ics</a>
    </p>
  );
}

/** The anonymous visitor's card: the same answer whether or not the address is registered. */
export function CheckEmailCard({ email, webinarId, resent }: { email: string; webinarId: string; resent: boolean }) {
  const t = useT(journeysUi);
  return (
    <section className="card" id="registration" aria-labelledby="registration-title">
      <h2 id="registration-title">{t("status_UNCONFIRMED")}</h2>
      <p role="status">{resent ? t("resend_done", { email }) : t("body_UNCONFIRMED", { email })}</p>
      <Form method="post" action={`/webinars/${webinarId}#registration`}>
        <input type="hidden" name="intent" value="resend" />
        <input type="hidden" name="email" value={email} />
        <p className="hint">{t("not_received")}</p>
        <button type="submit" className="secondary">
          {t("resend_button")}
        </button>
      </Form>
    </section>
  );
}
