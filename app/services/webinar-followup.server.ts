import { optionalMultiline } from "../schemas/fields.ts";
import { prisma, type Tx } from "../utils/db.server.ts";
import { recordAudit } from "./audit.server.ts";
import { AppError, notFound } from "./errors.ts";
import { authorize, type Actor } from "./policy.server.ts";
import { notify, remindRegistrants } from "./webinar-notices.server.ts";
import { followUpMaterials } from "./publications/webinar-materials.server.ts";
import { lockRow } from "../utils/row-lock.server.ts";

const HOUR = 3600_000;

/** Confirmed registrants read and queued per page: one short statement each, whatever the webinar's size. */
export const REMINDER_PAGE = 500;

/**
 * 24 h and 1 h reminders to confirmed registrants. Every worker's job loop runs this (ADR 0029). It works in keyset
 * pages of registrants: each page renders only the reminders not queued yet and writes them in one statement, so
 * no transaction grows with the webinar and a run cut short (a stop, a crash) is finished by the next one. The
 * outbox key (registration, kind, start time) makes each reminder exist once; a rescheduled webinar gets fresh ones.
 */
export async function queueWebinarReminders(now = new Date(), opts: { signal?: AbortSignal; pageSize?: number } = {}) {
  const pageSize = opts.pageSize ?? REMINDER_PAGE;
  const webinars = await prisma().webinar.findMany({
    where: { status: "SCHEDULED", startsAt: { gt: now, lte: new Date(now.getTime() + 24 * HOUR) } },
    include: { translations: true },
    orderBy: { startsAt: "asc" },
  });
  let queued = 0;
  for (const webinar of webinars) {
    const kind = webinar.startsAt.getTime() - now.getTime() <= HOUR ? "reminder_1h" : "reminder_24h";
    const stamp = webinar.startsAt.toISOString();
    let after: { createdAt: Date; id: string } | null = null;
    for (;;) {
      if (opts.signal?.aborted) return queued;
      const page: Awaited<ReturnType<typeof confirmedPage>> = await confirmedPage(webinar.id, after, pageSize);
      if (!page.length) break;
      after = page[page.length - 1];
      queued += await remindRegistrants(prisma(), webinar, page, kind, stamp);
      if (page.length < pageSize) break;
    }
  }
  return queued;
}

/** The next page of a webinar's confirmed registrants in (createdAt, id) order: the registrations index. */
function confirmedPage(webinarId: string, after: { createdAt: Date; id: string } | null, take: number) {
  return prisma().webinarRegistration.findMany({
    where: {
      webinarId,
      status: "CONFIRMED",
      ...(after ? { OR: [{ createdAt: { gt: after.createdAt } }, { createdAt: after.createdAt, id: { gt: after.id } }] } : {}),
    },
    orderBy: [{ createdAt: "asc" }, { id: "asc" }],
    select: { id: true, email: true, name: true, language: true, timeZone: true, createdAt: true },
    take,
  });
}

/** Attendance and follow-ups describe something that happened: nothing before the webinar starts. */
async function assertStarted(db: Pick<Tx, "webinar">, webinarId: string, now: Date) {
  const webinar = await db.webinar.findUnique({ where: { id: webinarId }, select: { startsAt: true } });
  if (!webinar) throw notFound();
  if (webinar.startsAt > now) throw new AppError("CONFLICT", "webinar_not_started");
}

export async function recordAttendance(actor: Actor, webinarId: string, entries: { registrationId: string; attended: boolean }[], now = new Date()) {
  authorize(actor, { do: "webinar.manage" });
  return prisma().$transaction(async (tx) => {
    await assertStarted(tx, webinarId, now);
    const regs = await tx.webinarRegistration.findMany({ where: { webinarId, id: { in: entries.map((e) => e.registrationId) } } });
    if (regs.length !== new Set(entries.map((e) => e.registrationId)).size) throw notFound();
    for (const e of entries) await tx.webinarRegistration.update({ where: { id: e.registrationId }, data: { attended: e.attended } });
    await recordAudit(tx, actor, "webinar.attendanceRecorded", { type: "Webinar", id: webinarId }, { count: entries.length });
    // The rows it changed, not the whole list: a webinar's registrations are read a page at a time.
    return tx.webinarRegistration.findMany({ where: { webinarId, id: { in: entries.map((e) => e.registrationId) } }, orderBy: [{ createdAt: "asc" }, { id: "asc" }] });
  });
}

