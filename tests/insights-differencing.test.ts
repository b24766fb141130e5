import { describe, expect, it } from "vitest";
import { possiblyPublished } from "../app/services/insights/cell-key.ts";
import { minCell } from "../app/services/insights/config.server.ts";
import { personKey } from "../app/services/insights/demographics.server.ts";
import { setStatisticsGrant } from "../app/services/insights/grants.server.ts";
import { BREAKDOWNS, participationStats, rawFunnel, type Breakdown, type Scope } from "../app/services/insights/participation.server.ts";
import type { Cell } from "../app/services/insights/suppression.ts";
import { prisma } from "../app/utils/db.server.ts";
import { actorOf, makeUser } from "./factories.ts";

/**
 * The differencing adversary: a statistics reader who asks for every scope they can name — each webinar, each
 * series, each period (calendar months, quarters and years, and periods cut at any instant between webinars,
 * which the service may refuse), the whole — under every breakdown, and subtracts every pair of published tables
 * whose webinars nest. The attacker knows the published method exactly (`couldPublish`: which published number a
 * true count can give), so a difference pins a count when only one value of it agrees with both tables. No small
 * count (below k) of any group of registrations may be pinned that way.
 */
const couldPublish = (n: number, shown: number, k: number) => possiblyPublished(n, k).includes(shown);

let seed = 20261208;
const rand = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
const pick = <T,>(xs: readonly T[]) => xs[Math.floor(rand() * xs.length)];
const utc = (y: number, m: number, d = 1, h = 0) => new Date(Date.UTC(y, m - 1, d, h));

/** What the attacker may believe of a true count, from one published cell (bounded well above the data). */
function candidates(cell: Cell, k: number, cap: number): number[] {
  const all = [...Array(cap + 1).keys()];
  if (cell.kind === "small") return all.filter((n) => n < k);
  if (cell.kind === "hidden") return all.filter((n) => n >= k);
  return all.filter((n) => n >= k && couldPublish(n, cell.value, k));
}

