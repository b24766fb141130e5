import { Form } from "@remix-run/react";
import { webinarsUi } from "../i18n/ui/webinars.ts";
import { useT } from "../utils/i18n.ts";
import { TimeZoneOptions } from "./time-zone-options.tsx";

export function TimeZonePicker({ current }: { current: string | null }) {
  const t = useT(webinarsUi);
  return (
    <Form method="get" className="lang">
      <label>
        {t("show_times_in")}{" "}
        <select name="tz" defaultValue={current ?? ""}>
          <option value="">—</option>
          <TimeZoneOptions current={current} />
        </select>
      </label>{" "}
      <button type="submit" className="secondary">
        {t("apply")}
      </button>
    </Form>
  );
}
