import type { Prisma, RegistrationStatus, Webinar, WebinarRegistration, WebinarTranslation } from "../generated/prisma/client.ts";
import { sendWebinarMail, sendWebinarMails, type WebinarMail } from "../../emails/senders.ts";
import { buildCalendar, type IcsMethod } from "../../emails/ics.ts";
import { fromDbLanguage } from "../i18n/index.ts";
import type { Client } from "../utils/db.server.ts";
import { env } from "../utils/env.server.ts";
import { signId } from "./signed-links.server.ts";
import { webinarPageUrl, webinarText } from "./webinar-text.ts";

type W = Webinar & { translations: WebinarTranslation[] };
type Kind = WebinarMail["kind"];

const REQUEST_KINDS: Kind[] = ["confirmed", "promoted", "updated"];
const CANCEL_KINDS: Kind[] = ["cancelled", "registration_cancelled"];
// "confirm" goes to an unverified address about a request that is not a registration yet.
// Follow-ups come after the event, when there is nothing left to cancel.
const NO_MANAGE_LINK: Kind[] = ["cancelled", "cancelled_waitlisted", "cancelled_pending", "registration_cancelled", "denied", "confirm", "followup", "followup_noshow"];

export const joinUrl = (registrationId: string) => `${env().APP_URL}/j/${signId("join", registrationId)}`;
export const manageUrl = (registrationId: string) => `${env().APP_URL}/r/${signId("manage", registrationId)}`;

export function organizer() {
  const from = env().MAIL_FROM;
  const m = /^\s*"?([^"<]*?)"?\s*<([^>]+)>\s*$/.exec(from);
  return m ? { name: m[1] || "GenMig Hub", email: m[2] } : { name: "GenMig Hub", email: from.trim() };
}

/**
 * The SEQUENCE this person's calendar holds the webinar at: the webinar's (event-wide changes) plus their own
 * changes (ADR 0048), so a CANCEL of their registration, or a REQUEST after registering again, always goes above
 * every earlier message they had, while a reschedule still goes above for everyone.
 */
export const personalSequence = (webinar: Pick<Webinar, "sequence">, reg: Partial<Pick<WebinarRegistration, "personalSequence">>) =>
  webinar.sequence + Math.max(0, reg.personalSequence ?? 0);

/** One registrant's personal invite: their own ATTENDEE line and their own join link, nobody else's. */
export function personalCalendar(
  webinar: W,
  reg: Pick<WebinarRegistration, "id" | "email" | "name" | "language"> & Partial<Pick<WebinarRegistration, "personalSequence">>,
  method: IcsMethod,
) {
  const text = webinarText(webinar, fromDbLanguage(reg.language) ?? "en");
  const join = joinUrl(reg.id);
  return buildCalendar({
    method,
    organizer: organizer(),
    attendee: { email: reg.email, name: reg.name },
    events: [
      {
        uid: webinar.uid,
        sequence: personalSequence(webinar, reg),
        startsAt: webinar.startsAt,
        endsAt: webinar.endsAt,
        title: text.title,
        description: `${text.description}\n\n${join}`.trim(),
        url: join,
        cancelled: webinar.status === "CANCELLED",
      },
    ],
  });
}

/**
 * Queues one webinar email in the caller's transaction. `stamp` makes the key unique per logical message
 * (e.g. the SEQUENCE for an update), so a retried use case never queues it twice.
 */
export async function notify(
  tx: Prisma.TransactionClient,
  webinar: W,
  reg: Recipient,
  kind: Kind,
  stamp: string | number,
  extra?: WebinarMail["extra"],
) {
  await sendWebinarMail(tx, webinarMessage(webinar, reg, kind, stamp, extra));
}

/** The outbox key of one webinar mail: one message per registration, kind and stamp. */
const webinarMailKey = (kind: Kind, registrationId: string, stamp: string | number) => `webinar:${kind}:${registrationId}:${stamp}`;

/** A registration, or an anonymous request that is not one yet (its id then names the request). */
type Recipient = Pick<WebinarRegistration, "id" | "email" | "name" | "language" | "timeZone"> & Partial<Pick<WebinarRegistration, "personalSequence">>;

