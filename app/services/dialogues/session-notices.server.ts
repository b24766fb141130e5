import { buildCalendar, type IcsMethod } from "../../../emails/ics.ts";
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
 * The only way a session becomes a calendar: the webinar ICS builder with the session's lifelong UID and current
 * SEQUENCE, at most one ATTENDEE (the recipient) and, under Chatham House, no name on that line either.
 */
export function sessionCalendar(dialogue: SessionDialogue, s: DialogueSession, method: IcsMethod, lang: Lang, attendee?: { email: string; name: string }) {
  const c = context(dialogue, s, lang);
  const where = [s.location, s.meetingUrl].filter(Boolean).join(" · ");
  return buildCalendar({
    method,
    organizer: organizer(),
    attendee: attendee ? { email: attendee.email, ...(dialogue.chathamHouse ? {} : { name: attendee.name }) } : undefined,
    events: [
      {
        uid: s.uid,
        sequence: s.sequence,
        startsAt: s.startsAt,
        endsAt: s.endsAt,
        title: s.title,
        description: sessionIcsDescription(c),
        url: c.pageUrl,
        location: where || c.pageUrl,
        cancelled: s.status === "CANCELLED",
      },
    ],
  });
}

const METHOD: Record<SessionMailKind, "REQUEST" | "CANCEL" | null> = { invite: "REQUEST", cancelled: "CANCEL", removed: "CANCEL", outcome: null };

/**
 * One mail per recipient, in their language, queued in the caller's transaction. The key names the session, the
 * membership and the SEQUENCE (or the outcome), so a retried use case never queues twice, and someone who leaves
 * and is invited again gets a fresh invite.
 */
async function mailSession(tx: Tx, dialogue: SessionDialogue, s: DialogueSession, kind: SessionMailKind, recipients: Recipient[], outcome?: { documents: number }) {
  const method = METHOD[kind];
  const mails = recipients.map((r): DialogueSessionMail => {
    const lang = fromDbLanguage(r.language) ?? "en";
    const c = context(dialogue, s, lang);
    return {
      key: `dialogue-session:${kind}:${s.id}:${r.memberId}:${kind === "outcome" ? "note" : s.sequence}`,
      to: r.email,
      kind,
      context: outcome ? { ...c, outcome: { html: s.outcomeHtml ?? "", body: s.outcomeBody ?? "", documents: outcome.documents } } : c,
      ical: method ? { method, content: sessionCalendar(dialogue, s, method, lang, { email: r.email, name: r.name }) } : undefined,
      // An outcome note is bulk mail of the dialogue's stream; invites and cancellations are calendar updates.
      headers: kind === "outcome" ? dialogueListHeaders(dialogue.id, r.memberId) : undefined,
    };
  });
  await sendDialogueSessionMails(tx, mails, kind === "outcome" ? "BULK" : "TRANSACTIONAL");
  return mails.length;
}

async function membersOf(tx: Tx, dialogueId: string): Promise<Recipient[]> {
  const rows = await tx.dialogueMember.findMany({ where: { dialogueId }, include: { user: { select: { email: true, name: true, language: true } } }, orderBy: { createdAt: "asc" } });
  return rows.map((m) => ({ memberId: m.id, email: m.user.email, name: m.user.name, language: m.user.language, notify: m.notify }));
}

/**
 * Every current member gets the same change: a REQUEST for a new session, a CANCEL when it is cancelled. The
 * outcome note skips members who turned the dialogue's mail off (notify NEVER, ADR 0047): their calendar
 * still follows the sessions, but they chose no activity mail.
 */
export async function notifyMembers(tx: Tx, dialogue: SessionDialogue, s: DialogueSession, kind: "invite" | "cancelled" | "outcome", outcome?: { documents: number }) {
  const members = await membersOf(tx, dialogue.id);
  return mailSession(tx, dialogue, s, kind, kind === "outcome" ? members.filter((m) => m.notify !== "NEVER") : members, outcome);
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
  const r: Recipient = { memberId, email: member.user.email, name: member.user.name, language: member.user.language };
  for (const s of sessions) await mailSession(tx, dialogue, s, "invite", [r]);
  return sessions.length;
}

/** Someone who leaves or is removed gets a CANCEL for every session still to come; call before the row goes. */
export async function cancelForDeparting(tx: Tx, dialogueId: string, memberId: string, now = new Date()) {
  const sessions = await upcoming(tx, dialogueId, now);
  if (!sessions.length) return 0;
  const dialogue = await dialogueFor(tx, dialogueId);
  const member = await tx.dialogueMember.findUniqueOrThrow({ where: { id: memberId }, include: { user: true } });
  const r: Recipient = { memberId, email: member.user.email, name: member.user.name, language: member.user.language };
  for (const s of sessions) await mailSession(tx, dialogue, s, "removed", [r]);
  return sessions.length;
}
