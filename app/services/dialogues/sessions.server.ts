import crypto from "node:crypto";
import type { DialogueSession, Prisma } from "../../generated/prisma/client.ts";
import type { Lang } from "../../i18n/index.ts";
import { dialogueSessionSchema, outcomeSchema } from "../../schemas/dialogue.ts";
import type { PageArgs } from "../../schemas/page.ts";
import { parseInput } from "../../schemas/validate.ts";
import { prisma, type Client } from "../../utils/db.server.ts";
import { env } from "../../utils/env.server.ts";
import { recordAudit } from "../audit.server.ts";
import { AppError, notFound } from "../errors.ts";
import { paginate } from "../pagination.server.ts";
import { authorize, can, requireUser, type Actor } from "../policy.server.ts";
import { readableDialogue, type DialogueView } from "./access.server.ts";
import { renderMarkdown } from "./markdown.ts";
import { notifyMembers, ownSequence, sessionCalendar } from "./session-notices.server.ts";
import { lockRow } from "../../utils/row-lock.server.ts";

type Tx = Prisma.TransactionClient;
export type SessionView = DialogueSession & { dialogue: DialogueView };

export interface SessionOptions {
  /** The page refuses a start in the past; imports and tests may record past sessions. */
  refusePast?: boolean;
  now?: Date;
}

/**
 * A facilitator (or staff) schedules a session: it gets its lifelong UID, and every member a REQUEST invite in the
 * same transaction. Outsiders get NOT_FOUND (the dialogue's content is not theirs to know), members FORBIDDEN.
 */
export async function scheduleDialogueSession(actor: Actor, dialogueId: string, input: unknown, opts: SessionOptions = {}) {
  const user = requireUser(actor);
  const data = parseInput(dialogueSessionSchema, input);
  return prisma().$transaction(async (tx) => {
    const dialogue = await readableDialogue(actor, dialogueId, tx);
    authorize(actor, { do: "dialogue.manageSessions", dialogue });
    if (opts.refusePast && data.startsAt <= (opts.now ?? new Date())) throw new AppError("BAD_USER_INPUT", "invalid_input", { startsAt: { key: "date_in_past" } });
    const session = await tx.dialogueSession.create({
      data: {
        dialogueId,
        uid: `${crypto.randomUUID()}@${new URL(env().APP_URL).hostname || "genmig.invalid"}`,
        title: data.title,
        agenda: data.agenda,
        agendaHtml: renderMarkdown(data.agenda),
        startsAt: data.startsAt,
        endsAt: data.endsAt,
        timeZone: data.timeZone,
        location: data.location ?? null,
        meetingUrl: data.meetingUrl ?? null,
        createdById: user.id,
      },
    });
    await recordAudit(tx, actor, "dialogue.sessionScheduled", { type: "DialogueSession", id: session.id }, { dialogueId });
    const invited = await notifyMembers(tx, dialogue, session, "invite");
    return Object.assign({ ...session, dialogue }, { invited });
  });
}

/** Cancelling bumps SEQUENCE in the same transaction and sends every member a CANCEL with the same UID. */
export async function cancelDialogueSession(actor: Actor, sessionId: string) {
  requireUser(actor);
  return prisma().$transaction(async (tx) => {
    const current = await readableSession(actor, sessionId, tx);
    authorize(actor, { do: "dialogue.manageSessions", dialogue: current.dialogue });
    await lockRow(tx, "DialogueSession", sessionId);
    const locked = await tx.dialogueSession.findUniqueOrThrow({ where: { id: sessionId } });
    if (locked.status === "CANCELLED") throw new AppError("CONFLICT", "session_cancelled");
    const session = await tx.dialogueSession.update({
      where: { id: sessionId },
      data: { status: "CANCELLED", cancelledAt: new Date(), sequence: { increment: 1 } },
    });
    await recordAudit(tx, actor, "dialogue.sessionCancelled", { type: "DialogueSession", id: sessionId }, { dialogueId: session.dialogueId, sequence: session.sequence });
    const notified = await notifyMembers(tx, current.dialogue, session, "cancelled");
    return Object.assign({ ...session, dialogue: current.dialogue }, { notified });
  });
}