function webinarMessage(webinar: W, reg: Recipient, kind: Kind, stamp: string | number, extra?: WebinarMail["extra"]): WebinarMail {
  const lang = fromDbLanguage(reg.language) ?? "en";
  const method: "REQUEST" | "CANCEL" | null = REQUEST_KINDS.includes(kind) ? "REQUEST" : CANCEL_KINDS.includes(kind) ? "CANCEL" : null;
  const confirmed = method === "REQUEST" || kind.startsWith("reminder");
  return {
    key: webinarMailKey(kind, reg.id, stamp),
    // Confirmation, reminders, CANCEL and a new REQUEST reach the person in the order they were written (ADR 0048).
    orderKey: `webinar:${webinar.id}:${reg.id}`,
    to: reg.email,
    kind,
    context: {
      lang,
      title: webinarText(webinar, lang).title,
      startsAt: webinar.startsAt,
      endsAt: webinar.endsAt,
      eventTimeZone: webinar.timeZone,
      recipientTimeZone: reg.timeZone,
      pageUrl: webinarPageUrl(webinar.id),
      joinUrl: confirmed ? joinUrl(reg.id) : undefined,
      manageUrl: NO_MANAGE_LINK.includes(kind) ? undefined : manageUrl(reg.id),
    },
    extra,
    ical: method ? { method, content: personalCalendar(webinar, reg, method) } : undefined,
  };
}

/** What a webinar's cancellation tells those without a seat. */
const CANCELLED_NOTICE: Partial<Record<RegistrationStatus, Kind>> = { WAITLISTED: "cancelled_waitlisted", PENDING_APPROVAL: "cancelled_pending" };

/**
 * Every confirmed registrant gets the same change, each in their own language and time zone. A cancellation also
 * reaches the waiting list and those awaiting approval: a plain notice, as nothing of it is in their calendar.
 * One mail per registration, keyed by the SEQUENCE, so nobody is told twice.
 */
export async function notifyRegistrants(tx: Prisma.TransactionClient, webinar: W, kind: "updated" | "cancelled") {
  const told = await tx.webinarRegistration.findMany({
    where: { webinarId: webinar.id, status: { in: kind === "cancelled" ? ["CONFIRMED", ...Object.keys(CANCELLED_NOTICE)] as RegistrationStatus[] : ["CONFIRMED"] } },
    orderBy: [{ createdAt: "asc" }, { id: "asc" }],
  });
  const extra = webinar.cancelReason ? { note: webinar.cancelReason } : undefined;
  const kindFor = (reg: WebinarRegistration): Kind => (kind === "cancelled" ? (CANCELLED_NOTICE[reg.status] ?? kind) : kind);
  await sendWebinarMails(tx, told.map((reg) => webinarMessage(webinar, reg, kindFor(reg), webinar.sequence, extra)));
  return told.length;
}

/** How long after it is queued a reminder becomes due. */
export const REMINDER_DEFER_MS = 30_000;

/**
 * Reminders for one page of registrants: those whose reminder is already in the outbox are skipped before
 * rendering (the job runs every minute for a day), the rest are written in one statement. Returns how many new.
 */
export async function remindRegistrants(db: Client, webinar: W, regs: Recipient[], kind: "reminder_24h" | "reminder_1h", stamp: string) {
  const keyOf = (reg: Recipient) => webinarMailKey(kind, reg.id, stamp);
  const queued = await db.outboxMessage.findMany({ where: { key: { in: regs.map(keyOf) } }, select: { key: true } });
  const done = new Set(queued.map((m) => m.key));
  const missing = regs.filter((reg) => !done.has(keyOf(reg)));
  // Reminders are transactional mail but nobody is waiting for them this minute: they become due a little after
  // they are queued, so a sign-in link asked for while thousands are being queued goes out first (ADR 0029).
  const notBefore = new Date(Date.now() + REMINDER_DEFER_MS);
  if (missing.length) await sendWebinarMails(db, missing.map((reg) => webinarMessage(webinar, reg, kind, stamp)), { notBefore });
  return missing.length;
}

/** A staff message to some registrants, each in their own language; `messageId` keys it once per person. */
export async function messageRecipients(tx: Prisma.TransactionClient, webinar: W, regs: Recipient[], messageId: string, textFor: (reg: Recipient) => string) {
  await sendWebinarMails(tx, regs.map((reg) => webinarMessage(webinar, reg, "message", messageId, { message: textFor(reg) })));
}