/** Splits one CSV line, honouring double-quoted fields as meeting platforms export them. */
function csvFields(line: string) {
  const out: string[] = [];
  let cur = "";
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (quoted && ch === '"' && line[i + 1] === '"') {
      cur += '"';
      i++;
    } else if (ch === '"') quoted = !quoted;
    else if (ch === "," && !quoted) {
      out.push(cur);
      cur = "";
    } else cur += ch;
  }
  out.push(cur);
  return out.map((f) => f.trim());
}

/**
 * Attendance from a meeting platform's CSV: every confirmed registrant whose email appears attended, every
 * other confirmed registrant did not. Returns the emails that matched no registration.
 */
export async function importAttendanceCsv(actor: Actor, webinarId: string, csv: string) {
  authorize(actor, { do: "webinar.manage" });
  await assertStarted(prisma(), webinarId, new Date());
  const lines = csv.replace(/^\uFEFF/, "").split(/\r?\n/).filter((l) => l.trim());
  const header = csvFields(lines[0] ?? "").map((h) => h.toLowerCase());
  const column = header.findIndex((h) => /e-?mail/.test(h));
  if (column < 0) throw new AppError("BAD_USER_INPUT", "invalid_csv", { file: { key: "invalid_csv" } });
  const present = new Set(lines.slice(1).map((l) => csvFields(l)[column]?.toLowerCase()).filter(Boolean));
  const confirmed = await prisma().webinarRegistration.findMany({ where: { webinarId, status: "CONFIRMED" } });
  const known = new Set(confirmed.map((r) => r.email));
  await recordAttendance(actor, webinarId, confirmed.map((r) => ({ registrationId: r.id, attended: present.has(r.email) })));
  return { attended: confirmed.filter((r) => present.has(r.email)).length, noShows: confirmed.filter((r) => !present.has(r.email)).length, unmatched: [...present].filter((e) => !known.has(e!)) };
}

/**
 * A different message to those who attended and to the no-shows. Each mail also lists the webinar's released
 * recording, slides and follow-up brief that this registrant may see (the publications audience rule), in their
 * language. Each group gets its message once: a group already sent is refused, and so is a send that would reach
 * nobody.
 */
export async function sendWebinarFollowUp(actor: Actor, webinarId: string, messages: { attended?: string; noShow?: string }, now = new Date()) {
  authorize(actor, { do: "webinar.manage" });
  const texts = { attended: optionalMultiline("attendedMessage", messages.attended, 5000), noShow: optionalMultiline("noShowMessage", messages.noShow, 5000) };
  return prisma().$transaction(async (tx) => {
    await lockRow(tx, "Webinar", webinarId);
    const webinar = await tx.webinar.findUnique({ where: { id: webinarId }, include: { translations: true } });
    if (!webinar) throw notFound();
    await assertStarted(tx, webinarId, now);
    const earlier = await tx.auditEntry.findMany({ where: { action: "webinar.followUpSent", targetId: webinarId } });
    const done = new Set(earlier.flatMap((e) => ((e.data as { groups?: string[] } | null)?.groups ?? [])));
    const repeated = (["attended", "noShow"] as const).filter((g) => texts[g] && done.has(g));
    if (repeated.length) {
      const field = (g: string) => (g === "attended" ? "attendedMessage" : "noShowMessage");
      throw new AppError("CONFLICT", "followup_already_sent", Object.fromEntries(repeated.map((g) => [field(g), { key: "followup_already_sent" as const }])));
    }
    const regs = await tx.webinarRegistration.findMany({ where: { webinarId, status: "CONFIRMED", attended: { not: null } } });
    const materials = await followUpMaterials(tx, webinarId, regs.filter((r) => texts[r.attended ? "attended" : "noShow"]), now);
    let sent = 0;
    const groups = new Set<string>();
    for (const reg of regs) {
      const group = reg.attended ? "attended" : "noShow";
      const message = texts[group];
      if (!message) continue;
      await notify(tx, webinar, reg, reg.attended ? "followup" : "followup_noshow", webinar.id, { message, materials: materials.get(reg.id) });
      groups.add(group);
      sent += 1;
    }
    if (sent === 0) throw new AppError("CONFLICT", "no_recipients");
    await recordAudit(tx, actor, "webinar.followUpSent", { type: "Webinar", id: webinarId }, { sent, groups: [...groups] });
    return { sent };
  });
}
