import { describe, expect, it } from "vitest";
import { setStatisticsGrant } from "../../app/services/insights/grants.server.ts";
import { prisma } from "../../app/utils/db.server.ts";
import { focalPointOf, makePartner, makeUser } from "../factories.ts";
import { Client } from "../helpers/app.ts";
import { signInAs } from "../helpers/sign-in.ts";

// Requests counted on the statistics pages: by region and by status, per kind, with the same small-cell
// suppression as every other count, and only for readers with the statistics grant.
describe("partners' requests on the statistics pages", () => {
  it("counts requests of the period by region and status, hides small cells, and shows nothing without the grant", async () => {
    const admin = await makeUser({ role: "ADMIN" });
    const reader = await makeUser({ role: "STAFF" });
    const plainStaff = await makeUser({ role: "STAFF" });
    await setStatisticsGrant(admin, reader.email, true);
    const partner = await makePartner({ decidedBy: admin });
    const fp = await focalPointOf(partner);
    const make = (n: number, data: { type: "FIELD_CONNECTION" | "EVENT_SUPPORT"; region: string; status?: "NEW" | "ACCEPTED" }) =>
      Promise.all(
        Array.from({ length: n }, (_, i) =>
          prisma().supportRequest.create({
            data: { partnerId: partner.id, requesterId: fp.id, language: "EN", topic: `Topic ${i}`, needs: "n", title: `Event ${i}`, ...data },
          }),
        ),
      );
    await make(12, { type: "FIELD_CONNECTION", region: "AFRICA" });
    await make(7, { type: "EVENT_SUPPORT", region: "AFRICA", status: "ACCEPTED" });
    await make(2, { type: "EVENT_SUPPORT", region: "EUROPE" });

    const csv = await (await (await signInAs(new Client(), reader.email)).get("/insights/export.csv")).text();
    const lines = csv.split(/\r?\n/);
    const row = (label: string) => lines.find((l) => l.split(",")[0]?.replace(/"/g, "") === label)?.split(",").map((c) => c.replace(/"/g, ""));
    // Columns: event support, field connection. A shown number is the true count; a hidden one is "<5" or "x".
    const shownOrHidden = (cells: string[] | undefined, truth: number[]) =>
      truth.forEach((n, i) => expect(cells?.[i + 1]).toMatch(new RegExp(`^(${n}|<5|x)$`)));
    shownOrHidden(row("Africa"), [7, 12]);
    shownOrHidden(row("Accepted"), [7, 0]);
    shownOrHidden(row("New"), [2, 12]);
    // Europe's 2 (and every zero) is small: never published.
    expect(row("Europe")?.slice(1)).toEqual([expect.stringMatching(/^(<5|x)$/), expect.stringMatching(/^(<5|x)$/)]);
    expect(row("Oceania")?.slice(1).every((c) => c === "<5" || c === "x")).toBe(true);
    // Something is published: the large cells that no total gives away.
    expect([...row("Africa")!.slice(1), ...row("Accepted")!.slice(1)].some((c) => /^\d+$/.test(c))).toBe(true);

    const denied = await (await signInAs(new Client(), plainStaff.email)).get("/insights/export.csv");
    expect(denied.status).toBe(404);
  });
});
