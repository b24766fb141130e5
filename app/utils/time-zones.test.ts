import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { isTimeZone, timeZones, utcToZonedWallTime, zonedWallTimeToUtc } from "./time-zones.ts";

describe("time zones", () => {
  it("knows IANA zones and refuses others", () => {
    expect(isTimeZone("Africa/Dakar")).toBe(true);
    expect(isTimeZone("America/Bogota")).toBe(true);
    expect(isTimeZone("Mars/Olympus")).toBe(false);
  });

  it("converts wall times around DST changes like calendar apps", () => {
    expect(zonedWallTimeToUtc("2027-03-28T10:30", "Europe/Paris")?.toISOString()).toBe("2027-03-28T08:30:00.000Z");
    expect(zonedWallTimeToUtc("2027-01-10T10:30", "Europe/Paris")?.toISOString()).toBe("2027-01-10T09:30:00.000Z");
    // 02:30 does not exist in Paris on 2027-03-28: moved forward by the gap.
    expect(zonedWallTimeToUtc("2027-03-28T02:30", "Europe/Paris")?.toISOString()).toBe("2027-03-28T01:30:00.000Z");
    // 02:30 happens twice on 2027-10-31: the earlier one.
    expect(zonedWallTimeToUtc("2027-10-31T02:30", "Europe/Paris")?.toISOString()).toBe("2027-10-31T00:30:00.000Z");
    expect(zonedWallTimeToUtc("not a date", "UTC")).toBeNull();
  });

  it("round-trips every instant through the wall time of any zone (property)", () => {
    const zones = timeZones();
    fc.assert(
      fc.property(
        fc.constantFrom(...zones),
        fc.date({ min: new Date("2020-01-01T00:00:00Z"), max: new Date("2035-12-31T00:00:00Z"), noInvalidDate: true }),
        (zone, date) => {
          const instant = new Date(Math.floor(date.getTime() / 60000) * 60000);
          const wall = utcToZonedWallTime(instant, zone);
          const back = zonedWallTimeToUtc(wall, zone)!;
          // Either the same instant, or (in a repeated hour) the earlier instant with the same wall time.
          expect(utcToZonedWallTime(back, zone)).toBe(wall);
          expect(back.getTime()).toBeLessThanOrEqual(instant.getTime());
        },
      ),
      { numRuns: 500 },
    );
  });
});