describe("published statistics under differencing", () => {
  it("never pin a small count by subtracting two published tables of nested scopes", async () => {
    const db = prisma();
    const [care, mobility] = [await db.webinarSeries.create({ data: { title: "Care work" } }), await db.webinarSeries.create({ data: { title: "Mobility" } })];
    const starts = [utc(2025, 1, 10, 14), utc(2025, 1, 20, 9), utc(2025, 2, 15, 12), utc(2025, 4, 5, 15), utc(2025, 5, 12, 8), utc(2025, 7, 1, 13), utc(2025, 11, 3, 16)];
    const webinars = [];
    for (const [i, startsAt] of starts.entries()) {
      webinars.push(
        await db.webinar.create({
          data: { uid: `diff-${i}@hub.test`, startsAt, endsAt: new Date(startsAt.getTime() + 3600_000), timeZone: "UTC", meetingUrl: "https://meet.example.org/x", seriesId: i % 3 === 0 ? care.id : i === 5 ? mobility.id : null, translations: { create: { language: "EN", title: `W${i}`, description: "" } } },
        }),
      );
    }
    const people = [...Array(70).keys()].map((i) => `diff-person-${i}@example.org`);
    await db.demographicAnswer.createMany({
      data: people.filter(() => rand() < 0.8).map((email) => ({ key: personKey(email), gender: pick(["woman", "woman", "man", "man", "non-binary", "self-described", "prefer-not-to-say"]), ageBand: pick(["under-25", "25-34", "35-49", "50-64", "65-plus"]) })),
    });
    for (const [i, w] of webinars.entries()) {
      const size = 14 + ((i * 7) % 19);
      await db.webinarRegistration.createMany({
        data: people.slice(i * 6, i * 6 + size).concat(people.slice(0, i)).map((email) => ({
          webinarId: w.id,
          email,
          name: email,
          status: pick(["CONFIRMED", "CONFIRMED", "CONFIRMED", "WAITLISTED", "CANCELLED"] as const),
          country: pick(["SN", "CO", "PH", "FR", "KE", null]),
          invitedAt: rand() < 0.4 ? starts[i] : null,
          confirmedAt: rand() < 0.7 ? starts[i] : null,
          attended: rand() < 0.6,
        })),
      });
    }
    const admin = await makeUser({ role: "ADMIN" });
    const reader = await makeUser({ role: "STAFF" });
    await setStatisticsGrant(admin, reader.email, true);
    const statistician = await actorOf(reader.id);
    const k = minCell();

    // Every scope the attacker can name, with the webinars it covers (the attacker knows the schedule).
    const named: { name: string; scope: Scope; covers: Set<number> }[] = [];
    const period = (name: string, from: Date, to: Date) => named.push({ name, scope: { kind: "period", from, to }, covers: new Set(starts.flatMap((s, i) => (s >= from && s < to ? [i] : []))) });
    webinars.forEach((w, i) => named.push({ name: `webinar ${i}`, scope: { kind: "webinar", id: w.id }, covers: new Set([i]) }));
    for (const s of [care, mobility]) named.push({ name: s.title, scope: { kind: "series", id: s.id }, covers: new Set(webinars.flatMap((w, i) => (w.seriesId === s.id ? [i] : []))) });
    for (let m = 1; m <= 12; m++) period(`2025-${m}`, utc(2025, m), utc(2025, m + 1));
    for (let q = 0; q < 4; q++) period(`2025-Q${q + 1}`, utc(2025, q * 3 + 1), utc(2025, q * 3 + 4));
    period("2025", utc(2025, 1), utc(2026, 1));
    period("the whole", utc(2000, 1), utc(2100, 1));
    for (let a = 0; a < starts.length; a++) for (let b = a; b < starts.length; b++) period(`${a}…${b}`, starts[a], new Date(starts[b].getTime() + 1));

    let pairs = 0;
    let exposed = 0; // small differences between two published numbers: what the attack feeds on
    const leaks: string[] = [];
    for (const breakdown of BREAKDOWNS as readonly Breakdown[]) {
      const tables = [];
      for (const n of named) {
        const published = await participationStats(statistician, n.scope, breakdown).catch((e: { code?: string }) => {
          if (e.code === "BAD_USER_INPUT") return null; // a scope the service refuses to publish
          throw e;
        });
        if (!published) continue;
        const truth = (await rawFunnel(n.scope, breakdown)).counts;
        const colTotals = truth[0].map((_, c) => truth.reduce((sum, row) => sum + row[c], 0));
        // Each published number with its true count: cells row by row, then the stage totals.
        const slots = [...published.rows.flatMap((r, i) => r.cells.map((cell, c) => ({ cell, truth: truth[i][c] }))), ...published.totals.map((cell, c) => ({ cell, truth: colTotals[c] }))];
        tables.push({ ...n, slots });
      }
      const cap = 4 * people.length * webinars.length;
      for (const a of tables) {
        for (const b of tables) {
          if (a === b || ![...b.covers].every((i) => a.covers.has(i))) continue;
          if (a.covers.size === b.covers.size && a.name > b.name) continue; // the same webinars, once
          pairs += 1;
          a.slots.forEach((sa, s) => {
            const sb = b.slots[s];
            const small = sa.truth - sb.truth;
            if (small >= k) return;
            if (sa.cell.kind === "value" && sb.cell.kind === "value") exposed += 1;
            const inA = candidates(sa.cell, k, cap);
            const inB = new Set(candidates(sb.cell, k, cap));
            const possible = new Set<number>();
            for (const x of inA) for (let d = 0; d < k; d++) if (inB.has(x - d)) possible.add(d);
            expect(possible.has(small), `the attacker's model holds (${a.name} − ${b.name})`).toBe(true);
            if (possible.size === 1) leaks.push(`${breakdown}: ${a.name} − ${b.name}, number ${s}: exactly ${small}`);
          });
        }
      }
    }
    expect(pairs).toBeGreaterThan(100);
    expect(exposed).toBeGreaterThan(100);
    expect(leaks.slice(0, 10), `${leaks.length} small counts pinned by differencing`).toEqual([]);
  }, 300_000);
});
