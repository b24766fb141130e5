import { sendRequestMessage, sendRequestStatus } from "../../../emails/senders.ts";
import type { Prisma } from "../../generated/prisma/client.ts";
import { fromDbLanguage, toDbLanguage, type Lang } from "../../i18n/index.ts";
import type { PageArgs } from "../../schemas/page.ts";
import {
  eventSupportSchema,
  fieldConnectionSchema,
  requestFilterSchema,
  requestUpdateSchema,
  TRANSITIONS,
  type RequestFilter,
} from "../../schemas/support-request.ts";
import { regionOf } from "../../schemas/regions.ts";
import { parseInput } from "../../schemas/validate.ts";
import { prisma, type Tx } from "../../utils/db.server.ts";
import { env } from "../../utils/env.server.ts";
import { recordAudit } from "../audit.server.ts";
import { AppError, notFound } from "../errors.ts";
import { keysetPage } from "../pagination.server.ts";
import { authorize, can, isStaff, requireUser, type Actor, type SignedInActor } from "../policy.server.ts";
import { enforce, LIMITS, type Requester } from "../rate-limit.server.ts";
import { requestInclude, requestLabel, visibleRequest, visibleWhere, type SupportRequestView } from "./access.server.ts";
import { lockRow } from "../../utils/row-lock.server.ts";

export interface CreateOptions extends Requester {
  /** The language the person asks in (the page's, or the API input's); else their profile's, else English. */
  language?: Lang;
}

/** The institution a request is for: the one named, else the person's only approved one. */
function institutionFor(actor: SignedInActor, partnerId: string | undefined): string {
  const approved = actor.memberships.filter((m) => m.partnerStatus === "APPROVED");
  const chosen = partnerId ?? (approved.length === 1 ? approved[0].partnerId : undefined);
  if (!chosen) {
    if (!approved.length) throw new AppError("FORBIDDEN", "forbidden");
    throw new AppError("BAD_USER_INPUT", "invalid_input", { partnerId: { key: "partner_required" } });
  }
  authorize(actor, { do: "supportRequest.create", partnerId: chosen });
  return chosen;
}

type RequestData = Omit<Prisma.SupportRequestUncheckedCreateInput, "partnerId" | "requesterId" | "language">;

async function createRequest(actor: Actor, partnerId: string | undefined, opts: CreateOptions, build: (institution: { country: string }) => RequestData) {
  const user = requireUser(actor);
  const chosen = institutionFor(user, partnerId);
  // After validation, so correcting a form does not use up the allowance; a refused attempt still counts.
  await enforce(`support-request:user:${user.id}`, LIMITS.supportRequest.perUser);
  await enforce(`support-request:partner:${chosen}`, LIMITS.supportRequest.perInstitution);
  await enforce("support-request:global", LIMITS.supportRequest.global);
  const language = toDbLanguage(opts.language ?? fromDbLanguage(user.language) ?? "en");
  return prisma().$transaction(async (tx) => {
    const institution = await tx.partner.findUniqueOrThrow({ where: { id: chosen }, select: { country: true } });
    const created = await tx.supportRequest.create({
      data: { ...build(institution), partnerId: chosen, requesterId: user.id, language, history: { create: { actorId: user.id, toStatus: "NEW" } } },
      include: requestInclude,
    });
    await recordAudit(tx, actor, "supportRequest.created", { type: "SupportRequest", id: created.id }, { type: created.type });
    return created;
  });
}

/** A partner asks the research team to support or co-organise an event. */
export async function requestEventSupport(actor: Actor, input: unknown, opts: CreateOptions = {}): Promise<SupportRequestView> {
  requireUser(actor);
  const d = parseInput(eventSupportSchema, input);
  return createRequest(actor, d.partnerId, opts, (institution) => ({
    type: "EVENT_SUPPORT",
    title: d.title,
    purpose: d.purpose,
    startsOn: d.startsOn,
    endsOn: d.endsOn ?? null,
    audience: d.audience,
    languages: d.languages.map(toDbLanguage),
    supportKinds: d.supportKinds,
    // An event has no place of its own here: it counts in its institution's region.
    region: regionOf(institution.country) ?? null,
  }));
}

