import { buildCalendar, type IcsEvent, type IcsMethod } from "../../../emails/ics.ts";
import { sendDialogueSessionMails, type DialogueSessionMail } from "../../../emails/senders.ts";
import { sessionIcsDescription, type SessionMailContext, type SessionMailKind } from "../../../emails/templates/dialogue-sessions.tsx";
import type { DialogueSession, DialogueTranslation, Prisma } from "../../generated/prisma/client.ts";
import { fromDbLanguage, type Lang } from "../../i18n/index.ts";
import { env } from "../../utils/env.server.ts";
import { organizer } from "../webinar-notices.server.ts";
import { dialogueListHeaders } from "../subscriptions/streams.server.ts";
import { pickText } from "./access.server.ts";

type Tx = Prisma.TransactionClient;
/** What a notice needs to know about the dialogue: its texts and whether the Chatham House Rule applies. */
export interface SessionDialogue {
  id: string;
  chathamHouse: boolean;
  translations: Pick<DialogueTranslation, "language" | "title" | "description">[];
}
interface Recipient {
  memberId: string;
  userId: string;
  email: string;
  name: string;
  language: string | null;
  notify?: string;
}

export const sessionPageUrl = (dialogueId: string, sessionId: string) => `${env().APP_URL}/dialogues/${dialogueId}/sessions/${sessionId}`;

function context(dialogue: SessionDialogue, s: DialogueSession, lang: Lang): SessionMailContext {
  return {
    lang,
    dialogueTitle: pickText(dialogue, lang).title,
    title: s.title,
    startsAt: s.startsAt,
    endsAt: s.endsAt,
    timeZone: s.timeZone,
    location: s.location,
    meetingUrl: s.meetingUrl,
    agenda: s.agenda,
    pageUrl: sessionPageUrl(dialogue.id, s.id),
    chathamHouse: dialogue.chathamHouse,
  };
}

/**
 * A session as a calendar event: its lifelong UID and the recipient's SEQUENCE (the session's plus their own
 * changes, `own`; ADR 0048); under Chatham House the rule is in the description.
 */
export function sessionEvent(dialogue: SessionDialogue, s: DialogueSession, lang: Lang, own = 0): IcsEvent {
  const c = context(dialogue, s, lang);
  const where = [s.location, s.meetingUrl].filter(Boolean).join(" · ");
  return {
    uid: s.uid,
    sequence: s.sequence + own,
    startsAt: s.startsAt,
    endsAt: s.endsAt,
    title: s.title,
    description: sessionIcsDescription(c),
    url: c.pageUrl,
    location: where || c.pageUrl,
    cancelled: s.status === "CANCELLED",
  };
}

/**
 * The only way a session becomes a calendar: the webinar ICS builder with `sessionEvent`, at most one ATTENDEE
 * (the recipient) and, under Chatham House, no name on that line either.
 */
export function sessionCalendar(
  dialogue: SessionDialogue,
  s: DialogueSession,
  method: IcsMethod,
  lang: Lang,
  attendee?: { email: string; name: string },
  own = 0,
) {
  return buildCalendar({
    method,
    organizer: organizer(),
    attendee: attendee ? { email: attendee.email, ...(dialogue.chathamHouse ? {} : { name: attendee.name }) } : undefined,
    events: [sessionEvent(dialogue, s, lang, own)],
  });
}

const METHOD: Record<SessionMailKind, "REQUEST" | "CANCEL" | null> = { invite: "REQUEST", cancelled: "CANCEL", removed: "CANCEL", outcome: null };

/** How far each person's own changes moved their SEQUENCE for this session (0: only session-wide messages). */
async function ownSequences(tx: Tx, sessionId: string, userIds: string[]) {
  const rows = await tx.dialogueSessionAttendee.findMany({ where: { sessionId, userId: { in: userIds } } });
  return new Map(rows.map((r) => [r.userId, r.personalSequence]));
}

/**
 * A change for one person alone (joining, leaving): their own counter moves first, so the REQUEST or CANCEL goes
 * above every earlier message they had for the session. Someone leaving without a row had the session-wide invite
 * at the session's SEQUENCE, hence a first CANCEL at one above it.
 */
async function bumpOwn(tx: Tx, sessionId: string, userId: string, kind: "invite" | "removed") {
  const row = await tx.dialogueSessionAttendee.upsert({
    where: { sessionId_userId: { sessionId, userId } },
    create: { sessionId, userId, personalSequence: kind === "invite" ? 0 : 1 },
    update: { personalSequence: { increment: 1 } },
  });
  return row.personalSequence;
}

/**
 * One mail per recipient, in their language, queued in the caller's transaction. The key names the session, the
 * person and their SEQUENCE (or the outcome), so a retried use case never queues twice, and someone who leaves
 * and is invited again gets a fresh invite. The order key keeps one person's messages about one session in the
 * order they were written.
 */
