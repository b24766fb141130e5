import { browserProof } from "../app/services/auth.server.ts";
import { sha256 } from "../app/services/crypto.server.ts";
import { acceptPartnerInvitation, approvePartner, invitePartnerMember, registerPartner, rejectPartner } from "../app/services/partners.server.ts";
import { ANONYMOUS, type SignedInActor } from "../app/services/policy.server.ts";
import { createUser, loadActor } from "../app/services/users.server.ts";
import type { SectorValue } from "../app/schemas/partner.ts";

let counter = 0;
const next = () => `${Date.now().toString(36)}${(counter++).toString(36)}`;

export async function actorOf(userId: string): Promise<SignedInActor> {
  const actor = await loadActor(userId);
  if (!actor) throw new Error(`no user ${userId}`);
  return actor;
}

export async function makeUser(opts: { role?: "ADMIN" | "STAFF" | "PARTNER"; email?: string; name?: string } = {}) {
  const user = await createUser({
    email: opts.email ?? `person-${next()}@example.org`,
    name: opts.name ?? "Test Person",
    role: opts.role ?? "PARTNER",
  });
  return actorOf(user.id);
}

export interface PartnerOptions {
  name?: string;
  sector?: SectorValue;
  country?: string;
  status?: "PENDING" | "APPROVED" | "REJECTED";
  focalPointEmail?: string;
  focalPointName?: string;
  language?: "en" | "fr" | "es";
  publicListing?: boolean;
  interests?: string[];
  website?: string;
  decidedBy?: SignedInActor;
}

/** Registers through the real use case, then decides it as staff when a status is asked for. */
export async function makePartner(opts: PartnerOptions = {}) {
  const partner = await registerPartner(ANONYMOUS, {
    name: opts.name ?? `Institute ${next()}`,
    sector: opts.sector ?? "RESEARCH",
    country: opts.country ?? "SN",
    website: opts.website,
    focalPointName: opts.focalPointName ?? "Focal Point",
    focalPointEmail: opts.focalPointEmail ?? `focal-${next()}@example.org`,
    interests: opts.interests ?? ["labour migration"],
    language: opts.language ?? "en",
    publicListing: opts.publicListing ?? true,
    consent: true,
  });
  const status = opts.status ?? "APPROVED";
  if (status === "PENDING") return partner;
  const staff = opts.decidedBy ?? (await makeUser({ role: "STAFF" }));
  return status === "APPROVED" ? approvePartner(staff, partner.id) : rejectPartner(staff, partner.id, "Out of scope");
}

export async function focalPointOf(partner: { focalPointEmail: string }) {
  const { prisma } = await import("../app/utils/db.server.ts");
  const user = await prisma().user.findUniqueOrThrow({ where: { email: partner.focalPointEmail } });
  return actorOf(user.id);
}

/** Invites through the real use case, then accepts with the link from the queued email, as the invitee would. */
export async function addMember(partnerId: string, by: SignedInActor, email = `member-${next()}@example.org`) {
  const invitation = await invitePartnerMember(by, partnerId, { email, role: "MEMBER" });
  const { accepted } = await acceptInvitationFromMail(invitation.id);
  return actorOf(accepted.userId);
}

export async function acceptInvitationFromMail(invitationId: string, browser = "factory-browser") {
  const { prisma } = await import("../app/utils/db.server.ts");
  const mail = await prisma().outboxMessage.findUniqueOrThrow({ where: { key: `member-invited:${invitationId}` } });
  const token = /\/invite\/([\w-]+)/.exec(mail.text)![1];
  const proof = browserProof("invitation", sha256(token), browser);
  const accepted = await acceptPartnerInvitation({ token, browser, proof, actor: ANONYMOUS });
  return { accepted, token, mail };
}