/** A partner asks to be connected with the organisation's field operations in a country or region. */
export async function requestFieldConnection(actor: Actor, input: unknown, opts: CreateOptions = {}): Promise<SupportRequestView> {
  requireUser(actor);
  const d = parseInput(fieldConnectionSchema, input);
  return createRequest(actor, d.partnerId, opts, () => ({
    type: "FIELD_CONNECTION",
    topic: d.topic,
    country: d.country ?? null,
    region: d.region ?? null,
    needs: d.needs,
  }));
}

export const getSupportRequest = (actor: Actor, id: string) => visibleRequest(actor, id);

/** Staff see the whole queue; a partner person their institutions' requests. Newest first. */
export async function listSupportRequests(actor: Actor, filter: RequestFilter = {}, page?: PageArgs) {
  const user = requireUser(actor);
  const f = parseInput(requestFilterSchema, filter);
  const where: Prisma.SupportRequestWhereInput = {
    AND: [
      visibleWhere(user),
      f.mine ? { partnerId: { in: user.memberships.map((m) => m.partnerId) } } : {},
      f.status?.length ? { status: { in: f.status } } : {},
      f.type?.length ? { type: { in: f.type } } : {},
      f.region?.length ? { region: { in: f.region } } : {},
      // Filtering by assignee is a staff tool: others would learn who works a request.
      isStaff(user) && f.assigneeId ? { assigneeId: f.assigneeId } : {},
      isStaff(user) && f.unassigned ? { assigneeId: null } : {},
    ],
  };
  return keysetPage(page, {
    field: "createdAt",
    dir: "desc",
    idDir: "asc",
    keyOf: async (id) => (await prisma().supportRequest.findUnique({ where: { id }, select: { createdAt: true } }))?.createdAt ?? null,
    fetch: (q) => prisma().supportRequest.findMany({ where: { AND: [where, q.where] }, include: requestInclude, orderBy: q.orderBy, take: q.take }),
    count: () => prisma().supportRequest.count({ where }),
  });
}

/** The research team, for the assignee choice. */
export async function listAssignableStaff(actor: Actor) {
  authorize(actor, { do: "supportRequest.manage" });
  return prisma().user.findMany({ where: { role: { in: ["STAFF", "ADMIN"] } }, select: { id: true, name: true }, orderBy: [{ name: "asc" }, { id: "asc" }] });
}

const requestUrl = (id: string) => new URL(`/requests/${id}`, env().APP_URL).toString();

/** Locks the row, so two staff members changing the same request see each other's change. */
async function lockRequest(tx: Tx, id: string) {
  await lockRow(tx, "SupportRequest", id);
  return tx.supportRequest.findUnique({ where: { id }, include: requestInclude });
}

/**
 * Staff move a request (with a reason, mailed to the requester), assign it, add a staff note and/or write to the
 * requester, in one step that changes everything or nothing. Others: NOT_FOUND for another institution's request,
 * FORBIDDEN for their own.
 */
