import { prisma } from "../app/utils/db.server.ts";
import { env } from "../app/utils/env.server.ts";
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
export async function seedIfEmpty() {
  if ((await prisma().user.count()) > 0) return false;
  await seed();
  return true;
}

export async function seed() {
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
  const url = env().APP_URL;
  console.log(
    [
      "Demo data created. Sign in without a password:",
      `  1. open ${url}/auth/sign-in and enter one of`,
      "     admin@example.org (admin) · research@example.org (research team) ·",
      "     focal@example.org (focal point) · member@example.org (partner member)",
      `  2. the sign-in link is printed in this log and kept under ${env().DATA_DIR}/mail (admins: ${url}/admin/mail)`,
    ].join("\n"),
  );
}
