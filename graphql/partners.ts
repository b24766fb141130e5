import {
  approvePartner,
  getPartner,
  invitePartnerMember,
  listMembers,
  listPartners,
  registerPartner,
  rejectPartner,
  removePartnerMember,
} from "../app/services/partners.server.ts";
import { can } from "../app/services/policy.server.ts";
import { builder } from "./builder.ts";
import { connection, nodeQuery, PAGE_RULES, counted } from "./connections.ts";
import { CountryCode, Language, MemberRole, PartnerStatus, Sector, toLangOrUndefined } from "./enums.ts";

const Membership = builder.prismaObject("Membership", {
  fields: (t) => ({
    id: t.exposeID("id"),
    role: t.expose("role", { type: MemberRole }),
    name: t.string({ resolve: (m) => withUser(m).user.name }),
    email: t.string({ resolve: (m) => withUser(m).user.email }),
    userId: t.exposeID("userId"),
    joinedAt: t.expose("createdAt", { type: "DateTime" }),
  }),
});

// Every service that returns memberships includes their user (name and email only).
const withUser = (m: object) => m as { user: { name: string; email: string } };

const Partner = builder.prismaObject("Partner", {
  fields: (t) => {
    /** Contact details are for the network (approved partners, own members, staff), never the public. */
    const contact = <K extends "website" | "focalPointName" | "focalPointEmail">(key: K) =>
      t.string({
        nullable: true,
        resolve: (p, _a, ctx) => (can(ctx.actor, { do: "partner.viewContacts", partner: p }) ? p[key] : null),
      });
    return {
      id: t.exposeID("id"),
      name: t.exposeString("name"),
      sector: t.expose("sector", { type: Sector }),
      country: t.expose("country", { type: CountryCode }),
      status: t.expose("status", { type: PartnerStatus }),
      website: contact("website"),
      focalPointName: contact("focalPointName"),
      focalPointEmail: contact("focalPointEmail"),
      interests: t.stringList({
        resolve: (p, _a, ctx) => (can(ctx.actor, { do: "partner.viewContacts", partner: p }) ? p.interests : []),
      }),
      language: t.expose("language", { type: Language }),
      publicListing: t.exposeBoolean("publicListing"),
      rejectionReason: t.string({
        nullable: true,
        resolve: (p, _a, ctx) => (can(ctx.actor, { do: "partner.viewMembers", partner: p }) ? p.rejectionReason : null),
      }),
      createdAt: t.expose("createdAt", { type: "DateTime" }),
      members: t.field({
        type: [Membership],
        description: "Visible to the institution's own people and to staff.",
        // Loaded with the partner (one query for a whole page of partners), then filtered by the policy.
        select: { members: { include: { user: { select: { id: true, name: true, email: true } } }, orderBy: [{ role: "asc" }, { createdAt: "asc" }] } },
        // A single partner from a mutation arrives without them: one query for that one partner.
        resolve: (p, _a, ctx) =>
          can(ctx.actor, { do: "partner.viewMembers", partner: p }) ? ((p as { members?: typeof p.members }).members ?? listMembers(ctx.actor, p)) : [],
      }),
    };
  },
});

const PartnerInvitation = builder
  .objectRef<{ id: string; email: string; role: "FOCAL_POINT" | "MEMBER"; createdAt: Date; expiresAt: Date }>("PartnerInvitation")
  .implement({
    description: "An invitation emailed to an address; the person becomes a member only when they accept it.",
    fields: (t) => ({
      id: t.exposeID("id"),
      email: t.exposeString("email"),
      role: t.expose("role", { type: MemberRole }),
      createdAt: t.expose("createdAt", { type: "DateTime" }),
      expiresAt: t.expose("expiresAt", { type: "DateTime" }),
    }),
  });

const PartnerRegistrationInput = builder.inputType("PartnerRegistrationInput", {
  fields: (t) => ({
    name: t.string({ required: true }),
    sector: t.field({ type: Sector, required: true }),
    country: t.field({ type: CountryCode, required: true }),
    website: t.string(),
    focalPointName: t.string({ required: true }),
    focalPointEmail: t.string({ required: true }),
    interests: t.stringList({ description: "Free tags, e.g. \"remittances\"." }),
    language: t.field({ type: Language, description: "Language of the emails the institution receives (default EN)." }),
    publicListing: t.boolean(),
    consent: t.boolean({ required: true, description: "Acceptance of the privacy notice; must be true." }),
  }),
});

const PartnerFilter = builder.inputType("PartnerFilter", {
  fields: (t) => ({
    status: t.field({ type: [PartnerStatus], description: "Staff only; everyone else sees approved institutions." }),
    sector: t.field({ type: [Sector] }),
    country: t.field({ type: CountryCode }),
    search: t.string({ description: "Part of the name, any case." }),
  }),
});

builder.queryFields((t) => ({
  partners: t.connection(
    {
      type: Partner,
      args: { filter: t.arg({ type: PartnerFilter }) },
      description: `Public: approved institutions that allow a public listing. Partners: the directory. Staff: every status. By name. ${PAGE_RULES}`,
      resolve: async (_r, { filter, ...page }, ctx, info) =>
        connection(await listPartners(ctx.actor, filter ?? {}, page, nodeQuery(ctx, info))),
    },
    ...counted("Partner"),
  ),
  partner: t.prismaField({
    type: "Partner",
    args: { id: t.arg.id({ required: true }) },
    resolve: (query, _r, args, ctx) => getPartner(ctx.actor, String(args.id), query),
  }),
}));

builder.mutationFields((t) => ({
  registerPartner: t.prismaField({
    type: "Partner",
    args: { input: t.arg({ type: PartnerRegistrationInput, required: true }) },
    resolve: (_q, _r, { input }, ctx) =>
      registerPartner(ctx.actor, {
        ...input,
        language: toLangOrUndefined(input.language),
        website: input.website ?? undefined,
        interests: input.interests ?? undefined,
        publicListing: input.publicListing ?? undefined,
      }, { ip: ctx.ip }),
  }),
  approvePartner: t.prismaField({
    type: "Partner",
    args: { id: t.arg.id({ required: true }) },
    resolve: (_q, _r, args, ctx) => approvePartner(ctx.actor, String(args.id)),
  }),
  rejectPartner: t.prismaField({
    type: "Partner",
    args: { id: t.arg.id({ required: true }), reason: t.arg.string({ required: true }) },
    resolve: (_q, _r, args, ctx) => rejectPartner(ctx.actor, String(args.id), args.reason),
  }),
  invitePartnerMember: t.field({
    type: PartnerInvitation,
    args: {
      partnerId: t.arg.id({ required: true }),
      email: t.arg.string({ required: true }),
      role: t.arg({ type: MemberRole, defaultValue: "MEMBER" }),
      name: t.arg.string(),
    },
    resolve: (_r, args, ctx) =>
      invitePartnerMember(ctx.actor, String(args.partnerId), { email: args.email, role: args.role ?? "MEMBER", name: args.name ?? undefined }),
  }),
  removePartnerMember: t.prismaField({
    type: "Membership",
    args: { partnerId: t.arg.id({ required: true }), userId: t.arg.id({ required: true }) },
    resolve: (_q, _r, args, ctx) => removePartnerMember(ctx.actor, String(args.partnerId), String(args.userId)),
  }),
}));
