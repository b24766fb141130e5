import { beforeAll, describe, expect, it } from "vitest";
import { createApiToken } from "../app/services/api-tokens.server.ts";
import { prisma } from "../app/utils/db.server.ts";
import { addMember, focalPointOf, makePartner, makeUser } from "./factories.ts";
import { Client } from "./helpers/app.ts";
import { signInAs } from "./helpers/sign-in.ts";
import { makePublication } from "./sends/publication-fixtures.ts";

type Who = "anonymous" | "member" | "otherFocalPoint" | "staff" | "admin";
const WHO: Who[] = ["anonymous", "member", "otherFocalPoint", "staff", "admin"];

let clients: Record<Who, Client>;
let adminToken: string;
let partnerId: string;
const pendingIds: string[] = [];
let publicationId: string;

beforeAll(async () => {
  const partner = await makePartner({ name: "Target Institute", publicListing: false });
  partnerId = partner.id;
  const member = await addMember(partner.id, await focalPointOf(partner));
  const other = await makePartner({ name: "Other Institute" });
  const staff = await makeUser({ role: "STAFF" });
  const admin = await makeUser({ role: "ADMIN" });
  adminToken = (await createApiToken(admin, { name: "matrix" })).token;
  clients = {
    anonymous: new Client(),
    member: await signInAs(new Client(), member.email),
    otherFocalPoint: await signInAs(new Client(), other.focalPointEmail),
    staff: await signInAs(new Client(), staff.email),
    admin: new Client("203.0.113.9", { authorization: `Bearer ${adminToken}` }),
  };
  for (const _ of WHO) pendingIds.push((await makePartner({ status: "PENDING" })).id);
  publicationId = (await makePublication({ titles: { EN: "Matrix brief" } })).id;
});

const codeOf = (r: { errors?: { extensions?: { code?: string } }[] }) => r.errors?.[0]?.extensions?.code ?? "OK";

// Expected outcome of each operation for each kind of caller: OK or the typed error code.
const MATRIX: Record<string, Record<Who, string>> = {
  me: { anonymous: "OK", member: "OK", otherFocalPoint: "OK", staff: "OK", admin: "OK" },
  partners: { anonymous: "OK", member: "OK", otherFocalPoint: "OK", staff: "OK", admin: "OK" },
  partnerPrivate: { anonymous: "NOT_FOUND", member: "OK", otherFocalPoint: "OK", staff: "OK", admin: "OK" },
  registerPartner: { anonymous: "OK", member: "OK", otherFocalPoint: "OK", staff: "OK", admin: "OK" },
  approvePartner: { anonymous: "UNAUTHENTICATED", member: "FORBIDDEN", otherFocalPoint: "FORBIDDEN", staff: "OK", admin: "OK" },
  rejectPartner: { anonymous: "UNAUTHENTICATED", member: "FORBIDDEN", otherFocalPoint: "FORBIDDEN", staff: "OK", admin: "OK" },
  invitePartnerMember: { anonymous: "NOT_FOUND", member: "FORBIDDEN", otherFocalPoint: "FORBIDDEN", staff: "OK", admin: "OK" },
  removePartnerMember: { anonymous: "NOT_FOUND", member: "FORBIDDEN", otherFocalPoint: "FORBIDDEN", staff: "OK", admin: "OK" },
  requestSignInLink: { anonymous: "OK", member: "OK", otherFocalPoint: "OK", staff: "OK", admin: "OK" },
  auditEntries: { anonymous: "UNAUTHENTICATED", member: "FORBIDDEN", otherFocalPoint: "FORBIDDEN", staff: "FORBIDDEN", admin: "OK" },
  outboxMessages: { anonymous: "UNAUTHENTICATED", member: "FORBIDDEN", otherFocalPoint: "FORBIDDEN", staff: "FORBIDDEN", admin: "OK" },
  mailTracking: { anonymous: "UNAUTHENTICATED", member: "FORBIDDEN", otherFocalPoint: "FORBIDDEN", staff: "OK", admin: "OK" },
  setMailTracking: { anonymous: "UNAUTHENTICATED", member: "FORBIDDEN", otherFocalPoint: "FORBIDDEN", staff: "FORBIDDEN", admin: "OK" },
  sends: { anonymous: "UNAUTHENTICATED", member: "FORBIDDEN", otherFocalPoint: "FORBIDDEN", staff: "OK", admin: "OK" },
  distributePublication: { anonymous: "UNAUTHENTICATED", member: "FORBIDDEN", otherFocalPoint: "FORBIDDEN", staff: "OK", admin: "OK" },
  sendDistributionTest: { anonymous: "UNAUTHENTICATED", member: "FORBIDDEN", otherFocalPoint: "FORBIDDEN", staff: "OK", admin: "OK" },
  updatePublicationNotify: { anonymous: "UNAUTHENTICATED", member: "FORBIDDEN", otherFocalPoint: "FORBIDDEN", staff: "OK", admin: "OK" },
};

