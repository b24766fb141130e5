import type { Catalog } from "../index.ts";

const en = {
  cta: "Get the digest",
  cta_body: "New publications and upcoming webinars by email, weekly or monthly, in English, French or Spanish. No account needed.",
  cta_title: "The GenMig digest",
};

export const digestCta = {
  en,
  fr: {
    cta: "Recevoir le digest",
    cta_body: "Nouvelles publications et prochains webinaires par e-mail, chaque semaine ou chaque mois, en anglais, en français ou en espagnol. Sans compte.",
    cta_title: "Le digest GenMig",
  },
  es: {
    cta: "Recibir el boletín",
    cta_body: "Nuevas publicaciones y próximos seminarios web por correo, cada semana o cada mes, en inglés, francés o español. Sin cuenta.",
    cta_title: "El boletín de GenMig",
  },
} satisfies Catalog<typeof en>;
