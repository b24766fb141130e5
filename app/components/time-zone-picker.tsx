import { Form } from "@remix-run/react";
import { webinarsUi } from "../i18n/ui/webinars.ts";
import { useT } from "../utils/i18n.ts";
import { TimeZoneOptions } from "./time-zone-options.tsx";
import { BrowserZoneScript } from "./browser-zone.tsx";

/** A GET form (remembered in a cookie); an empty choice is pre-filled with the browser's zone when scripts run. */
export function TimeZonePicker({ current }: { current: string | null }) {
  const t = useT(webinarsUi);
  return (
    <>
    <Form method="get" className="lang zone-picker">
      <label>
        {t("show_times_in")}{" "}
        <select name="tz" defaultValue={current ?? ""} data-browser-zone="">
          <option value="">—</option>
          <TimeZoneOptions current={current} />
        </select>
      </label>{" "}
      <button type="submit" className="secondary">
        {t("apply")}
      </button>
    </Form>
    <BrowserZoneScript />
    </>
  );
}