export async function updateSupportRequest(actor: Actor, id: string, input: unknown): Promise<SupportRequestView> {
  const user = requireUser(actor);
  await visibleRequest(user, id);
  authorize(user, { do: "supportRequest.manage" });
  const d = parseInput(requestUpdateSchema, input);
  return prisma().$transaction(async (tx) => {
    const current = await lockRequest(tx, id);
    if (!current) throw notFound();
    const lang: Lang = fromDbLanguage(current.language) ?? "en";
    const to = current.requester?.email;
    const data: Prisma.SupportRequestUncheckedUpdateInput = {};
    const changed: string[] = [];
    if (d.assigneeId !== undefined && d.assigneeId !== current.assigneeId) {
      if (d.assigneeId !== null) {
        const staff = await tx.user.findFirst({ where: { id: d.assigneeId, role: { in: ["STAFF", "ADMIN"] } }, select: { id: true } });
        if (!staff) throw new AppError("BAD_USER_INPUT", "invalid_input", { assigneeId: { key: "invalid_assignee" } });
      }
      data.assigneeId = d.assigneeId;
      changed.push("assignee");
    }
    if (d.status && d.status !== current.status) {
      if (!TRANSITIONS[current.status].includes(d.status)) throw new AppError("CONFLICT", "invalid_transition", { status: { key: "invalid_transition" } });
      data.status = d.status;
      data.statusReason = d.reason ?? null;
      const change = await tx.supportRequestStatusChange.create({
        data: { requestId: id, actorId: user.id, fromStatus: current.status, toStatus: d.status, reason: d.reason ?? null },
      });
      changed.push("status");
      if (to) await sendRequestStatus(tx, { to, lang, key: change.id, title: requestLabel(current), status: d.status, reason: d.reason ?? null, url: requestUrl(id) });
    }
    if (d.note) {
      await tx.staffNote.create({ data: { requestId: id, authorId: user.id, body: d.note } });
      changed.push("note");
    }
    if (d.message) {
      const message = await tx.requestMessage.create({ data: { requestId: id, authorId: user.id, body: d.message } });
      changed.push("message");
      if (to) await sendRequestMessage(tx, { to, lang, key: message.id, title: requestLabel(current), body: d.message, url: requestUrl(id) });
    }
    const updated = await tx.supportRequest.update({ where: { id }, data, include: requestInclude });
    await recordAudit(tx, actor, "supportRequest.updated", { type: "SupportRequest", id }, {
      changed,
      ...(data.status ? { from: current.status, to: String(data.status) } : {}),
    });
    return updated;
  });
}

export interface Conversation {
  history: { id: string; fromStatus: string | null; toStatus: string; reason: string | null; createdAt: Date }[];
  messages: { id: string; body: string; createdAt: Date; authorName: string | null }[];
  /** null for everyone outside the research team: notes never leave it. */
  notes: { id: string; body: string; createdAt: Date; authorName: string | null }[] | null;
}

/** History, messages and (staff only) notes of several requests in three queries, for a page or a GraphQL list. */
export async function conversationsOf(actor: Actor, requests: readonly SupportRequestView[]): Promise<Map<string, Conversation>> {
  const visible = requests.filter((r) => can(actor, { do: "supportRequest.view", request: r }));
  const ids = visible.map((r) => r.id);
  const withNotes = visible.filter((r) => can(actor, { do: "supportRequest.viewNotes", request: r })).map((r) => r.id);
  const [history, messages, notes] = await Promise.all([
    ids.length ? prisma().supportRequestStatusChange.findMany({ where: { requestId: { in: ids } }, orderBy: [{ createdAt: "asc" }, { id: "asc" }] }) : [],
    ids.length ? prisma().requestMessage.findMany({ where: { requestId: { in: ids } }, orderBy: [{ createdAt: "asc" }, { id: "asc" }] }) : [],
    withNotes.length ? prisma().staffNote.findMany({ where: { requestId: { in: withNotes } }, orderBy: [{ createdAt: "asc" }, { id: "asc" }] }) : [],
  ]);
  const authorIds = [...new Set([...messages, ...notes].map((m) => m.authorId).filter((x): x is string => !!x))];
  const authors = authorIds.length ? await prisma().user.findMany({ where: { id: { in: authorIds } }, select: { id: true, name: true } }) : [];
  const nameOf = new Map(authors.map((a) => [a.id, a.name]));
  const result = new Map<string, Conversation>(
    requests.map((r) => [r.id, { history: [], messages: [], notes: withNotes.includes(r.id) ? [] : null }]),
  );
  for (const h of history) result.get(h.requestId)!.history.push(h);
  for (const m of messages) result.get(m.requestId)!.messages.push({ id: m.id, body: m.body, createdAt: m.createdAt, authorName: m.authorId ? (nameOf.get(m.authorId) ?? null) : null });
  for (const n of notes) result.get(n.requestId)!.notes!.push({ id: n.id, body: n.body, createdAt: n.createdAt, authorName: n.authorId ? (nameOf.get(n.authorId) ?? null) : null });
  return result;
}

export async function conversationOf(actor: Actor, request: SupportRequestView) {
  return (await conversationsOf(actor, [request])).get(request.id)!;
}
