import { describe, expect, it } from "vitest";
import { AppError } from "../app/services/errors.ts";
import {
  approvePartner,
  invitePartnerMember,
  listPartners,
  registerPartner,
  rejectPartner,
  removePartnerMember,
} from "../app/services/partners.server.ts";
import { ANONYMOUS } from "../app/services/policy.server.ts";
import { prisma } from "../app/utils/db.server.ts";
import { acceptInvitationFromMail, addMember, focalPointOf, makePartner, makeUser } from "./factories.ts";

const valid = {
  name: "Institut d'études migratoires",
  sector: "RESEARCH",
  country: "sn",
  website: "https://iem.example.org",
  focalPointName: "Awa Ndiaye",
  focalPointEmail: "Awa.Ndiaye@Example.org ",
  interests: ["labour migration", "labour migration", "care work"],
  language: "fr",
  publicListing: true,
  consent: true,
};

async function failure(promise: Promise<unknown>) {
  try {
    await promise;
  } catch (error) {
    if (error instanceof AppError) return error;
    throw error;
  }
  throw new Error("expected an AppError");
}

async function snapshot() {
  const [partners, users, outbox, audit] = await Promise.all([
    prisma().partner.count(),
    prisma().user.count(),
    prisma().outboxMessage.count(),
    prisma().auditEntry.count(),
  ]);
  return { partners, users, outbox, audit };
}

describe("partner registration", () => {
  it("lands as pending with a focal point, normalised fields and a confirmation email in their language", async () => {
    const partner = await registerPartner(ANONYMOUS, valid);
    expect(partner).toMatchObject({ status: "PENDING", country: "SN", focalPointEmail: "awa.ndiaye@example.org", language: "FR" });
    expect(partner.interests).toEqual(["labour migration", "care work"]);
    const membership = await prisma().membership.findFirstOrThrow({ where: { partnerId: partner.id }, include: { user: true } });
    expect(membership.role).toBe("FOCAL_POINT");
    expect(membership.user.language).toBe("FR");
    const mail = await prisma().outboxMessage.findFirstOrThrow({ where: { toAddress: "awa.ndiaye@example.org" } });
    expect(mail.text).toContain(valid.name);
  });

  it.each([
    ["invalid email", { focalPointEmail: "not-an-email" }, "focalPointEmail", "invalid_email"],
    ["unknown sector", { sector: "MILITARY" }, "sector", "invalid_sector"],
    ["unknown country", { country: "XX" }, "country", "invalid_country"],
    ["oversize name", { name: "x".repeat(201) }, "name", "too_long"],
    ["missing consent", { consent: false }, "consent", "consent_required"],
    ["bad website", { website: "javascript:alert(1)" }, "website", "invalid_url"],
    ["unknown language", { language: "de" }, "language", "invalid_language"],
  ])("rejects %s with a field message and changes nothing", async (_label, patch, field, key) => {
    const before = await snapshot();
    const error = await failure(registerPartner(ANONYMOUS, { ...valid, name: `Other ${field}`, ...patch }));
    expect(error.code).toBe("BAD_USER_INPUT");
    expect(error.fields?.[field]?.key).toBe(key);
    expect(await snapshot()).toEqual(before);
  });

  it("refuses a duplicate of a publicly listed partner (same name and country, any case)", async () => {
    await makePartner({ name: "Duplicate Watch", country: "KE", publicListing: true });
    const before = await snapshot();
    const error = await failure(registerPartner(ANONYMOUS, { ...valid, name: "duplicate watch", country: "ke" }));
    expect(error.code).toBe("CONFLICT");
    expect(await snapshot()).toEqual(before);
  });

  it("files a second application for a pending institution without saying so, and tells its focal point", async () => {
    const existing = await makePartner({ name: "Quiet Watch", country: "KE", status: "PENDING" });
    const second = await registerPartner(ANONYMOUS, { ...valid, name: "quiet watch", country: "ke" });
    expect(second).toMatchObject({ status: "PENDING" });
    expect(second.id).not.toBe(existing.id);
    const told = await prisma().outboxMessage.findUniqueOrThrow({ where: { key: `partner-duplicate:${second.id}:${existing.id}` } });
    expect(told.toAddress).toBe(existing.focalPointEmail);
    expect(told.text).not.toContain(valid.focalPointEmail);
  });
});

describe("review", () => {
  it("approval publishes the institution and emails the focal point; rejection needs a reason", async () => {
    const staff = await makeUser({ role: "STAFF" });
    const a = await makePartner({ status: "PENDING", language: "es", publicListing: true });
    const approved = await approvePartner(staff, a.id);
    expect(approved.status).toBe("APPROVED");
    expect((await listPartners(ANONYMOUS)).nodes.map((p) => p.id)).toContain(a.id);
    const mail = await prisma().outboxMessage.findUniqueOrThrow({ where: { key: `partner-approved:${a.id}` } });
    expect(mail.toAddress).toBe(a.focalPointEmail);

    const b = await makePartner({ status: "PENDING" });
    const before = await snapshot();
    expect((await failure(rejectPartner(staff, b.id, "   "))).fields?.reason?.key).toBe("reason_required");
    expect(await snapshot()).toEqual(before);
    const rejected = await rejectPartner(staff, b.id, "Outside the lab's mandate");
    expect(rejected).toMatchObject({ status: "REJECTED", rejectionReason: "Outside the lab's mandate" });
    expect((await failure(approvePartner(staff, b.id))).code).toBe("CONFLICT");
    const audit = await prisma().auditEntry.findMany({ where: { targetId: { in: [a.id, b.id] }, actorId: staff.id } });
    expect(audit.map((e) => e.action).sort()).toEqual(["partner.approved", "partner.rejected"]);
  });
});

describe("members", () => {
  it("a focal point invites and removes members of their own institution only", async () => {
    const partner = await makePartner();
    const other = await makePartner();
    const focal = await focalPointOf(partner);
    const invited = await invitePartnerMember(focal, partner.id, { email: "new.member@example.org", role: "MEMBER" });
    expect(invited.email).toBe("new.member@example.org");
    expect(await prisma().membership.count({ where: { partnerId: partner.id } })).toBe(1);
    const { accepted } = await acceptInvitationFromMail(invited.id);
    expect(await prisma().membership.count({ where: { partnerId: partner.id } })).toBe(2);
    expect((await failure(invitePartnerMember(focal, partner.id, { email: "new.member@example.org" }))).code).toBe("CONFLICT");
    expect((await failure(invitePartnerMember(focal, other.id, { email: "x@example.org" }))).code).toBe("FORBIDDEN");
    await removePartnerMember(focal, partner.id, accepted.userId);
    expect(await prisma().membership.count({ where: { partnerId: partner.id } })).toBe(1);
  });

  it("keeps at least one focal point", async () => {
    const partner = await makePartner();
    const focal = await focalPointOf(partner);
    const error = await failure(removePartnerMember(focal, partner.id, focal.id));
    expect(error.key).toBe("last_focal_point");
    const member = await addMember(partner.id, focal);
    expect((await failure(removePartnerMember(member, partner.id, focal.id))).code).toBe("FORBIDDEN");
  });

  it("a pending institution's focal point cannot invite yet", async () => {
    const partner = await makePartner({ status: "PENDING" });
    const focal = await focalPointOf(partner);
    expect((await failure(invitePartnerMember(focal, partner.id, { email: "early@example.org" }))).code).toBe("FORBIDDEN");
  });
});
