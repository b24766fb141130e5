import { Form } from "@remix-run/react";
import { sendsUi } from "../i18n/ui/sends.ts";
import { useT } from "../utils/i18n.ts";

/** The global open/click counting switch on /admin/sends: its state for the research team, the button for admins. */
export function TrackingSwitch({ enabled, canChange }: { enabled: boolean; canChange: boolean }) {
  const t = useT(sendsUi);
  return (
    <section aria-labelledby="tracking-title" data-tracking={enabled ? "on" : "off"}>
      <h2 id="tracking-title">{t("tracking_title")}</h2>
      <p>{t(enabled ? "tracking_on" : "tracking_off")}</p>
      <p className="hint">{t("tracking_how")}</p>
      {canChange ? (
        <Form method="post">
          <input type="hidden" name="tracking" value={enabled ? "off" : "on"} />
          <button type="submit" className={enabled ? "secondary" : undefined}>
            {t(enabled ? "tracking_disable" : "tracking_enable")}
          </button>
        </Form>
      ) : (
        <p className="meta">{t("tracking_admin_only")}</p>
      )}
    </section>
  );
}
