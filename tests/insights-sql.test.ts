import { describe, expect, it } from "vitest";
import { personKey } from "../app/services/insights/demographics.server.ts";
import { minCell } from "../app/services/insights/config.server.ts";
import { BREAKDOWNS, STAGES, participationStats, rawFunnel, type Scope } from "../app/services/insights/participation.server.ts";
import { addKeys, roundCount } from "../app/services/insights/cell-key.ts";
import { cellKeySecret, recordKey } from "../app/services/insights/cell-key.server.ts";
import { parsePeriod } from "../app/services/insights/periods.ts";
import { suppress, type Cell } from "../app/services/insights/suppression.ts";
import { prisma } from "../app/utils/db.server.ts";
import { reference } from "./helpers/insights-reference.ts";
import { actorOf, makeUser } from "./factories.ts";
import { setStatisticsGrant } from "../app/services/insights/grants.server.ts";

// The funnel is counted in SQL since the volume work (ADR 0031). The reference below is the earlier in-memory
// count, kept verbatim in spirit: every registration in scope, categorised one by one in Node. Both must agree on
// random data, cell for cell, before and after small-cell suppression.

let seed = 20261207;
const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
const pick = <T,>(xs: readonly T[]) => xs[Math.floor(rand() * xs.length)];

describe("participation counted in SQL", () => {
  it("equals the in-memory count for every breakdown and scope, and publishes the same suppressed table", async () => {
    const db = prisma();
    const series = await db.webinarSeries.create({ data: { title: "Care work" } });
    const now = Date.now();
    const webinars: { id: string; startsAt: Date }[] = [];
    for (let i = 0; i < 6; i++) {
      const startsAt = new Date(now - (i * 40 + 5) * 86400_000);
      webinars.push(
        await db.webinar.create({
          data: { uid: `sql-${i}@hub.test`, startsAt, endsAt: new Date(startsAt.getTime() + 3600_000), timeZone: "UTC", meetingUrl: "https://meet.example.org/x", seriesId: i % 2 ? series.id : null, translations: { create: { language: "EN", title: `W${i}`, description: "" } } },
        }),
      );
    }
    // Institutions in every state; people with none, one or two (the first approved one counts).
    const partners = [];
    for (let i = 0; i < 12; i++) {
      partners.push(
        await db.partner.create({
          data: { name: `P${i}`, sector: pick(["RESEARCH", "GOVERNMENT", "IGO", "NGO", "PRIVATE", "OTHER"] as const), country: pick(["SN", "CO", "PH", "FR", "KE", "AQ"]), focalPointName: "F", focalPointEmail: `f${i}@example.org`, consentAt: new Date(), status: pick(["APPROVED", "APPROVED", "PENDING", "REJECTED"] as const) },
        }),
      );
    }
    const users = [];
    for (let i = 0; i < 60; i++) {
      const user = await db.user.create({ data: { email: `sql-person-${i}@example.org`, name: `Person ${i}` } });
      users.push(user);
      const n = Math.floor(rand() * 3);
      for (let k = 0; k < n; k++) {
        const partnerId = pick(partners).id;
        // Equal times too: the earlier id wins then, in both counts.
        await db.membership.upsert({ where: { userId_partnerId: { userId: user.id, partnerId } }, create: { userId: user.id, partnerId, createdAt: new Date(now - Math.floor(rand() * 3) * 1000) }, update: {} });
      }
      if (rand() < 0.7) {
        await db.demographicAnswer.create({
          data: { key: personKey(user.email), gender: rand() < 0.1 ? null : pick(["woman", "man", "non-binary", "self-described", "prefer-not-to-say", "unexpected"]), ageBand: rand() < 0.1 ? null : pick(["under-25", "25-34", "35-49", "50-64", "65-plus", "prefer-not-to-say"]) },
        });
      }
    }
    for (const w of webinars) {
      for (const user of users) {
        if (rand() < 0.45) continue;
        const signedIn = rand() < 0.7;
        await db.webinarRegistration.create({
          data: {
            webinarId: w.id,
            userId: signedIn ? user.id : null,
            // Addresses as people type them: the digest is of the trimmed, lower-cased address.
            email: rand() < 0.1 ? ` ${user.email.toUpperCase()} ` : user.email,
            name: user.name,
            status: pick(["CONFIRMED", "CONFIRMED", "WAITLISTED", "CANCELLED", "PENDING_APPROVAL", "DENIED", "UNCONFIRMED"] as const),
            country: rand() < 0.5 ? null : pick(["SN", "CO", "PH", "FR", "KE", "AQ", "", "ZZ"]),
            invitedAt: rand() < 0.3 ? new Date() : null,
            confirmedAt: rand() < 0.4 ? new Date() : null,
            attended: pick([null, true, false]),
          },
        });
      }
    }
    // A changed address gets a new digest (the database keeps it on every change).
    const moved = await db.webinarRegistration.findFirstOrThrow({ where: { email: users[0].email } });
    await db.webinarRegistration.update({ where: { id: moved.id }, data: { email: users[1].email.replace("@", "+moved@") } });
    expect((await db.webinarRegistration.findUniqueOrThrow({ where: { id: moved.id } })).personKey).toBe(personKey(users[1].email.replace("@", "+moved@")));

    const calendar = (label: string): Scope => ({ kind: "period", ...parsePeriod(label)! });
    const at = (i: number) => webinars[i].startsAt.toISOString();
    const scopes: Scope[] = [
      { kind: "webinar", id: webinars[0].id },
      { kind: "webinar", id: webinars[3].id },
      { kind: "series", id: series.id },
      calendar(at(1).slice(0, 7)),
      calendar(`${at(2).slice(0, 4)}-Q${Math.floor(webinars[2].startsAt.getUTCMonth() / 3) + 1}`),
      calendar(at(0).slice(0, 4)),
    ];
    const admin = await makeUser({ role: "ADMIN" });
    const reader = await makeUser({ role: "STAFF" });
    await setStatisticsGrant(admin, reader.email, true);
    const statistician = await actorOf(reader.id);
    let smallCells = 0;
    for (const scope of scopes) {
      for (const breakdown of BREAKDOWNS) {
        const { counts: expected, keys } = await reference(scope, breakdown);
        const got = await rawFunnel(scope, breakdown);
        expect(got.stages).toEqual([...STAGES]);
        expect(got.counts, `${scope.kind} ${breakdown}`).toEqual(expected);
        // The database derives each record key as recordKey() does here, and cells add them up.
        expect(got.keys, `${scope.kind} ${breakdown} keys`).toEqual(keys);
        const published = await participationStats(statistician, scope, breakdown);
        const k = minCell();
        const table = suppress(expected, { colTotals: true }, k);
        const round = (cell: Cell, key: number): Cell => (cell.kind === "value" ? { kind: "value", value: roundCount(cell.value, key, k) } : cell);
        expect(published.rows.map((r) => r.cells)).toEqual(table.cells.map((row, r) => row.map((cell, c) => round(cell, keys[r][c]))));
        expect(published.totals).toEqual(table.colTotals!.map((cell, c) => round(cell, addKeys(...keys.map((row) => row[c])))));
        smallCells += table.cells.flat().filter((c) => c.kind !== "value").length;
      }
    }
    // The data is small enough that suppression had something to hide.
    expect(smallCells).toBeGreaterThan(0);
    expect(expectedTotal((await reference(scopes[5], "gender")).counts)).toBeGreaterThan(100);
  });

  it("keeps each registration's record key with its address: set on insert, changed with the address", async () => {
    const db = prisma();
    const secret = await cellKeySecret();
    const webinar = await db.webinar.create({
      data: { uid: "keys@hub.test", startsAt: new Date(), endsAt: new Date(Date.now() + 3600_000), timeZone: "UTC", meetingUrl: "https://meet.example.org/x", translations: { create: { language: "EN", title: "Keys", description: "" } } },
    });
    const reg = await db.webinarRegistration.create({ data: { webinarId: webinar.id, email: "Ada@Example.org ", name: "Ada", status: "CONFIRMED" } });
    expect(reg.recordKey).toBe(recordKey(personKey("ada@example.org"), secret));
    const moved = await db.webinarRegistration.update({ where: { id: reg.id }, data: { email: "grace@example.org" } });
    expect(moved.recordKey).toBe(recordKey(personKey("grace@example.org"), secret));
    expect(moved.recordKey).not.toBe(reg.recordKey);
  });
});

const expectedTotal = (counts: number[][]) => counts.reduce((sum, row) => sum + row[1], 0);
