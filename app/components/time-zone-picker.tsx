import { Form } from "@remix-run/react";
import { webinarsUi } from "../i18n/ui/webinars.ts";
import { useT } from "../utils/i18n.ts";

export function TimeZonePicker({ current, zones }: { current: string | null; zones: string[] }) {
  const t = useT(webinarsUi);
  return (
    <Form method="get" className="lang">
      <label>
        {t("show_times_in")}{" "}
        <select name="tz" defaultValue={current ?? ""}>
          <option value="">—</option>
          {zones.map((z) => (
            <option key={z} value={z}>
              {z}
            </option>
          ))}
        </select>
      </label>{" "}
      <button type="submit" className="secondary">
        {t("apply")}
      </button>
    </Form>
  );
}
