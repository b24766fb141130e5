import { createDialogue } from "../app/services/dialogues/dialogues.server.ts";
import type { SignedInActor } from "../app/services/policy.server.ts";
import { setPublicationPdf } from "../app/services/publications/pdfs.server.ts";
import { createPublication, publishPublication } from "../app/services/publications/publications.server.ts";
import { prisma } from "../app/utils/db.server.ts";
import { minimalPdf } from "./demo-pdf.ts";

const DAY = 86400_000;
type Version = { language: "en" | "fr" | "es"; title: string; summary: string; body?: string };
interface Demo {
  type: "BRIEF" | "CASE_STUDY" | "RESEARCH_OUTPUT";
  authors: string;
  topics: string[];
  regions: string[];
  versions: Version[];
  /** Days from now: negative = released then, positive = embargoed until then. */
  publishedIn: number;
  audience?: "PUBLIC" | "PARTNERS" | "SECTORS" | "DIALOGUES";
  audienceSectors?: string[];
  series?: string;
  doi?: string;
  pdf?: "en" | "fr" | "es";
  material?: "RECORDING" | "SLIDES" | "FOLLOW_UP_BRIEF";
}

/** The lead paragraph of a version, then the same short structure in its language. */
const FINDINGS = {
  en: "## Key findings\n\n- Women make up a growing share of the corridor's workers.\n- Sex- and age-disaggregated data are still rare.\n\n## Recommendations\n\n1. Collect disaggregated data safely.\n2. Involve migrant women's organisations in policy design.",
  fr: "## Principaux résultats\n\n- Les femmes représentent une part croissante des travailleurs du corridor.\n- Les données ventilées par sexe et par âge restent rares.\n\n## Recommandations\n\n1. Collecter des données ventilées en toute sécurité.\n2. Associer les organisations de femmes migrantes à l'élaboration des politiques.",
  es: "## Hallazgos principales\n\n- Las mujeres son una parte creciente de quienes trabajan en el corredor.\n- Los datos desagregados por sexo y edad siguen siendo escasos.\n\n## Recomendaciones\n\n1. Recopilar datos desagregados de forma segura.\n2. Incluir a las organizaciones de mujeres migrantes en el diseño de políticas.",
};

