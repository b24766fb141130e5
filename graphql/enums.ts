import { builder } from "./builder.ts";

export const Sector = builder.enumType("Sector", { values: ["RESEARCH", "GOVERNMENT", "IGO", "NGO", "PRIVATE", "OTHER"] as const });
export const PartnerStatus = builder.enumType("PartnerStatus", { values: ["PENDING", "APPROVED", "REJECTED"] as const });
export const MemberRole = builder.enumType("MemberRole", { values: ["FOCAL_POINT", "MEMBER"] as const });
export const Role = builder.enumType("Role", { values: ["ADMIN", "STAFF", "PARTNER"] as const });
export const Language = builder.enumType("Language", { values: ["EN", "FR", "ES"] as const });
