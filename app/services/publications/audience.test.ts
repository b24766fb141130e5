import { describe, expect, it } from "vitest";
import { ANONYMOUS, can, type SignedInActor } from "../policy.server.ts";
import { canSeePublication, isReleased, pickTranslation, type PublicationGate, type PublicationViewer } from "./audience.ts";

const past = new Date("2026-01-01T00:00:00Z");
const now = new Date("2026-06-01T00:00:00Z");
const future = new Date("2026-12-01T00:00:00Z");

const gate = (over: Partial<PublicationGate> = {}): PublicationGate => ({
  status: "PUBLISHED",
  publishedAt: past,
  audience: "PUBLIC",
  audienceSectors: [],
  dialogueIds: [],
  ...over,
});

const anonymous: PublicationViewer = { kind: "anonymous" };
const subscriber: PublicationViewer = { kind: "subscriber" };
const government: PublicationViewer = { kind: "partnerPerson", sectors: ["GOVERNMENT"], dialogueIds: [] };
const ngoInDialogue: PublicationViewer = { kind: "partnerPerson", sectors: ["NGO"], dialogueIds: ["d1"] };
const pendingPerson: PublicationViewer = { kind: "partnerPerson", sectors: [], dialogueIds: [] };
const staff: PublicationViewer = { kind: "staff" };

describe("canSeePublication", () => {
  it("shows a released public item to everyone", () => {
    for (const v of [anonymous, subscriber, government, pendingPerson, staff]) expect(canSeePublication(v, gate(), now)).toBe(true);
  });

  it("keeps a partners-only item from anonymous visitors, subscribers and people of no approved partner", () => {
    const p = gate({ audience: "PARTNERS" });
    expect(canSeePublication(anonymous, p, now)).toBe(false);
    expect(canSeePublication(subscriber, p, now)).toBe(false);
    expect(canSeePublication(pendingPerson, p, now)).toBe(false);
    expect(canSeePublication(government, p, now)).toBe(true);
    expect(canSeePublication(ngoInDialogue, p, now)).toBe(true);
  });

  it("opens a sector-restricted item to the named sectors only", () => {
    const p = gate({ audience: "SECTORS", audienceSectors: ["GOVERNMENT", "IGO"] });
    expect(canSeePublication(government, p, now)).toBe(true);
    expect(canSeePublication(ngoInDialogue, p, now)).toBe(false);
    expect(canSeePublication(subscriber, p, now)).toBe(false);
    expect(canSeePublication(government, gate({ audience: "SECTORS", audienceSectors: [] }), now)).toBe(false);
  });

  it("opens a dialogue-restricted item to members of those dialogues only, approved partner or not", () => {
    const p = gate({ audience: "DIALOGUES", dialogueIds: ["d1", "d2"] });
    expect(canSeePublication(ngoInDialogue, p, now)).toBe(true);
    expect(canSeePublication({ kind: "partnerPerson", sectors: [], dialogueIds: ["d2"] }, p, now)).toBe(true);
    expect(canSeePublication(government, p, now)).toBe(false);
    expect(canSeePublication(anonymous, p, now)).toBe(false);
  });

  it("hides drafts and embargoed items from all but staff, and releases a scheduled item at its time", () => {
    const draft = gate({ status: "DRAFT", publishedAt: null });
    const embargoed = gate({ status: "SCHEDULED", publishedAt: future });
    for (const v of [anonymous, subscriber, government]) {
      expect(canSeePublication(v, draft, now)).toBe(false);
      expect(canSeePublication(v, embargoed, now)).toBe(false);
      expect(canSeePublication(v, embargoed, future)).toBe(true);
    }
    expect(canSeePublication(staff, draft, now)).toBe(true);
    expect(canSeePublication(staff, embargoed, now)).toBe(true);
    expect(isReleased(gate({ status: "DRAFT", publishedAt: past }), now)).toBe(false);
  });
});

describe("can(actor, publication.*)", () => {
  const person = (role: SignedInActor["role"], partnerStatus: "APPROVED" | "PENDING" = "APPROVED"): SignedInActor => ({
    kind: "user",
    id: "u1",
    email: "u@example.org",
    name: "U",
    role,
    language: null,
    memberships: role === "PARTNER" ? [{ partnerId: "p1", partnerName: "P", role: "MEMBER", partnerStatus }] : [],
  });

  it("lets only staff manage publications", () => {
    expect(can(ANONYMOUS, { do: "publication.manage" })).toBe(false);
    expect(can(person("PARTNER"), { do: "publication.manage" })).toBe(false);
    expect(can(person("STAFF"), { do: "publication.manage" })).toBe(true);
    expect(can(person("ADMIN"), { do: "publication.manage" })).toBe(true);
  });

  it("takes the sectors and dialogues a person reaches from the loaded reach, never from the actor alone", () => {
    const p = gate({ audience: "SECTORS", audienceSectors: ["IGO"] });
    expect(can(person("PARTNER"), { do: "publication.see", publication: p, reach: { sectors: ["NGO"], dialogueIds: [] } })).toBe(false);
    expect(can(person("PARTNER"), { do: "publication.see", publication: p, reach: { sectors: ["IGO"], dialogueIds: [] } })).toBe(true);
    // An anonymous actor is never a partner, whatever reach is passed along.
    expect(can(ANONYMOUS, { do: "publication.see", publication: p, reach: { sectors: ["IGO"], dialogueIds: [] } })).toBe(false);
    expect(can(person("STAFF"), { do: "publication.see", publication: gate({ status: "DRAFT", publishedAt: null }), reach: { sectors: [], dialogueIds: [] } })).toBe(true);
  });
});

describe("pickTranslation", () => {
  const versions = [{ language: "FR" as const }, { language: "EN" as const }];
  it("prefers the reader's language, then English, and says when it fell back", () => {
    expect(pickTranslation(versions, "fr")).toEqual({ translation: { language: "FR" }, fallback: false });
    expect(pickTranslation(versions, "es")).toEqual({ translation: { language: "EN" }, fallback: true });
    expect(pickTranslation([{ language: "ES" as const }], "fr")).toEqual({ translation: { language: "ES" }, fallback: true });
    expect(pickTranslation([], "en")).toBeNull();
  });
});