const DEMOS: Demo[] = [
  // ── Policy briefs ──
  {
    type: "BRIEF", authors: "Fatou Sow, Lucía Fernández", topics: ["CARE_WORK", "LABOUR_MIGRATION"], regions: ["AFRICA", "EUROPE"], publishedIn: -40, series: "GenMig Policy Briefs", pdf: "en",
    versions: [
      { language: "en", title: "Care work across borders: what five corridors tell policy makers", summary: "Migrant care workers carry much of Europe's care economy; the protections they need are known.", body: "Care chains link households in Dakar, Madrid and Paris." },
      { language: "fr", title: "Le travail de soin par-delà les frontières : ce que cinq corridors disent aux décideurs", summary: "Les travailleuses migrantes du soin portent une grande part de l'économie du soin en Europe.", body: "Les chaînes du soin relient des foyers à Dakar, Madrid et Paris." },
      { language: "es", title: "Trabajo de cuidados más allá de las fronteras: lo que cinco corredores dicen a quienes deciden", summary: "Las personas migrantes en el trabajo de cuidados sostienen buena parte de la economía del cuidado en Europa.", body: "Las cadenas de cuidado unen hogares en Dakar, Madrid y París." },
    ],
  },
  {
    type: "BRIEF", authors: "GenMig research team", topics: ["REMITTANCES", "POLICY_AND_GOVERNANCE"], regions: ["AMERICAS"], publishedIn: -25, audience: "PARTNERS",
    versions: [
      { language: "en", title: "Partners' brief: lowering the cost of women's remittances", summary: "For partner institutions: options discussed with central banks in the region.", body: "Fees weigh most on the small, frequent transfers women send." },
      { language: "es", title: "Nota para socios: reducir el costo de las remesas de las mujeres", summary: "Para instituciones socias: opciones discutidas con bancos centrales de la región.", body: "Las comisiones pesan más sobre los envíos pequeños y frecuentes de las mujeres." },
    ],
  },
  {
    type: "BRIEF", authors: "GenMig research team", topics: ["TRAFFICKING", "POLICY_AND_GOVERNANCE"], regions: ["AFRICA"], publishedIn: -12, audience: "SECTORS", audienceSectors: ["GOVERNMENT", "IGO"],
    versions: [
      { language: "en", title: "For ministries and IGOs: screening for trafficking at labour recruitment", summary: "A checklist for labour ministries and regional bodies.", body: "Recruitment fees are the first warning sign." },
      { language: "fr", title: "Pour les ministères et les OIG : repérer la traite au recrutement", summary: "Une liste de contrôle pour les ministères du travail et les organismes régionaux.", body: "Les frais de recrutement sont le premier signal d'alerte." },
    ],
  },
  {
    type: "BRIEF", authors: "GenMig research team", topics: ["CLIMATE_MOBILITY"], regions: ["GLOBAL"], publishedIn: 5,
    versions: [
      { language: "en", title: "Embargoed: climate mobility and gender — the 2027 outlook", summary: "Released to everyone at once when the embargo lifts.", body: "Slow-onset events move women and men differently." },
      { language: "fr", title: "Sous embargo : mobilité climatique et genre — perspectives 2027", summary: "Publié pour tout le monde au même moment à la levée de l'embargo.", body: "Les événements à évolution lente déplacent différemment les femmes et les hommes." },
      { language: "es", title: "Bajo embargo: movilidad climática y género — perspectivas 2027", summary: "Se publica para todo el mundo a la vez cuando se levanta el embargo.", body: "Los eventos de evolución lenta desplazan de forma distinta a mujeres y hombres." },
    ],
  },
  {
    type: "BRIEF", authors: "Amina Diallo, Lucía Fernández", topics: ["CARE_WORK"], regions: ["GLOBAL"], publishedIn: -1, material: "FOLLOW_UP_BRIEF",
    versions: [
      { language: "en", title: "Follow-up brief: who cares across borders", summary: "What speakers and participants said in the last Care economies webinar, and what comes next.", body: "Participants asked for corridor-level data." },
      { language: "fr", title: "Note de suivi : qui prend soin par-delà les frontières", summary: "Ce qu'ont dit les intervenantes et les participants au dernier webinaire Économies du soin.", body: "Les participants ont demandé des données par corridor." },
      { language: "es", title: "Nota de seguimiento: quién cuida a través de las fronteras", summary: "Lo que dijeron ponentes y participantes en el último seminario Economías del cuidado.", body: "Las personas participantes pidieron datos por corredor." },
    ],
  },
  // ── Case studies ──
  {
    type: "CASE_STUDY", authors: "Observatoire régional des migrations", topics: ["LABOUR_MIGRATION", "DATA_AND_STATISTICS"], regions: ["AFRICA"], publishedIn: -60,
    versions: [
      { language: "fr", title: "Étude de cas : les marchés transfrontaliers d'Abidjan", summary: "Commerçantes et transporteurs entre Côte d'Ivoire et Burkina Faso.", body: "Les commerçantes traversent la frontière chaque semaine." },
      { language: "en", title: "Case study: Abidjan's cross-border markets", summary: "Women traders and carriers between Côte d'Ivoire and Burkina Faso.", body: "Women traders cross the border every week." },
    ],
  },
  {
    type: "CASE_STUDY", authors: "Women on the Move Network", topics: ["CARE_WORK", "TRAFFICKING"], regions: ["ASIA"], publishedIn: -33,
    versions: [{ language: "en", title: "Case study: domestic workers' hotlines in Manila", summary: "How a peer hotline reached domestic workers abroad (English only).", body: "Calls doubled after the hotline moved to messaging apps." }],
  },
  {
    type: "CASE_STUDY", authors: "Secretaría de Igualdad y Movilidad Humana", topics: ["DISPLACEMENT"], regions: ["AMERICAS"], publishedIn: -18, audience: "PARTNERS",
    versions: [
      { language: "es", title: "Estudio de caso: acogida de mujeres desplazadas en Quito", summary: "Lecciones de un programa municipal de acogida.", body: "La acogida funcionó mejor cuando incluyó cuidado infantil." },
      { language: "en", title: "Case study: receiving displaced women in Quito", summary: "Lessons from a municipal reception programme.", body: "Reception worked best when it included childcare." },
    ],
  },
  {
    type: "CASE_STUDY", authors: "GenMig research team", topics: ["POLICY_AND_GOVERNANCE"], regions: ["EUROPE", "AFRICA"], publishedIn: -8, audience: "DIALOGUES",
    versions: [{ language: "en", title: "Case study for the dialogue: bilateral labour agreements in practice", summary: "Prepared for the members of the corridor dialogue.", body: "Three agreements, three ways of counting women." }],
  },
  {
    type: "CASE_STUDY", authors: "Remittance Inclusion Lab", topics: ["REMITTANCES"], regions: ["AMERICAS"], publishedIn: -3,
    versions: [
      { language: "en", title: "Case study: mobile wallets for remittances in Oaxaca", summary: "Adoption by women receiving remittances in rural Mexico.", body: "Women adopted wallets when agents were women too." },
      { language: "es", title: "Estudio de caso: billeteras móviles para remesas en Oaxaca", summary: "Adopción por mujeres que reciben remesas en el México rural.", body: "Las mujeres adoptaron las billeteras cuando las agentes también eran mujeres." },
      { language: "fr", title: "Étude de cas : portefeuilles mobiles pour les transferts à Oaxaca", summary: "Adoption par les femmes qui reçoivent des transferts au Mexique rural.", body: "Les femmes ont adopté les portefeuilles quand les agentes étaient aussi des femmes." },
    ],
  },
  // ── Research outputs ──
  {
    type: "RESEARCH_OUTPUT", authors: "Centre for Migration and Gender Studies", topics: ["DATA_AND_STATISTICS", "LABOUR_MIGRATION"], regions: ["GLOBAL"], publishedIn: -90, doi: "10.5281/zenodo.1234567",
    versions: [
      { language: "en", title: "Dataset: sex- and age-disaggregated labour migration flows, 2015–2025", summary: "Harmonised flows for 40 corridors, with the method note.", body: "Small cells are suppressed." },
      { language: "fr", title: "Jeu de données : flux de migration de travail ventilés par sexe et âge, 2015–2025", summary: "Flux harmonisés pour 40 corridors, avec la note méthodologique.", body: "Les petites cellules sont masquées." },
    ],
  },
  {
    type: "RESEARCH_OUTPUT", authors: "Universidad del Pacífico", topics: ["CLIMATE_MOBILITY", "DISPLACEMENT"], regions: ["AMERICAS"], publishedIn: -50,
    versions: [
      { language: "es", title: "Documento de trabajo: sequía y migración en el Corredor Seco", summary: "Quién se va y quién se queda cuando falla la cosecha.", body: "Los hombres jóvenes migran primero; las mujeres sostienen la finca." },
      { language: "en", title: "Working paper: drought and migration in the Dry Corridor", summary: "Who leaves and who stays when harvests fail.", body: "Young men leave first; women keep the farm going." },
      { language: "fr", title: "Document de travail : sécheresse et migration dans le Couloir sec", summary: "Qui part et qui reste quand les récoltes échouent.", body: "Les jeunes hommes partent d'abord ; les femmes maintiennent l'exploitation." },
    ],
  },
  {
    type: "RESEARCH_OUTPUT", authors: "Lucía Fernández", topics: ["CARE_WORK"], regions: ["GLOBAL"], publishedIn: -1, material: "RECORDING",
    versions: [{ language: "en", title: "Recording: Care economies — who cares across borders", summary: "The full recording with captions.", body: "Watch the recording: https://video.example.org/care-economies-4" }],
  },
  {
    type: "RESEARCH_OUTPUT", authors: "Speakers of the Care economies series", topics: ["CARE_WORK", "DATA_AND_STATISTICS"], regions: ["GLOBAL"], publishedIn: -1, material: "SLIDES",
    versions: [
      { language: "en", title: "Slides: Care economies — who cares across borders", summary: "The speakers' slides.", body: "The slides are attached as a PDF." },
      { language: "fr", title: "Présentation : Économies du soin — qui prend soin par-delà les frontières", summary: "Les diapositives des intervenantes.", body: "Les diapositives sont jointes en PDF." },
    ],
    pdf: "en",
  },
  {
    type: "RESEARCH_OUTPUT", authors: "GenMig research team", topics: ["TRAFFICKING", "DATA_AND_STATISTICS"], regions: ["EUROPE"], publishedIn: -20, audience: "SECTORS", audienceSectors: ["GOVERNMENT", "IGO"],
    versions: [{ language: "en", title: "Technical report: counting trafficking victims without double counting", summary: "A method note for statistical offices and IGOs.", body: "Record linkage halves the over-count." }],
  },
];

