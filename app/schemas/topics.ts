import type { Lang } from "../i18n/index.ts";

/**
 * The fixed topic list shared by publications and subscriptions (docs/decisions/0017-publications.md): a closed
 * set keeps facets, digests and GraphQL enums in step, and every label exists in EN/FR/ES.
 */
export const TOPICS = [
  "LABOUR_MIGRATION",
  "DISPLACEMENT",
  "CARE_WORK",
  "REMITTANCES",
  "TRAFFICKING",
  "CLIMATE_MOBILITY",
  "DATA_AND_STATISTICS",
  "POLICY_AND_GOVERNANCE",
] as const;
export type TopicValue = (typeof TOPICS)[number];

export const isTopic = (value: unknown): value is TopicValue => typeof value === "string" && (TOPICS as readonly string[]).includes(value);

export const TOPIC_LABELS: Record<Lang, Record<TopicValue, string>> = {
  en: {
    LABOUR_MIGRATION: "Labour migration",
    DISPLACEMENT: "Displacement",
    CARE_WORK: "Care work",
    REMITTANCES: "Remittances",
    TRAFFICKING: "Trafficking in persons",
    CLIMATE_MOBILITY: "Climate and mobility",
    DATA_AND_STATISTICS: "Data and statistics",
    POLICY_AND_GOVERNANCE: "Policy and governance",
  },
  fr: {
    LABOUR_MIGRATION: "Migration de main-d’œuvre",
    DISPLACEMENT: "Déplacements forcés",
    CARE_WORK: "Travail de soin",
    REMITTANCES: "Envois de fonds",
    TRAFFICKING: "Traite des personnes",
    CLIMATE_MOBILITY: "Climat et mobilité",
    DATA_AND_STATISTICS: "Données et statistiques",
    POLICY_AND_GOVERNANCE: "Politiques et gouvernance",
  },
  es: {
    LABOUR_MIGRATION: "Migración laboral",
    DISPLACEMENT: "Desplazamiento forzado",
    CARE_WORK: "Trabajo de cuidados",
    REMITTANCES: "Remesas",
    TRAFFICKING: "Trata de personas",
    CLIMATE_MOBILITY: "Clima y movilidad",
    DATA_AND_STATISTICS: "Datos y estadísticas",
    POLICY_AND_GOVERNANCE: "Políticas y gobernanza",
  },
};

export const topicLabel = (topic: TopicValue, lang: Lang) => TOPIC_LABELS[lang][topic];
