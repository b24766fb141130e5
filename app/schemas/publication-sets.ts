import { REGIONS } from "./regions.ts";

export const PUBLICATION_TYPES = ["BRIEF", "CASE_STUDY", "RESEARCH_OUTPUT"] as const;
export type PublicationTypeValue = (typeof PUBLICATION_TYPES)[number];

/** The directory's continental regions, plus GLOBAL for work that covers the world. */
export const PUBLICATION_REGIONS = [...REGIONS, "GLOBAL"] as const;
export type PublicationRegion = (typeof PUBLICATION_REGIONS)[number];

export const PUBLICATION_AUDIENCES = ["PUBLIC", "PARTNERS", "SECTORS", "DIALOGUES"] as const;
export const PUBLICATION_STATUSES = ["DRAFT", "SCHEDULED", "PUBLISHED"] as const;
export const WEBINAR_MATERIALS = ["RECORDING", "SLIDES", "FOLLOW_UP_BRIEF"] as const;
export type WebinarMaterialValue = (typeof WEBINAR_MATERIALS)[number];