/**
 * Demo publications: every type, EN/FR/ES versions (some English only, to show the fallback), every audience,
 * one under embargo, a real PDF, and the recording, slides and follow-up brief of the last held demo webinar.
 */
export async function seedPublications(admin: SignedInActor) {
  const now = Date.now();
  const dialogue = await createDialogue(admin, {
    visibility: "SECRET",
    chathamHouse: true,
    translations: [{ language: "en", title: "Corridor dialogue: labour agreements", description: "Closed talks between ministries, IGOs and researchers." }],
  });
  // The latest held webinar of the demo series (seedInsights): its materials come out the day after.
  const held = await prisma().webinar.findFirst({ where: { endsAt: { lt: new Date(now) } }, orderBy: { startsAt: "desc" }, select: { id: true } });
  for (const d of DEMOS) {
    const p = await createPublication(admin, {
      type: d.type,
      series: d.series,
      authors: d.authors,
      topics: d.topics,
      regions: d.regions,
      doi: d.doi,
      audience: d.audience ?? "PUBLIC",
      audienceSectors: d.audienceSectors ?? [],
      dialogueIds: d.audience === "DIALOGUES" ? [dialogue.id] : [],
      webinarId: d.material && held ? held.id : undefined,
      webinarMaterial: d.material && held ? d.material : undefined,
      translations: d.versions.map((v) => ({ ...v, body: d.material ? v.body : `${v.body}\n\n${FINDINGS[v.language]}` })),
    });
    if (d.pdf) {
      const v = d.versions.find((x) => x.language === d.pdf)!;
      const pdf = minimalPdf(v.title, [v.summary, "", `${d.authors} - GenMig Hub`, "Licence: CC BY 4.0"]);
      await setPublicationPdf(admin, p.id, d.pdf, new File([Buffer.from(pdf)], "publication.pdf", { type: "application/pdf" }));
    }
    if (d.publishedIn > 0) await publishPublication(admin, p.id, { at: new Date(now + d.publishedIn * DAY).toISOString() });
    else await publishPublication(admin, p.id, {}, new Date(now + d.publishedIn * DAY));
  }
}
