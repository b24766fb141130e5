import { requestSignInLink } from "../app/services/auth.server.ts";
import { builder } from "./builder.ts";
import { Language, MemberRole, PartnerStatus, Role } from "./enums.ts";

interface MeShape {
  id: string;
  email: string;
  name: string;
  role: "ADMIN" | "STAFF" | "PARTNER";
  language: string | null;
  memberships: { partnerId: string; role: "FOCAL_POINT" | "MEMBER"; partnerStatus: "PENDING" | "APPROVED" | "REJECTED" }[];
}

const MyMembership = builder.objectRef<MeShape["memberships"][number]>("MyMembership").implement({
  fields: (t) => ({
    partnerId: t.exposeID("partnerId"),
    role: t.expose("role", { type: MemberRole }),
    partnerStatus: t.expose("partnerStatus", { type: PartnerStatus }),
  }),
});

const Me = builder.objectRef<MeShape>("Me").implement({
  fields: (t) => ({
    id: t.exposeID("id"),
    email: t.exposeString("email"),
    name: t.exposeString("name"),
    role: t.expose("role", { type: Role }),
    language: t.field({ type: Language, nullable: true, resolve: (u) => u.language as "EN" | "FR" | "ES" | null }),
    memberships: t.field({ type: [MyMembership], resolve: (u) => u.memberships }),
  }),
});

const SignInLinkResult = builder.objectRef<{ ok: true }>("SignInLinkResult").implement({
  description: "Always ok for a valid address, known or not, so the answer reveals nothing.",
  fields: (t) => ({ ok: t.exposeBoolean("ok") }),
});

builder.queryFields((t) => ({
  me: t.field({
    type: Me,
    nullable: true,
    description: "The signed-in person (session cookie or API token), or null.",
    resolve: (_r, _a, ctx) => (ctx.actor.kind === "user" ? ctx.actor : null),
  }),
}));

builder.mutationFields((t) => ({
  requestSignInLink: t.field({
    type: SignInLinkResult,
    args: { email: t.arg.string({ required: true }) },
    resolve: (_r, args, ctx) => requestSignInLink({ email: args.email, ip: ctx.ip }),
  }),
}));
