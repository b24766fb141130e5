import type { Prisma } from "../generated/prisma/client.ts";
import { toDbLanguage, type Lang } from "../i18n/index.ts";
import { prisma, type Client } from "../utils/db.server.ts";
import { authorize, type Actor } from "./policy.server.ts";
import { keysetPage } from "./pagination.server.ts";
import type { PageArgs } from "../schemas/page.ts";

export async function recordAudit(
  db: Client,
  actor: Actor,
  action: string,
  target: { type: string; id: string },
  data?: Prisma.InputJsonValue,
) {
  await db.auditEntry.create({
    data: { actorId: actor.kind === "user" ? actor.id : null, action, targetType: target.type, targetId: target.id, data },
  });
}

export interface AuditFilter {
  /** Exact action, e.g. `partner.approved`; a trailing dot matches a whole domain (`webinar.`). */
  action?: string | null;
  /** Who did it: their email address (case-insensitive). */
  actorEmail?: string | null;
  targetId?: string | null;
}

/** Newest first, one page at a time. */
export async function listAuditEntries(actor: Actor, filter: AuditFilter = {}, page?: PageArgs) {
  authorize(actor, { do: "audit.view" });
  const where: Prisma.AuditEntryWhereInput = {};
  const action = filter.action?.trim();
  if (action) where.action = action.endsWith(".") ? { startsWith: action } : action;
  const email = filter.actorEmail?.trim();
  if (email) where.actor = { email: email.toLowerCase() };
  if (filter.targetId?.trim()) where.targetId = filter.targetId.trim();
  const db = prisma();
  // Keyset-paged on (createdAt, id), newest first: the log only grows.
  return keysetPage(page, {
    field: "createdAt",
    keyOf: async (id) => (await db.auditEntry.findUnique({ where: { id }, select: { createdAt: true } }))?.createdAt ?? null,
    fetch: (q) =>
      db.auditEntry.findMany({
        where: { AND: [where, q.where] },
        orderBy: q.orderBy,
        take: q.take,
        include: { actor: { select: { id: true, name: true, email: true } } },
      }),
    count: () => db.auditEntry.count({ where }),
    defaultSize: 50,
  });
}

/** The actions recorded so far, for the audit page's filter: a skip scan of the action index, not of the log. */
export async function auditActions(actor: Actor) {
  authorize(actor, { do: "audit.view" });
  const rows = await prisma().$queryRaw<{ action: string }[]>`
    WITH RECURSIVE a AS (
      SELECT min("action") AS action FROM "AuditEntry"
      UNION ALL
      SELECT (SELECT min("action") FROM "AuditEntry" WHERE "action" > a.action) FROM a WHERE a.action IS NOT NULL
    )
    SELECT action FROM a WHERE action IS NOT NULL ORDER BY action`;
  return rows.map((r) => r.action);
}

type Entry = Awaited<ReturnType<typeof listAuditEntries>>["nodes"][number];
export interface ReadableEntry {
  id: string;
  at: Date;
  who: string | null;
  whoEmail: string | null;
  action: string;
  /** The object by name, with a link when it has a page. */
  target: { label: string; href: string | null; type: string };
  details: { key: string; value: string; href?: string }[];
}

/**
 * Audit entries as people read them: names instead of ids, for the objects and for ids inside the data, with
 * one query per kind of object for the whole page. Objects since deleted keep their type and a short id.
 */
export async function readableAuditEntries(actor: Actor, entries: Entry[], lang: Lang): Promise<ReadableEntry[]> {
  authorize(actor, { do: "audit.view" });
  const ids = (type: string) => [...new Set(entries.filter((e) => e.targetType === type).map((e) => e.targetId))];
  const dataIds = (key: string) => entries.map((e) => (e.data as Record<string, unknown> | null)?.[key]).filter((x): x is string => typeof x === "string");
  const db = prisma();
  const [partners, webinars, registrations, users] = await Promise.all([
    db.partner.findMany({ where: { id: { in: [...ids("Partner"), ...dataIds("possibleDuplicateOf")] } }, select: { id: true, name: true } }),
    db.webinar.findMany({ where: { id: { in: ids("Webinar") } }, select: { id: true, translations: true } }),
    db.webinarRegistration.findMany({ where: { id: { in: ids("WebinarRegistration") } }, select: { id: true, name: true, webinarId: true, webinar: { select: { translations: true } } } }),
    db.user.findMany({ where: { id: { in: [...ids("User"), ...dataIds("userId")] } }, select: { id: true, name: true, email: true } }),
  ]);
  const title = (ts: { language: string; title: string }[]) => (ts.find((t) => t.language === toDbLanguage(lang)) ?? ts.find((t) => t.language === "EN") ?? ts[0])?.title ?? "";
  const partner = new Map(partners.map((p) => [p.id, p.name]));
  const webinar = new Map(webinars.map((w) => [w.id, title(w.translations)]));
  const registration = new Map(registrations.map((r) => [r.id, { label: `${r.name} · ${title(r.webinar.translations)}`, webinarId: r.webinarId }]));
  const user = new Map(users.map((u) => [u.id, `${u.name} <${u.email}>`]));
  const target = (e: Entry): ReadableEntry["target"] => {
    const missing = { label: `${e.targetType} ${e.targetId.slice(0, 8)}…`, href: null, type: e.targetType };
    switch (e.targetType) {
      case "Partner":
        return partner.has(e.targetId) ? { label: partner.get(e.targetId)!, href: `/partners/${e.targetId}`, type: e.targetType } : missing;
      case "Webinar":
        return webinar.has(e.targetId) ? { label: webinar.get(e.targetId)!, href: `/webinars/${e.targetId}/manage`, type: e.targetType } : missing;
      case "WebinarRegistration": {
        const r = registration.get(e.targetId);
        return r ? { label: r.label, href: `/webinars/${r.webinarId}/manage`, type: e.targetType } : missing;
      }
      case "User":
        return user.has(e.targetId) ? { label: user.get(e.targetId)!, href: null, type: e.targetType } : missing;
      default:
        return { label: e.targetType, href: null, type: e.targetType };
    }
  };
  const details = (e: Entry) =>
    Object.entries((e.data as Record<string, unknown> | null) ?? {}).flatMap(([key, value]): ReadableEntry["details"] => {
      if (value === null || value === undefined || value === "") return [];
      if (key === "possibleDuplicateOf" && typeof value === "string") return [{ key, value: partner.get(value) ?? value, href: `/partners/${value}` }];
      if (key === "userId" && typeof value === "string") return [{ key, value: user.get(value) ?? value }];
      if (key === "name" && e.targetType === "Partner") return [];
      // Other ids mean nothing to a reader; the entry's object already says what it is about.
      if (/Id$/.test(key)) return [];
      return [{ key, value: Array.isArray(value) ? value.join(", ") : typeof value === "object" ? JSON.stringify(value) : String(value) }];
    });
  return entries.map((e) => ({
    id: e.id,
    at: e.createdAt,
    who: e.actor?.name ?? null,
    whoEmail: e.actor?.email ?? null,
    action: e.action,
    target: target(e),
    details: details(e),
  }));
}
