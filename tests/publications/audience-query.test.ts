import { describe, expect, it } from "vitest";
import {
  canSeePublication,
  publicationGate,
  viewerForActor,
  viewerForUser,
  visibilityWhere,
  visiblePublicationsFor,
  type PublicationViewer,
} from "../../app/services/publications/audience.ts";
import { ANONYMOUS } from "../../app/services/policy.server.ts";
import { prisma } from "../../app/utils/db.server.ts";
import { makeDialogue, joinDialogue } from "../dialogues/factories.ts";
import { focalPointOf, makePartner, makeUser } from "../factories.ts";

const HOUR = 3600_000;

/** Every combination of status, embargo and audience the model allows, inserted as rows. */
async function grid(dialogueIds: { d1: string; d2: string }) {
  const now = Date.now();
  const statuses = [
    { status: "DRAFT" as const, publishedAt: null },
    { status: "SCHEDULED" as const, publishedAt: new Date(now + 24 * HOUR) },
    { status: "SCHEDULED" as const, publishedAt: new Date(now - HOUR) }, // embargo over, not flipped yet
    { status: "PUBLISHED" as const, publishedAt: new Date(now - 48 * HOUR) },
  ];
  const audiences = [
    { audience: "PUBLIC" as const, audienceSectors: [], dialogues: [] },
    { audience: "PARTNERS" as const, audienceSectors: [], dialogues: [] },
    { audience: "SECTORS" as const, audienceSectors: ["GOVERNMENT" as const, "IGO" as const], dialogues: [] },
    { audience: "SECTORS" as const, audienceSectors: ["NGO" as const], dialogues: [] },
    { audience: "DIALOGUES" as const, audienceSectors: [], dialogues: [dialogueIds.d1] },
    { audience: "DIALOGUES" as const, audienceSectors: [], dialogues: [dialogueIds.d2] },
  ];
  for (const s of statuses) {
    for (const a of audiences) {
      await prisma().publication.create({
        data: {
          type: "BRIEF",
          authors: "A. Author",
          topics: ["LABOUR_MIGRATION"],
          ...s,
          audience: a.audience,
          audienceSectors: a.audienceSectors,
          dialogues: { create: a.dialogues.map((dialogueId) => ({ dialogueId })) },
          translations: { create: [{ language: "EN", title: `${s.status} ${a.audience}` }] },
        },
      });
    }
  }
}

describe("visibilityWhere agrees with canSeePublication", () => {
  it("for anonymous visitors, subscribers, partners by sector, dialogue members, pending partners and staff", async () => {
    const staffActor = await makeUser({ role: "STAFF" });
    const d1 = await makeDialogue(staffActor);
    const d2 = await makeDialogue(staffActor);
    await grid({ d1: d1.id, d2: d2.id });

    const government = await focalPointOf(await makePartner({ sector: "GOVERNMENT" }));
    const ngo = await focalPointOf(await makePartner({ sector: "NGO" }));
    const pending = await focalPointOf(await makePartner({ sector: "IGO", status: "PENDING" }));
    // A dialogue member whose institution is not approved still reads that dialogue's briefs.
    const memberOnly = await joinDialogue(d1.id, staffActor, "pending-member@example.org");

    const viewers: [string, PublicationViewer][] = [
      ["anonymous", await viewerForActor(prisma(), ANONYMOUS)],
      ["subscriber", { kind: "subscriber" }],
      ["government", await viewerForActor(prisma(), government)],
      ["ngo", await viewerForUser(prisma(), ngo.id)],
      ["pending", await viewerForActor(prisma(), pending)],
      ["memberOnly", await viewerForActor(prisma(), memberOnly)],
      ["staff", await viewerForActor(prisma(), staffActor)],
    ];
    expect(viewers.find(([n]) => n === "government")![1]).toEqual({ kind: "partnerPerson", sectors: ["GOVERNMENT"], dialogueIds: [] });
    expect(viewers.find(([n]) => n === "pending")![1]).toEqual({ kind: "partnerPerson", sectors: [], dialogueIds: [] });
    expect(viewers.find(([n]) => n === "memberOnly")![1]).toEqual({ kind: "partnerPerson", sectors: [], dialogueIds: [d1.id] });

    const all = await prisma().publication.findMany({ include: { dialogues: { select: { dialogueId: true } } } });
    expect(all).toHaveLength(24);
    const now = new Date();
    const seen: Record<string, number> = {};
    for (const [name, viewer] of viewers) {
      const expected = all.filter((p) => (viewer.kind === "staff" ? true : canSeePublication(viewer, publicationGate(p), now))).map((p) => p.id).sort();
      const rows = await prisma().publication.findMany({ where: visibilityWhere(viewer, { now, unreleased: true }), select: { id: true } });
      expect(rows.map((r) => r.id).sort(), name).toEqual(expected);
      seen[name] = rows.length;
    }
    // Released = 2 rows per audience (the past-embargo scheduled one and the published one).
    expect(seen).toEqual({ anonymous: 2, subscriber: 2, government: 6, ngo: 6, pending: 2, memberOnly: 4, staff: 24 });
  });

  it("visiblePublicationsFor filters by since, topics and language, and never gives staff a draft", async () => {
    const base = { type: "BRIEF" as const, authors: "B. Author", audience: "PUBLIC" as const };
    const old = await prisma().publication.create({
      data: { ...base, status: "PUBLISHED", publishedAt: new Date("2026-01-10T00:00:00Z"), topics: ["REMITTANCES"], translations: { create: [{ language: "FR", title: "Ancien" }] } },
    });
    const fresh = await prisma().publication.create({
      data: { ...base, status: "PUBLISHED", publishedAt: new Date(Date.now() - HOUR), topics: ["CARE_WORK"], translations: { create: [{ language: "ES", title: "Nuevo" }] } },
    });
    await prisma().publication.create({ data: { ...base, status: "DRAFT", topics: ["CARE_WORK"], translations: { create: [{ language: "ES", title: "Borrador" }] } } });

    const ids = async (viewer: PublicationViewer, opts: Parameters<typeof visiblePublicationsFor>[2]) =>
      (await visiblePublicationsFor(prisma(), viewer, opts)).map((p) => p.id);
    const sub: PublicationViewer = { kind: "subscriber" };
    const since = await ids(sub, { since: new Date("2026-02-01T00:00:00Z"), topics: ["CARE_WORK", "REMITTANCES"] });
    expect(since).toContain(fresh.id);
    expect(since).not.toContain(old.id);
    expect(await ids(sub, { topics: ["REMITTANCES"] })).toEqual([old.id]);
    expect(await ids(sub, { language: "es", topics: ["CARE_WORK", "REMITTANCES"] })).toEqual([fresh.id]);
    const forStaff = await visiblePublicationsFor(prisma(), { kind: "staff" }, { topics: ["CARE_WORK"] });
    expect(forStaff.map((p) => p.status)).not.toContain("DRAFT");
    expect(forStaff.map((p) => p.id)).toContain(fresh.id);
  });
});

describe("closed sets in the table", () => {
  it("refuses an unknown topic, region or sector even from a direct write", async () => {
    const base = { type: "BRIEF" as const, authors: "C. Author" };
    await expect(prisma().publication.create({ data: { ...base, topics: ["ASTROLOGY"] } })).rejects.toThrow(/topics_check/);
    await expect(prisma().publication.create({ data: { ...base, regions: ["ATLANTIS"] } })).rejects.toThrow(/regions_check/);
    await expect(prisma().publication.create({ data: { ...base, audienceSectors: ["MAFIA"] } })).rejects.toThrow(/audienceSectors_check/);
  });
});
