import { describe, expect, it } from "vitest";
import { ANONYMOUS, can, type Actor, type ActorMembership } from "../policy.server.ts";
import type { DialogueRef } from "./policy.ts";

const person = (role: "ADMIN" | "STAFF" | "PARTNER", partnerStatus?: ActorMembership["partnerStatus"]): Actor => ({
  kind: "user",
  id: `u-${role}-${partnerStatus ?? "none"}`,
  email: "p@example.org",
  name: "P",
  role,
  language: null,
  memberships: partnerStatus ? [{ partnerId: "p1", partnerName: "Inst", role: "MEMBER", partnerStatus }] : [],
});
const ref = (visibility: "SECRET" | "PRIVATE", viewerRole: DialogueRef["viewerRole"], chathamHouse = false): DialogueRef => ({ visibility, chathamHouse, viewerRole });

describe("dialogue policy", () => {
  it("lists private dialogues to approved partners only, secret ones to members and staff only", () => {
    const see = (a: Actor, d: DialogueRef) => can(a, { do: "dialogue.see", dialogue: d });
    expect(see(ANONYMOUS, ref("PRIVATE", null))).toBe(false);
    expect(see(person("PARTNER"), ref("PRIVATE", null))).toBe(false);
    expect(see(person("PARTNER", "PENDING"), ref("PRIVATE", null))).toBe(false);
    expect(see(person("PARTNER", "APPROVED"), ref("PRIVATE", null))).toBe(true);
    expect(see(person("PARTNER", "APPROVED"), ref("SECRET", null))).toBe(false);
    expect(see(person("PARTNER"), ref("SECRET", "MEMBER"))).toBe(true);
    expect(see(person("STAFF"), ref("SECRET", null))).toBe(true);
    // Listed is not readable.
    expect(can(person("PARTNER", "APPROVED"), { do: "dialogue.read", dialogue: ref("PRIVATE", null) })).toBe(false);
  });

  it("a closed dialogue stays readable and takes no posts, edits or documents from anyone", () => {
    const closed: DialogueRef = { ...ref("SECRET", "FACILITATOR"), closedAt: new Date() };
    for (const a of [person("PARTNER"), person("STAFF"), person("ADMIN")]) {
      const id = a.kind === "user" ? a.id : null;
      expect(can(a, { do: "dialogue.read", dialogue: closed })).toBe(true);
      expect(can(a, { do: "dialogue.post", dialogue: closed })).toBe(false);
      expect(can(a, { do: "dialogue.upload", dialogue: closed })).toBe(false);
      expect(can(a, { do: "dialogue.editPost", dialogue: closed, post: { authorId: id } })).toBe(false);
      expect(can(a, { do: "dialogue.post", dialogue: { ...closed, closedAt: null } })).toBe(true);
    }
  });

  it("Chatham House hides authors from everyone but the author, unless the post is attributable", () => {
    const d = ref("SECRET", "FACILITATOR", true);
    const author = (a: Actor, attributable: boolean, authorId: string | null = "someone") =>
      can(a, { do: "dialogue.viewAuthor", dialogue: d, post: { attributable, authorId } });
    for (const a of [person("PARTNER"), person("STAFF"), person("ADMIN")]) {
      expect(author(a, false)).toBe(false);
      expect(author(a, true)).toBe(true);
      expect(author(a, false, a.kind === "user" ? a.id : null)).toBe(true);
    }
    expect(author(person("PARTNER"), false, null)).toBe(false);
    expect(can(ANONYMOUS, { do: "dialogue.viewAuthor", dialogue: ref("PRIVATE", null), post: { attributable: true, authorId: null } })).toBe(false);
  });

  it("member lists: facilitators and staff always, members only without Chatham House", () => {
    const members = (a: Actor, d: DialogueRef) => can(a, { do: "dialogue.viewMembers", dialogue: d });
    expect(members(person("PARTNER"), ref("SECRET", "MEMBER", true))).toBe(false);
    expect(members(person("PARTNER"), ref("SECRET", "MEMBER", false))).toBe(true);
    expect(members(person("PARTNER"), ref("SECRET", "FACILITATOR", true))).toBe(true);
    expect(members(person("STAFF"), ref("SECRET", null, true))).toBe(true);
    expect(members(person("PARTNER", "APPROVED"), ref("PRIVATE", null, false))).toBe(false);
    expect(can(person("PARTNER"), { do: "dialogue.manageMembers", dialogue: ref("SECRET", "MEMBER") })).toBe(false);
    expect(can(person("PARTNER"), { do: "dialogue.manageMembers", dialogue: ref("SECRET", "FACILITATOR") })).toBe(true);
    expect(can(person("PARTNER"), { do: "dialogue.update", dialogue: ref("SECRET", "FACILITATOR") })).toBe(false);
    expect(can(person("PARTNER"), { do: "dialogue.create" })).toBe(false);
    expect(can(person("STAFF"), { do: "dialogue.create" })).toBe(true);
  });

  it("sessions and document removal for facilitators and staff; uploads for members; uploaders never named under Chatham House", () => {
    const may = (a: Actor, what: "dialogue.manageSessions" | "dialogue.upload" | "dialogue.removeDocument" | "dialogue.viewUploader", d: DialogueRef) =>
      can(a, { do: what, dialogue: d });
    for (const what of ["dialogue.manageSessions", "dialogue.removeDocument"] as const) {
      expect(may(person("PARTNER"), what, ref("SECRET", "MEMBER"))).toBe(false);
      expect(may(person("PARTNER"), what, ref("SECRET", "FACILITATOR"))).toBe(true);
      expect(may(person("STAFF"), what, ref("SECRET", null))).toBe(true);
      expect(may(person("PARTNER", "APPROVED"), what, ref("PRIVATE", null))).toBe(false);
      expect(may(ANONYMOUS, what, ref("PRIVATE", null))).toBe(false);
    }
    expect(may(person("PARTNER"), "dialogue.upload", ref("SECRET", "MEMBER"))).toBe(true);
    expect(may(person("PARTNER", "APPROVED"), "dialogue.upload", ref("PRIVATE", null))).toBe(false);
    expect(may(person("PARTNER"), "dialogue.viewUploader", ref("SECRET", "MEMBER"))).toBe(true);
    for (const a of [person("PARTNER"), person("STAFF"), person("ADMIN")]) expect(may(a, "dialogue.viewUploader", ref("SECRET", "FACILITATOR", true))).toBe(false);
  });
});
