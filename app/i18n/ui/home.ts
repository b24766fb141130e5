import type { Catalog } from "../index.ts";

const en = {
  home_title: "Working together on gender and migration",
  home_intro:
    "GenMig Hub connects research institutions, governments, intergovernmental organisations, NGOs and the private sector with the lab's research team: closed dialogues, webinars, policy briefs and case studies, in English, French and Spanish.",
  home_register_cta: "Register your institution",
  home_register_body: "Applications are reviewed by the research team. Your focal point is told by email in your language.",
  home_directory_cta: "Browse the partner directory",
  home_signed_in: "Welcome back, {name}.",
};

export const home = {
  en,
  fr: {
    home_title: "Agir ensemble sur le genre et la migration",
    home_intro:
      "GenMig Hub relie les institutions de recherche, les gouvernements, les organisations intergouvernementales, les ONG et le secteur privé à l'équipe de recherche du laboratoire : dialogues fermés, webinaires, notes d'orientation et études de cas, en anglais, en français et en espagnol.",
    home_register_cta: "Inscrire votre institution",
    home_register_body: "Les demandes sont examinées par l'équipe de recherche. Votre point focal est informé par e-mail dans votre langue.",
    home_directory_cta: "Parcourir l'annuaire des partenaires",
    home_signed_in: "Bon retour, {name}.",
  },
  es: {
    home_title: "Trabajar juntos en género y migración",
    home_intro:
      "GenMig Hub conecta a instituciones de investigación, gobiernos, organizaciones intergubernamentales, ONG y el sector privado con el equipo de investigación del laboratorio: diálogos cerrados, seminarios web, notas de política y estudios de caso, en inglés, francés y español.",
    home_register_cta: "Registre su institución",
    home_register_body: "El equipo de investigación revisa las solicitudes. Su punto focal recibe la respuesta por correo en su idioma.",
    home_directory_cta: "Ver el directorio de socios",
    home_signed_in: "Bienvenido/a de nuevo, {name}.",
  },
} satisfies Catalog<typeof en>;