/** A session with its dialogue, or NOT_FOUND for whoever may not read that dialogue's content. */
export async function readableSession(actor: Actor, sessionId: string, db: Client | Tx = prisma()): Promise<SessionView> {
  const session = actor.kind === "user" ? await db.dialogueSession.findUnique({ where: { id: sessionId } }) : null;
  if (!session) throw notFound();
  return { ...session, dialogue: await readableDialogue(actor, session.dialogueId, db) };
}

/** The same, reached by its address on a dialogue's pages: another dialogue's session id is not found there. */
export async function sessionAt(actor: Actor, dialogueId: string, sessionId: string) {
  const session = await readableSession(actor, sessionId);
  if (session.dialogueId !== dialogueId) throw notFound();
  return session;
}

/** Sessions of a dialogue in start order; an empty list for whoever may not read its content. */
export async function listSessions(actor: Actor, dialogue: DialogueView & { id: string }, page?: PageArgs) {
  const where = can(actor, { do: "dialogue.read", dialogue }) ? { dialogueId: dialogue.id } : { id: { in: [] } };
  const result = await paginate(
    page,
    (q) => prisma().dialogueSession.findMany({ where, orderBy: [{ startsAt: "asc" }, { id: "asc" }], ...q }),
    () => prisma().dialogueSession.count({ where }),
  );
  const edges = result.edges.map((e) => ({ ...e, node: { ...e.node, dialogue } }));
  return { ...result, edges, nodes: edges.map((e) => e.node) };
}

/**
 * The member's own download of a session (METHOD:PUBLISH, the same UID and SEQUENCE as the emailed invites, no
 * attendee): NOT_FOUND alike for a missing session and for anyone who may not read the dialogue.
 */
export async function sessionDownload(actor: Actor, dialogueId: string, sessionId: string, lang: Lang) {
  const session = await sessionAt(actor, dialogueId, sessionId);
  const own = actor.kind === "user" ? await ownSequence(prisma(), session.id, actor.id) : 0;
  return sessionCalendar(session.dialogue, session, "PUBLISH", lang, undefined, own);
}

/**
 * After a session ends, a facilitator publishes its outcome note once; members get it by email (BULK), each in their
 * language, and under Chatham House it names no one — not even who published it.
 */
export async function publishSessionOutcome(actor: Actor, sessionId: string, input: unknown, now = new Date()) {
  requireUser(actor);
  const data = parseInput(outcomeSchema, input);
  return prisma().$transaction(async (tx) => {
    const current = await readableSession(actor, sessionId, tx);
    authorize(actor, { do: "dialogue.manageSessions", dialogue: current.dialogue });
    await lockRow(tx, "DialogueSession", sessionId);
    const locked = await tx.dialogueSession.findUniqueOrThrow({ where: { id: sessionId } });
    if (locked.status === "CANCELLED") throw new AppError("CONFLICT", "session_cancelled");
    if (locked.endsAt > now) throw new AppError("CONFLICT", "session_not_ended");
    if (locked.outcomePublishedAt) throw new AppError("CONFLICT", "outcome_published");
    const documents = await attachOutcomeDocuments(tx, current.dialogueId, sessionId, data.documentIds);
    const session = await tx.dialogueSession.update({
      where: { id: sessionId },
      data: { outcomeBody: data.body, outcomeHtml: renderMarkdown(data.body), outcomePublishedAt: now },
    });
    await recordAudit(tx, actor, "dialogue.outcomePublished", { type: "DialogueSession", id: sessionId }, { dialogueId: session.dialogueId, documents });
    const notified = await notifyMembers(tx, current.dialogue, session, "outcome", { documents });
    return Object.assign({ ...session, dialogue: current.dialogue }, { notified });
  });
}

/** Documents already shared in the same dialogue (and not removed) can be attached; any other id is bad input. */
async function attachOutcomeDocuments(tx: Tx, dialogueId: string, sessionId: string, ids: string[]): Promise<number> {
  if (!ids.length) return 0;
  const unique = [...new Set(ids)];
  const found = await tx.dialogueDocument.updateMany({ where: { id: { in: unique }, dialogueId, removedAt: null }, data: { sessionId } });
  if (found.count !== unique.length) throw new AppError("BAD_USER_INPUT", "invalid_input", { documentIds: { key: "not_found" } });
  return found.count;
}
