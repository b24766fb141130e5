import type { Catalog } from "../index.ts";

const en = {
  sector_filter: "Sector",
  region_filter: "Region",
  country_filter: "Country",
  any: "Any",
  clear_filters: "Clear filters",
  region_AFRICA: "Africa",
  region_AMERICAS: "Americas",
  region_ASIA: "Asia",
  region_EUROPE: "Europe",
  region_OCEANIA: "Oceania",
  results: "{count, plural, one {# institution} other {# institutions}}",
};

export const directoryUi = {
  en,
  fr: {
    sector_filter: "Secteur",
    region_filter: "Région",
    country_filter: "Pays",
    any: "Tous",
    clear_filters: "Effacer les filtres",
    region_AFRICA: "Afrique",
    region_AMERICAS: "Amériques",
    region_ASIA: "Asie",
    region_EUROPE: "Europe",
    region_OCEANIA: "Océanie",
    results: "{count, plural, one {# institution} other {# institutions}}",
  },
  es: {
    sector_filter: "Sector",
    region_filter: "Región",
    country_filter: "País",
    any: "Todos",
    clear_filters: "Quitar los filtros",
    region_AFRICA: "África",
    region_AMERICAS: "Américas",
    region_ASIA: "Asia",
    region_EUROPE: "Europa",
    region_OCEANIA: "Oceanía",
    results: "{count, plural, one {# institución} other {# instituciones}}",
  },
} satisfies Catalog<typeof en>;
