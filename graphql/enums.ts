import { COUNTRY_CODES } from "../app/schemas/countries.ts";
import { SPEAKER_GENDERS, type SpeakerGenderChoice } from "../app/schemas/gender.ts";
import { SECTORS } from "../app/schemas/partner.ts";
import { REGIONS } from "../app/schemas/regions.ts";
import { PUBLICATION_REGIONS } from "../app/schemas/publication-sets.ts";
import { TOPICS } from "../app/schemas/topics.ts";
import { REGISTRATION_STATUSES } from "../app/schemas/webinar.ts";
import type { Lang } from "../app/i18n/index.ts";
import { builder } from "./builder.ts";

// Closed sets are enums in inputs and outputs alike (docs/decisions/0008-graphql-conventions.md).
export const Sector = builder.enumType("Sector", { values: SECTORS });
export const PartnerStatus = builder.enumType("PartnerStatus", { values: ["PENDING", "APPROVED", "REJECTED"] as const });
export const MemberRole = builder.enumType("MemberRole", { values: ["FOCAL_POINT", "MEMBER"] as const });
export const Role = builder.enumType("Role", { values: ["ADMIN", "STAFF", "PARTNER"] as const });
export const Language = builder.enumType("Language", { values: ["EN", "FR", "ES"] as const });
export const Region = builder.enumType("Region", { description: "UN M49 continental region.", values: REGIONS });
export const CountryCode = builder.enumType("CountryCode", {
  description: "ISO 3166-1 alpha-2 country code (XK: Kosovo).",
  values: [...COUNTRY_CODES].sort() as [string, ...string[]],
});

export const WebinarStatus = builder.enumType("WebinarStatus", { values: ["SCHEDULED", "CANCELLED"] as const });
export const WebinarAudience = builder.enumType("WebinarAudience", { values: ["PUBLIC", "PARTNERS", "INVITED"] as const });
export const WebinarWhen = builder.enumType("WebinarWhen", {
  values: { UPCOMING: { value: "upcoming", description: "Not ended yet, soonest first." }, PAST: { value: "past", description: "Ended, most recent first." } } as const,
});
export const SpeakerRole = builder.enumType("SpeakerRole", { values: ["SPEAKER", "MODERATOR"] as const });
export const RegistrationStatus = builder.enumType("RegistrationStatus", {
  values: REGISTRATION_STATUSES,
});
export const OutboxStatus = builder.enumType("OutboxStatus", { values: ["PENDING", "SENDING", "SENT", "FAILED"] as const });

// The forms keep lower-case values; the API maps its enum names onto them here, once.
const genderValues = Object.fromEntries(
  SPEAKER_GENDERS.map((g) => [g.toUpperCase().replace(/-/g, "_"), { value: g }]),
) as Record<string, { value: SpeakerGenderChoice }>;
export const SpeakerGender = builder.enumType("SpeakerGender", {
  description: "As the person declares it; SELF_DESCRIBED comes with their own words in genderDescription.",
  values: genderValues,
});

export const toLang = (l: "EN" | "FR" | "ES"): Lang => l.toLowerCase() as Lang;
export const toLangOrUndefined = (l: "EN" | "FR" | "ES" | null | undefined): Lang | undefined => (l ? toLang(l) : undefined);

// Shared by publications and subscriptions: one fixed list (docs/decisions/0017-publications.md).
export const Topic = builder.enumType("Topic", { values: TOPICS });
export const PublicationRegion = builder.enumType("PublicationRegion", {
  description: "UN M49 continental regions, plus GLOBAL for work that covers the world.",
  values: PUBLICATION_REGIONS,
});
