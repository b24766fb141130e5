import { describe, expect, it } from "vitest";
import { timeZoneGroups } from "../app/utils/time-zone-choices.ts";
import { Client } from "./helpers/app.ts";

describe("time-zone choice", () => {
  it("lists each common zone once, ordered by its offset on the day", () => {
    const winter = timeZoneGroups(new Date("2027-01-15T12:00:00Z"));
    const summer = timeZoneGroups(new Date("2027-07-15T12:00:00Z"));
    const ids = winter.flatMap((g) => g.zones.map((z) => z.id));
    expect(new Set(ids).size).toBe(ids.length);
    const paris = (groups: typeof winter) => groups.flatMap((g) => g.zones).find((z) => z.id === "Europe/Paris")?.label;
    expect(paris(winter)).toBe("(UTC+01:00) Paris");
    expect(paris(summer)).toBe("(UTC+02:00) Paris");
    const americas = summer.find((g) => g.region === "americas")!.zones.map((z) => z.label);
    expect(americas[0]).toBe("(UTC-07:00) Los Angeles");
  });

  it("offers common zones by region with their offsets, and keeps an unlisted current zone", async () => {
    const page = await (await new Client().get("/webinars")).text();
    const options = page.match(/<option value="[^"]*"/g) ?? [];
    expect(options.length).toBeGreaterThan(50);
    expect(options.length).toBeLessThan(150);
    expect(page).toMatch(/<optgroup label="Africa">/);
    expect(page).toMatch(/<option value="Africa\/Dakar">\(UTC\+00:00\) Dakar<\/option>/);
    expect(page).toMatch(/<option value="Asia\/Kolkata">\(UTC\+05:30\) Kolkata<\/option>/);

    const chatham = await (await new Client().get("/webinars?tz=Pacific/Chatham")).text();
    expect(chatham).toMatch(/<option value="Pacific\/Chatham" selected="">\(UTC\+1[23]:45\) Chatham<\/option>/);
  });
});
