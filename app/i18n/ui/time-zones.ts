import type { Catalog } from "../index.ts";

const en = {
  zone_utc: "Universal time",
  zone_africa: "Africa",
  zone_americas: "Americas",
  zone_asia: "Asia and the Middle East",
  zone_europe: "Europe",
  zone_pacific: "Oceania",
  zone_current: "Current choice",
};

export const timeZonesUi = {
  en,
  fr: {
    zone_utc: "Temps universel",
    zone_africa: "Afrique",
    zone_americas: "Amériques",
    zone_asia: "Asie et Moyen-Orient",
    zone_europe: "Europe",
    zone_pacific: "Océanie",
    zone_current: "Choix actuel",
  },
  es: {
    zone_utc: "Tiempo universal",
    zone_africa: "África",
    zone_americas: "Américas",
    zone_asia: "Asia y Oriente Medio",
    zone_europe: "Europa",
    zone_pacific: "Oceanía",
    zone_current: "Selección actual",
  },
} satisfies Catalog<typeof en>;
