import type { WebinarRegistration } from "../../generated/prisma/client.ts";
import { fromDbLanguage } from "../../i18n/index.ts";
import type { SectorValue } from "../../schemas/partner.ts";
import type { Client } from "../../utils/db.server.ts";
import { env } from "../../utils/env.server.ts";
import { canSeePublication, pickTranslation, publicationGate, visibilityWhere, type PublicationViewer } from "./audience.ts";

/** One line of a follow-up email: what it is for the webinar, its title in the reader's language, and links. */
export interface FollowUpMaterial {
  material: "RECORDING" | "SLIDES" | "FOLLOW_UP_BRIEF" | null;
  title: string;
  /** Set when the version shown is not in the reader's language: the one it is in (English, else another). */
  shownIn?: "en" | "fr" | "es";
  url: string;
  pdfUrl?: string;
}

const ORDER = ["RECORDING", "SLIDES", "FOLLOW_UP_BRIEF"];
type Recipient = Pick<WebinarRegistration, "id" | "email" | "userId" | "language">;

/**
 * Who each registrant is for the audience rule: the account the registration belongs to, else the account with
 * the same address (the mail goes to that mailbox anyway), else a member of the public. Loaded for all of them
 * in four queries, whatever their number.
 */
async function viewersOf(db: Client, regs: readonly Recipient[]): Promise<Map<string, PublicationViewer>> {
  const users = await db.user.findMany({
    where: { OR: [{ id: { in: regs.flatMap((r) => (r.userId ? [r.userId] : [])) } }, { email: { in: regs.map((r) => r.email.toLowerCase()) } }] },
    select: { id: true, email: true, role: true },
  });
  const ids = users.map((u) => u.id);
  const [memberships, dialogues] = await Promise.all([
    db.membership.findMany({ where: { userId: { in: ids }, partner: { status: "APPROVED" } }, select: { userId: true, partner: { select: { sector: true } } } }),
    db.dialogueMember.findMany({ where: { userId: { in: ids } }, select: { userId: true, dialogueId: true } }),
  ]);
  const byId = new Map(users.map((u) => [u.id, u]));
  const byEmail = new Map(users.map((u) => [u.email.toLowerCase(), u]));
  const out = new Map<string, PublicationViewer>();
  for (const reg of regs) {
    const user = (reg.userId ? byId.get(reg.userId) : undefined) ?? byEmail.get(reg.email.toLowerCase());
    if (!user) out.set(reg.id, { kind: "anonymous" });
    else if (user.role === "STAFF" || user.role === "ADMIN") out.set(reg.id, { kind: "staff" });
    else {
      const sectors = [...new Set(memberships.filter((m) => m.userId === user.id).map((m) => m.partner.sector as SectorValue))];
      out.set(reg.id, { kind: "partnerPerson", sectors, dialogueIds: dialogues.filter((d) => d.userId === user.id).map((d) => d.dialogueId) });
    }
  }
  return out;
}

/**
 * The recording, slides and follow-up brief of a webinar that each registrant may see — released items only
 * (never a draft or an embargoed one, not even for staff), filtered by the same audience rule as the pages —
 * each in the registrant's language, else English, else another version.
 */
export async function followUpMaterials(db: Client, webinarId: string, regs: readonly Recipient[], now = new Date()): Promise<Map<string, FollowUpMaterial[]>> {
  const out = new Map<string, FollowUpMaterial[]>();
  const items = await db.publication.findMany({
    where: { AND: [{ webinarId }, visibilityWhere({ kind: "staff" }, { now })] },
    include: { translations: true, dialogues: { select: { dialogueId: true } } },
    orderBy: [{ publishedAt: "asc" }, { id: "asc" }],
  });
  if (!items.length || !regs.length) return out;
  items.sort((a, b) => ORDER.indexOf(a.webinarMaterial ?? "") - ORDER.indexOf(b.webinarMaterial ?? ""));
  const viewers = await viewersOf(db, regs);
  const base = env().APP_URL;
  for (const reg of regs) {
    const lang = fromDbLanguage(reg.language) ?? "en";
    const viewer = viewers.get(reg.id) ?? { kind: "anonymous" };
    const lines: FollowUpMaterial[] = [];
    for (const p of items) {
      if (!canSeePublication(viewer, publicationGate(p), now)) continue;
      const picked = pickTranslation(p.translations, lang);
      if (!picked) continue;
      const shown = picked.translation.language.toLowerCase() as "en" | "fr" | "es";
      lines.push({
        material: p.webinarMaterial,
        title: picked.translation.title,
        shownIn: picked.fallback ? shown : undefined,
        url: `${base}/publications/${p.id}?lang=${shown}`,
        pdfUrl: picked.translation.pdfKey ? `${base}/publications/${p.id}/${shown}.pdf` : undefined,
      });
    }
    out.set(reg.id, lines);
  }
  return out;
}
