import { describe, expect, it } from "vitest";
import { personKey } from "../app/services/insights/demographics.server.ts";
import { BREAKDOWNS, rawFunnel, type Scope } from "../app/services/insights/participation.server.ts";
import { parsePeriod } from "../app/services/insights/periods.ts";
import { prisma } from "../app/utils/db.server.ts";
import { reference } from "./helpers/insights-reference.ts";

// The funnel reads per-webinar tallies that the database keeps (ADR 0045). Here every kind of change that moves a
// registration between categories or stages happens AFTER the registrations exist — answers given, changed and
// withdrawn, memberships made and ended, institutions approved, rejected and re-classified, registrations changed,
// deleted or orphaned by an erased account, a webinar deleted, the statistics secret rotated — and after each the
// tallies must give exactly what counting the registrations one by one gives.

let seed = 4501;
const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
const pick = <T,>(xs: readonly T[]) => xs[Math.floor(rand() * xs.length)];

describe("participation tallies kept by the database", () => {
  it("stay equal to counting the registrations through every later change, and a rebuild gives the same rows", async () => {
    const db = prisma();
    const series = await db.webinarSeries.create({ data: { title: "Remittances" } });
    const base = Date.UTC(2026, 4, 3);
    const webinars = [];
    for (let i = 0; i < 4; i++) {
      const startsAt = new Date(base + i * 86400_000);
      webinars.push(
        await db.webinar.create({
          data: { uid: `tally-${i}@hub.test`, startsAt, endsAt: new Date(startsAt.getTime() + 3600_000), timeZone: "UTC", meetingUrl: "https://meet.example.org/x", seriesId: i % 2 ? series.id : null, translations: { create: { language: "EN", title: `T${i}`, description: "" } } },
        }),
      );
    }
    const partners = [];
    for (let i = 0; i < 8; i++) {
      partners.push(
        await db.partner.create({
          data: { name: `TP${i}`, sector: pick(["RESEARCH", "GOVERNMENT", "IGO", "NGO", "PRIVATE", "OTHER"] as const), country: pick(["SN", "CO", "PH", "FR", "KE"]), focalPointName: "F", focalPointEmail: `tf${i}@example.org`, consentAt: new Date(), status: pick(["APPROVED", "APPROVED", "PENDING"] as const) },
        }),
      );
    }
    const users = [];
    for (let i = 0; i < 30; i++) users.push(await db.user.create({ data: { email: `tally-${i}@example.org`, name: `Tally ${i}` } }));
    // Registrations first: nobody has answered or joined an institution yet.
    for (const w of webinars) {
      for (const user of users) {
        if (rand() < 0.4) continue;
        await db.webinarRegistration.create({
          data: {
            webinarId: w.id,
            userId: rand() < 0.8 ? user.id : null,
            email: user.email,
            name: user.name,
            status: pick(["CONFIRMED", "CONFIRMED", "WAITLISTED", "CANCELLED", "UNCONFIRMED"] as const),
            country: rand() < 0.6 ? null : pick(["SN", "CO", "PH", "ZZ"]),
            invitedAt: rand() < 0.3 ? new Date() : null,
            confirmedAt: rand() < 0.4 ? new Date() : null,
            attended: pick([null, true, false]),
          },
        });
      }
    }
    const scopes: Scope[] = [
      { kind: "webinar", id: webinars[1].id },
      { kind: "series", id: series.id },
      { kind: "period", ...parsePeriod("2026-05")! },
    ];
    const check = async (step: string) => {
      for (const scope of scopes) {
        for (const breakdown of BREAKDOWNS) {
          const expected = await reference(scope, breakdown);
          const got = await rawFunnel(scope, breakdown);
          expect({ counts: got.counts, keys: got.keys }, `${step}: ${scope.kind} ${breakdown}`).toEqual(expected);
        }
      }
    };
    await check("registered");

    // Answers given, changed, withdrawn.
    for (const user of users.slice(0, 20)) {
      await db.demographicAnswer.create({ data: { key: personKey(user.email), gender: pick(["woman", "man", "non-binary", null]), ageBand: pick(["25-34", "50-64", null]) } });
    }
    await db.demographicAnswer.update({ where: { key: personKey(users[0].email) }, data: { gender: "self-described", ageBand: "65-plus" } });
    await db.demographicAnswer.update({ where: { key: personKey(users[1].email) }, data: { genderDescription: "in my words" } });
    await db.demographicAnswer.delete({ where: { key: personKey(users[2].email) } });
    await check("answers");

    // Memberships made (several per person: the earliest approved one counts) and ended; institutions change.
    for (const [i, user] of users.entries()) {
      for (let k = 0; k < i % 3; k++) {
        const partnerId = partners[(i + k * 3) % partners.length].id;
        await db.membership.upsert({ where: { userId_partnerId: { userId: user.id, partnerId } }, create: { userId: user.id, partnerId, createdAt: new Date(base - k * 1000) }, update: {} });
      }
    }
    await check("memberships");
    await db.membership.deleteMany({ where: { userId: { in: [users[4].id, users[5].id] } } });
    const pending = partners.find((p) => p.status === "PENDING")!;
    const approved = partners.find((p) => p.status === "APPROVED")!;
    await db.partner.update({ where: { id: pending.id }, data: { status: "APPROVED" } });
    await db.partner.update({ where: { id: approved.id }, data: { status: "REJECTED" } });
    await db.partner.update({ where: { id: partners[7].id }, data: { sector: "IGO", country: "KE" } });
    await db.membership.update({ where: { userId_partnerId: { userId: users[2].id, partnerId: partners[2].id } }, data: { createdAt: new Date(base - 10_000) } }).catch(() => null);
    await check("institutions");

    // Registrations change, go, and lose their account; a webinar goes; the statistics secret is rotated.
    const some = await db.webinarRegistration.findMany({ where: { webinarId: webinars[1].id }, orderBy: { id: "asc" }, take: 6 });
    await db.webinarRegistration.update({ where: { id: some[0].id }, data: { status: "CONFIRMED", attended: true, invitedAt: new Date() } });
    await db.webinarRegistration.update({ where: { id: some[1].id }, data: { country: "FR" } });
    await db.webinarRegistration.update({ where: { id: some[2].id }, data: { email: users[0].email.replace("@", "+other@") } });
    await db.webinarRegistration.update({ where: { id: some[3].id }, data: { userId: null } });
    await db.webinarRegistration.delete({ where: { id: some[4].id } });
    await db.webinarRegistration.updateMany({ where: { webinarId: webinars[3].id }, data: { confirmedAt: null } });
    await db.user.delete({ where: { id: users[10].id } });
    await db.webinar.delete({ where: { id: webinars[2].id } });
    await db.$executeRaw`UPDATE "InsightsSetting" SET "cellKeySecret" = 'rotated' WHERE "id" = 1`;
    await db.$executeRaw`UPDATE "WebinarRegistration" r SET "recordKey" = ('x' || substr(md5('rotated' || COALESCE(r."personKey", r."id")), 1, 7))::bit(28)::int`;
    await check("registrations");

    // Rebuilding from scratch gives the same tallies (rows left at zero aside).
    const rows = () => db.$queryRaw<unknown[]>`SELECT * FROM "InsightsTally" WHERE "registered" <> 0 OR "invited" <> 0 OR "confirmed" <> 0 OR "attended" <> 0 ORDER BY 1, 2, 3`;
    const kept = await rows();
    expect(kept.length).toBeGreaterThan(20);
    await db.$executeRaw`SELECT "genmig_insights_tally_rebuild"()`;
    expect(await rows()).toEqual(kept);
    expect(await db.$queryRaw<unknown[]>`SELECT 1 FROM "InsightsTally" WHERE "webinarId" = ${webinars[2].id}`).toEqual([]);
  });
});