describe("authorization matrix over GraphQL", () => {
  it.each(WHO.map((who, i) => [who, i] as const))("%s", async (who, i) => {
    const c = clients[who];
    const outcome: Record<string, string> = {};
    outcome.me = codeOf(await c.graphql("{ me { id } }"));
    outcome.partners = codeOf(await c.graphql("{ partners { totalCount edges { node { id } } } }"));
    outcome.partnerPrivate = codeOf(await c.graphql("query($id: ID!) { partner(id: $id) { id name } }", { id: partnerId }));
    outcome.registerPartner = codeOf(
      await c.graphql(
        "mutation($input: PartnerRegistrationInput!) { registerPartner(input: $input) { id status } }",
        { input: { name: `Matrix ${who}`, sector: "NGO", country: "BR", focalPointName: "F", focalPointEmail: `fp-${who}@example.org`, consent: true } },
      ),
    );
    outcome.approvePartner = codeOf(await c.graphql("mutation($id: ID!) { approvePartner(id: $id) { status } }", { id: pendingIds[i] }));
    const rejectTarget = outcome.approvePartner === "OK" ? (await makePartner({ status: "PENDING" })).id : pendingIds[i];
    outcome.rejectPartner = codeOf(
      await c.graphql("mutation($id: ID!) { rejectPartner(id: $id, reason: \"Out of scope\") { status } }", { id: rejectTarget }),
    );
    const invited = await c.graphql(
      "mutation($p: ID!, $e: String!) { invitePartnerMember(partnerId: $p, email: $e, role: MEMBER) { id email } }",
      { p: partnerId, e: `invitee-${who}@example.org` },
    );
    outcome.invitePartnerMember = codeOf(invited);
    const victim = (await addMember(partnerId, await makeUser({ role: "STAFF" }))).id;
    outcome.removePartnerMember = codeOf(
      await c.graphql("mutation($p: ID!, $u: ID!) { removePartnerMember(partnerId: $p, userId: $u) { id } }", { p: partnerId, u: victim }),
    );
    outcome.requestSignInLink = codeOf(await c.graphql(`mutation { requestSignInLink(email: "nobody-${who}@example.org") { ok } }`));
    outcome.auditEntries = codeOf(await c.graphql("{ auditEntries(first: 5) { totalCount edges { node { action } } } }"));
    outcome.outboxMessages = codeOf(await c.graphql("{ outboxMessages(filter: { status: [PENDING, FAILED] }) { totalCount } }"));
    outcome.mailTracking = codeOf(await c.graphql("{ mailTracking }"));
    outcome.setMailTracking = codeOf(await c.graphql("mutation { setMailTracking(enabled: false) }"));
    outcome.sends = codeOf(await c.graphql("{ sends { id } }"));
    outcome.distributePublication = codeOf(
      await c.graphql("mutation($id: ID!) { distributePublication(id: $id, segment: { sectors: [OTHER] }, sendAgain: true) { id } }", { id: publicationId }),
    );
    outcome.sendDistributionTest = codeOf(await c.graphql("mutation($id: ID!) { sendDistributionTest(id: $id, language: EN) { id } }", { id: publicationId }));
    outcome.updatePublicationNotify = codeOf(
      await c.graphql("mutation($id: ID!) { updatePublication(id: $id, input: { notifyEarlierRecipients: true }) { id } }", { id: publicationId }),
    );
    const expected = Object.fromEntries(Object.entries(MATRIX).map(([op, row]) => [op, row[who]]));
    expect(outcome).toEqual(expected);
  });

  it("hides contact fields and members from the public but shows them to the network", async () => {
    const query = "query($id: ID!) { partner(id: $id) { name focalPointEmail website members { email } } }";
    const publicPartner = await makePartner({ name: "Open Institute", publicListing: true, website: "https://open.example.org" });
    const anon = await clients.anonymous.graphql<{ partner: { focalPointEmail: string | null; members: unknown[] } }>(query, { id: publicPartner.id });
    expect(anon.data?.partner).toMatchObject({ name: "Open Institute", focalPointEmail: null, website: null, members: [] });
    const other = await clients.otherFocalPoint.graphql<{ partner: { focalPointEmail: string | null; members: unknown[] } }>(query, { id: publicPartner.id });
    expect(other.data?.partner.focalPointEmail).toBe(publicPartner.focalPointEmail);
    expect(other.data?.partner.members).toEqual([]);
    const staff = await clients.staff.graphql<{ partner: { members: { email: string }[] } }>(query, { id: publicPartner.id });
    expect(staff.data?.partner.members.map((m) => m.email)).toEqual([publicPartner.focalPointEmail]);
  });

  it("a pending institution's focal point sees their own application and nothing of the directory", async () => {
    const pending = await makePartner({ status: "PENDING", publicListing: false });
    const fp = await signInAs(new Client(), pending.focalPointEmail);
    const own = await fp.graphql<{ partner: { status: string } }>("query($id: ID!) { partner(id: $id) { status } }", { id: pending.id });
    expect(own.data?.partner.status).toBe("PENDING");
    const privateOne = await fp.graphql("query($id: ID!) { partner(id: $id) { id } }", { id: partnerId });
    expect(codeOf(privateOne)).toBe("NOT_FOUND");
    const listed = await makePartner({ name: "Listed Institute", publicListing: true });
    const list = await fp.graphql<{ partners: { edges: { node: { id: string } }[] } }>("{ partners(first: 100) { edges { node { id } } } }");
    const visible = await prisma().partner.findMany({ where: { id: { in: list.data!.partners.edges.map((e) => e.node.id) } } });
    expect(visible.map((p) => p.id)).toContain(listed.id);
    expect(visible.every((p) => p.status === "APPROVED" && p.publicListing)).toBe(true);
  });
});