async function mailSession(
  tx: Tx,
  dialogue: SessionDialogue,
  s: DialogueSession,
  kind: SessionMailKind,
  recipients: Recipient[],
  own: Map<string, number>,
  outcome?: { documents: number },
) {
  const method = METHOD[kind];
  const mails = recipients.map((r): DialogueSessionMail => {
    const lang = fromDbLanguage(r.language) ?? "en";
    const c = context(dialogue, s, lang);
    const mine = own.get(r.userId) ?? 0;
    return {
      key: `dialogue-session:${kind}:${s.id}:${r.memberId}:${kind === "outcome" ? "note" : s.sequence + mine}`,
      orderKey: `dialogue-session:${s.id}:${r.userId}`,
      to: r.email,
      kind,
      context: outcome ? { ...c, outcome: { html: s.outcomeHtml ?? "", body: s.outcomeBody ?? "", documents: outcome.documents } } : c,
      ical: method ? { method, content: sessionCalendar(dialogue, s, method, lang, { email: r.email, name: r.name }, mine) } : undefined,
      // An outcome note is bulk mail of the dialogue's stream; invites and cancellations are calendar updates.
      headers: kind === "outcome" ? dialogueListHeaders(dialogue.id, r.memberId) : undefined,
    };
  });
  await sendDialogueSessionMails(tx, mails, kind === "outcome" ? "BULK" : "TRANSACTIONAL");
  return mails.length;
}

async function membersOf(tx: Tx, dialogueId: string): Promise<Recipient[]> {
  const rows = await tx.dialogueMember.findMany({ where: { dialogueId }, include: { user: { select: { email: true, name: true, language: true } } }, orderBy: { createdAt: "asc" } });
  return rows.map((m) => ({ memberId: m.id, userId: m.userId, email: m.user.email, name: m.user.name, language: m.user.language, notify: m.notify }));
}

/**
 * Every current member gets the same change: a REQUEST for a new session, a CANCEL when it is cancelled. The
 * outcome note skips members who turned the dialogue's mail off (notify NEVER, ADR 0047): their calendar
 * still follows the sessions, but they chose no activity mail.
 */
export async function notifyMembers(tx: Tx, dialogue: SessionDialogue, s: DialogueSession, kind: "invite" | "cancelled" | "outcome", outcome?: { documents: number }) {
  const members = await membersOf(tx, dialogue.id);
  const own = METHOD[kind] ? await ownSequences(tx, s.id, members.map((m) => m.userId)) : new Map<string, number>();
  return mailSession(tx, dialogue, s, kind, kind === "outcome" ? members.filter((m) => m.notify !== "NEVER") : members, own, outcome);
}

const upcoming = (tx: Tx, dialogueId: string, now: Date) =>
  tx.dialogueSession.findMany({ where: { dialogueId, status: "SCHEDULED", endsAt: { gt: now } }, orderBy: { startsAt: "asc" } });
const dialogueFor = (tx: Tx, dialogueId: string) =>
  tx.dialogue.findUniqueOrThrow({ where: { id: dialogueId }, select: { id: true, chathamHouse: true, translations: true } });

/** Someone who joins gets the invite of every session still to come. */
export async function inviteNewMember(tx: Tx, dialogueId: string, memberId: string, now = new Date()) {
  const sessions = await upcoming(tx, dialogueId, now);
  if (!sessions.length) return 0;
  const dialogue = await dialogueFor(tx, dialogueId);
  const member = await tx.dialogueMember.findUniqueOrThrow({ where: { id: memberId }, include: { user: true } });
  const r: Recipient = { memberId, userId: member.userId, email: member.user.email, name: member.user.name, language: member.user.language };
  for (const s of sessions) await mailSession(tx, dialogue, s, "invite", [r], new Map([[r.userId, await bumpOwn(tx, s.id, r.userId, "invite")]]));
  return sessions.length;
}

/** Someone who leaves or is removed gets a CANCEL for every session still to come; call before the row goes. */
export async function cancelForDeparting(tx: Tx, dialogueId: string, memberId: string, now = new Date()) {
  const sessions = await upcoming(tx, dialogueId, now);
  if (!sessions.length) return 0;
  const dialogue = await dialogueFor(tx, dialogueId);
  const member = await tx.dialogueMember.findUniqueOrThrow({ where: { id: memberId }, include: { user: true } });
  const r: Recipient = { memberId, userId: member.userId, email: member.user.email, name: member.user.name, language: member.user.language };
  for (const s of sessions) await mailSession(tx, dialogue, s, "removed", [r], new Map([[r.userId, await bumpOwn(tx, s.id, r.userId, "removed")]]));
  return sessions.length;
}

/** The SEQUENCE offset of one person's own changes to a session (for their download and their feed). */
export async function ownSequence(tx: Tx, sessionId: string, userId: string) {
  return (await ownSequences(tx, sessionId, [userId])).get(userId) ?? 0;
}
