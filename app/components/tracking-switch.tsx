import { Form, Link } from "@remix-run/react";
import { consentUi } from "../i18n/ui/consent.ts";
import { sendsUi } from "../i18n/ui/sends.ts";
import { useT } from "../utils/i18n.ts";

/** What the administrator is told before counting goes on (trackingChangePreview). */
export type TrackingPreview = { version: string; earlier: number };

/**
 * The global open/click counting switch on /admin/sends: its state for the research team, the button for admins.
 * Turning counting on changes what readers are promised, so it takes two steps: the button opens a warning that
 * says what changes (?confirm=tracking), and only its own button turns counting on. Turning it off is one step.
 */
export function TrackingSwitch({ enabled, canChange, preview }: { enabled: boolean; canChange: boolean; preview: TrackingPreview | null }) {
  const t = useT(sendsUi);
  const tc = useT(consentUi);
  return (
    <section aria-labelledby="tracking-title" data-tracking={enabled ? "on" : "off"} id="tracking">
      <h2 id="tracking-title">{t("tracking_title")}</h2>
      <p>{t(enabled ? "tracking_on" : "tracking_off")}</p>
      <p className="hint">{t("tracking_how")}</p>
      {!canChange ? (
        <p className="meta">{t("tracking_admin_only")}</p>
      ) : enabled ? (
        <Form method="post">
          <input type="hidden" name="tracking" value="off" />
          <button type="submit" className="secondary">
            {t("tracking_disable")}
          </button>
        </Form>
      ) : preview ? (
        <div className="confirm" role="region" aria-labelledby="tracking-warn-title" data-tracking-warning>
          <h3 id="tracking-warn-title">{tc("warn_title")}</h3>
          <p>{tc("warn_intro")}</p>
          <ul>
            <li>{tc("warn_mail")}</li>
            <li>{tc("warn_page", { version: preview.version })}</li>
            {preview.earlier > 0 ? <li>{tc("warn_earlier", { n: preview.earlier })}</li> : null}
          </ul>
          <p>{tc("warn_off")}</p>
          <Form method="post" className="actions">
            <input type="hidden" name="tracking" value="on" />
            <input type="hidden" name="confirmed" value="yes" />
            <button type="submit" className="danger">
              {tc("warn_confirm")}
            </button>{" "}
            <Link className="button secondary" to="/admin/sends">
              {tc("warn_cancel")}
            </Link>
          </Form>
        </div>
      ) : (
        <p>
          <Link className="button" to="?confirm=tracking#tracking">
            {t("tracking_enable")}
          </Link>
        </p>
      )}
    </section>
  );
}
