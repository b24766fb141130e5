import crypto from "node:crypto";
import type { Prisma, RegistrationStatus } from "../generated/prisma/client.ts";
import { fromDbLanguage, LANGUAGES, translator, type Lang } from "../i18n/index.ts";
import { optionalMultiline } from "../schemas/fields.ts";
import type { WebinarQuestion } from "../schemas/webinar.ts";
import { prisma } from "../utils/db.server.ts";
import { recordAudit } from "./audit.server.ts";
import { AppError, notFound } from "./errors.ts";
import { authorize, type Actor } from "./policy.server.ts";
import { listRegistrations, registrationCounts, type RegistrationFilter } from "./webinar-registrations.server.ts";
import { messageRecipients } from "./webinar-notices.server.ts";
import { csvCell } from "../utils/csv.ts";
import { lockWebinar } from "./webinars.server.ts";
import { questionLabel } from "./webinar-text.ts";
import { common } from "../i18n/ui/common.ts";
import type { PageArgs } from "../schemas/page.ts";

export const questionsOf = (w: { questions: Prisma.JsonValue | null }) => (w.questions as WebinarQuestion[] | null) ?? [];
/** The questions as a reader sees them: `language` differs from theirs when the wording falls back. */
export const questionsFor = (w: { questions: Prisma.JsonValue | null }, lang: Lang) => questionsOf(w).map((q) => ({ id: q.id, ...questionLabel(q, lang) }));

/** Seats against capacity for the Manage view: confirmed, waiting, pending approval, and who attended. */
export async function manageCounts(actor: Actor, webinarId: string) {
  authorize(actor, { do: "webinar.manage" });
  const [counts, attended] = await Promise.all([
    registrationCounts([webinarId]),
    prisma().webinarRegistration.count({ where: { webinarId, status: "CONFIRMED", attended: true } }),
  ]);
  return { ...counts.get(webinarId)!, attended };
}

export const pageOfRegistrations = (actor: Actor, webinarId: string, filter: RegistrationFilter, page: PageArgs) => listRegistrations(actor, webinarId, filter, page);

/** One registration of this webinar, for its confirmation page; null when it belongs elsewhere. */
export async function registrationOf(actor: Actor, webinarId: string, registrationId: string) {
  authorize(actor, { do: "webinar.manage" });
  return prisma().webinarRegistration.findFirst({ where: { id: registrationId, webinarId } });
}

/**
 * The registrations as CSV for the research team: contact and logistics fields and the answers to the
 * webinar's own questions (headed in the exporter's language). Nothing sensitive leaves: no denial messages, no links, no tokens.
 */
export async function registrationsCsv(actor: Actor, webinarId: string, filter: RegistrationFilter = {}, lang: Lang = "en") {
  authorize(actor, { do: "webinar.exportRegistrations" });
  const webinar = await prisma().webinar.findUnique({ where: { id: webinarId } });
  if (!webinar) throw notFound();
  const questions = questionsOf(webinar);
  // Question columns in the exporter's language; a wording that falls back says which language it is in.
  const inLang = translator(common, lang);
  const questionHeader = (q: WebinarQuestion) => {
    const { label, language } = questionLabel(q, lang);
    return language === lang ? label : `${label} (${inLang(`in_${language}`)})`;
  };
  const where: Prisma.WebinarRegistrationWhereInput = { webinarId };
  if (filter.status?.length) where.status = { in: [...filter.status] };
  const q = filter.search?.trim();
  if (q) where.OR = [{ name: { contains: q, mode: "insensitive" } }, { email: { contains: q, mode: "insensitive" } }];
  const rows = await prisma().webinarRegistration.findMany({ where, orderBy: [{ createdAt: "asc" }, { id: "asc" }] });
  const header = ["name", "email", "status", "registered_at", "institution", "country", "language", "time_zone", "captions", "sign_language", "interpretation", "attended", ...questions.map(questionHeader)];
  const lines = rows.map((r) => {
    const answers = (r.answers as Record<string, string> | null) ?? {};
    return [
      r.name,
      r.email,
      r.status,
      r.createdAt.toISOString(),
      r.institution ?? "",
      r.country ?? "",
      fromDbLanguage(r.language) ?? "en",
      r.timeZone,
      r.captions ? "yes" : "no",
      r.signLanguage ? "yes" : "no",
      r.interpretationLanguage ?? "",
      r.attended === null ? "" : r.attended ? "yes" : "no",
      ...questions.map((x) => answers[x.id] ?? ""),
    ];
  });
  return `\uFEFF${[header, ...lines].map((l) => l.map((v) => csvCell(String(v))).join(",")).join("\r\n")}\r\n`;
}

export const MESSAGE_GROUPS = ["CONFIRMED", "WAITLISTED"] as const;

/**
 * A message from the research team to confirmed and/or waitlisted registrants, written in one to three
 * languages; each person gets their own language's text, else English, else the first one written. Queued in the
 * outbox in one transaction and audited; refused when it would reach nobody.
 */
export async function messageRegistrants(actor: Actor, webinarId: string, input: { groups: string[]; messages: Partial<Record<Lang, string>> }) {
  authorize(actor, { do: "webinar.messageRegistrants" });
  const groups = MESSAGE_GROUPS.filter((g) => input.groups.includes(g));
  const texts: Partial<Record<Lang, string>> = {};
  for (const l of LANGUAGES) {
    const text = optionalMultiline(`message_${l}`, input.messages[l], 5000);
    if (text) texts[l] = text;
  }
  const fallback = texts.en ?? Object.values(texts)[0];
  if (!fallback) throw new AppError("BAD_USER_INPUT", "invalid_input", { message_en: { key: "message_required" } });
  if (!groups.length) throw new AppError("BAD_USER_INPUT", "invalid_input", { groups: { key: "required" } });
  return prisma().$transaction(async (tx) => {
    const webinar = await lockWebinar(tx, webinarId);
    if (webinar.status === "CANCELLED") throw new AppError("CONFLICT", "webinar_cancelled");
    const regs = await tx.webinarRegistration.findMany({ where: { webinarId, status: { in: [...groups] as RegistrationStatus[] } } });
    if (!regs.length) throw new AppError("CONFLICT", "no_recipients");
    const messageId = crypto.randomUUID();
    await messageRecipients(tx, webinar, regs, messageId, (r) => texts[fromDbLanguage(r.language) ?? "en"] ?? fallback);
    await recordAudit(tx, actor, "webinar.registrantsMessaged", { type: "Webinar", id: webinarId }, { recipients: regs.length, groups: [...groups], languages: Object.keys(texts) });
    return { sent: regs.length };
  });
}
