import { prisma } from "../app/utils/db.server.ts";
import { seedInsights } from "./seed-insights.ts";
import { seedPublications } from "./seed-publications.ts";
import { env } from "../app/utils/env.server.ts";
import { scheduleWebinar } from "../app/services/webinars.server.ts";
import type { SignedInActor } from "../app/services/policy.server.ts";
import { addMember, focalPointOf, makePartner, makeUser } from "../tests/factories.ts";

const DEMO_PARTNERS = [
  { name: "Centre for Migration and Gender Studies", sector: "RESEARCH", country: "SN", language: "fr" },
  { name: "Universidad del Pacífico — Observatorio de Movilidad", sector: "RESEARCH", country: "CO", language: "es" },
  { name: "Ministry of Labour and Social Protection", sector: "GOVERNMENT", country: "KE", language: "en" },
  { name: "Secretaría de Igualdad y Movilidad Humana", sector: "GOVERNMENT", country: "EC", language: "es" },
  { name: "Regional Economic Commission Secretariat", sector: "IGO", country: "ET", language: "en" },
  { name: "Observatoire régional des migrations", sector: "IGO", country: "CI", language: "fr" },
  { name: "Women on the Move Network", sector: "NGO", country: "PH", language: "en" },
  { name: "Association Femmes et Frontières", sector: "NGO", country: "MA", language: "fr" },
  { name: "Remittance Inclusion Lab", sector: "PRIVATE", country: "MX", language: "es" },
  { name: "Diaspora Skills Exchange", sector: "OTHER", country: "DE", language: "en", status: "PENDING" },
] as const;

/** Demo data for a first `npm start`: runs only on an empty database so restarts never duplicate it. */
/** `announce` receives the how-to-sign-in text (the server writes it as a log line, the CLI prints it). */
export async function seedIfEmpty(announce?: (text: string) => void) {
  if ((await prisma().user.count()) > 0) return false;
  await seed(announce);
  return true;
}

export async function seed(announce: (text: string) => void = console.log) {
  const admin = await makeUser({ role: "ADMIN", email: "admin@example.org", name: "Amina Diallo" });
  await makeUser({ role: "STAFF", email: "research@example.org", name: "Lucía Fernández" });
  let first = true;
  for (const [i, p] of DEMO_PARTNERS.entries()) {
    const partner = await makePartner({
      ...p,
      focalPointEmail: i === 0 ? "focal@example.org" : `focal${i}@example.org`,
      focalPointName: i === 0 ? "Fatou Sow" : `Focal Point ${i}`,
      interests: ["labour migration", "gender-based violence", "remittances"].slice(0, 1 + (i % 3)),
      publicListing: i % 4 !== 3,
      status: "status" in p ? p.status : "APPROVED",
      decidedBy: admin,
    });
    if (first && partner.status === "APPROVED") {
      await addMember(partner.id, await focalPointOf(partner), "member@example.org");
      first = false;
    }
  }
  await seedWebinars(admin);
  await seedInsights(admin);
  await seedPublications(admin);
  const url = env().APP_URL;
  announce(
    [
      "Demo data created. Sign in without a password:",
      `  1. open ${url}/auth/sign-in and enter one of`,
      "     admin@example.org (admin) · research@example.org (research team) ·",
      "     focal@example.org (focal point) · member@example.org (partner member)",
      "  2. print the emailed link from another terminal: npm run cli -- mail:last --email admin@example.org",
      ...(env().SMTP_URL ? [] : [`     (the mailbox files are kept under ${env().DATA_DIR}/mail)`]),
    ].join("\n"),
  );
}

async function seedWebinars(staff: SignedInActor) {
  const day = 24 * 3600_000;
  const at = (days: number, hourUtc: number) => {
    const d = new Date(Date.now() + days * day);
    d.setUTCHours(hourUtc, 0, 0, 0);
    return d;
  };
  const upcoming = at(9, 13);
  await scheduleWebinar(staff, {
    translations: [
      { language: "en", title: "Care work across borders: findings from five corridors", description: "The lab presents new sex- and age-disaggregated evidence on migrant care workers, followed by questions." },
      { language: "fr", title: "Le travail de soin par-delà les frontières : résultats de cinq corridors", description: "Le laboratoire présente de nouvelles données ventilées par sexe et par âge sur les travailleuses et travailleurs migrants du soin, suivies de questions." },
      { language: "es", title: "Trabajo de cuidados más allá de las fronteras: hallazgos de cinco corredores", description: "El laboratorio presenta nueva evidencia desagregada por sexo y edad sobre personas migrantes en el trabajo de cuidados, seguida de preguntas." },
    ],
    startsAt: upcoming,
    endsAt: new Date(upcoming.getTime() + 90 * 60_000),
    timeZone: "Africa/Dakar",
    meetingUrl: "https://meet.example.org/genmig-care-work",
    capacity: 100,
    speakers: [
      { name: "Fatou Sow", affiliation: "Centre for Migration and Gender Studies", role: "SPEAKER", gender: "woman" },
      { name: "Lucía Fernández", affiliation: "GenMig research team", role: "SPEAKER", gender: "woman" },
      { name: "Amina Diallo", affiliation: "GenMig research team", role: "MODERATOR", gender: "prefer-not-to-say" },
    ],
  });
  const partnersOnly = at(16, 15);
  await scheduleWebinar(staff, {
    translations: [{ language: "en", title: "Partners' dialogue: remittances and financial inclusion", description: "A closed discussion for partner institutions." }],
    startsAt: partnersOnly,
    endsAt: new Date(partnersOnly.getTime() + 60 * 60_000),
    timeZone: "America/Bogota",
    meetingUrl: "https://meet.example.org/genmig-remittances",
    audience: "PARTNERS",
    requiresApproval: true,
  });
}
