import { timeZonesUi } from "../i18n/ui/time-zones.ts";
import { useT } from "../utils/i18n.ts";
import { isCommonZone, timeZoneGroups, zoneChoice } from "../utils/time-zone-choices.ts";
import { isTimeZone } from "../utils/time-zones.ts";

/** The <option>s of a time-zone <select>: common zones by region, plus `current` when it is not among them. */
export function TimeZoneOptions({ current }: { current?: string | null }) {
  const t = useT(timeZonesUi);
  const extra = current && !isCommonZone(current) && isTimeZone(current) ? zoneChoice(current) : null;
  return (
    <>
      {extra ? (
        <optgroup label={t("zone_current")}>
          <option value={extra.id}>{extra.label}</option>
        </optgroup>
      ) : null}
      {timeZoneGroups().map((g) => (
        <optgroup key={g.region} label={t(`zone_${g.region}`)}>
          {g.zones.map((z) => (
            <option key={z.id} value={z.id}>
              {z.label}
            </option>
          ))}
        </optgroup>
      ))}
    </>
  );
}
