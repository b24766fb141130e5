import type { Lang } from "../app/i18n/index.ts";
import type { Client } from "../app/utils/db.server.ts";
import { enqueueEmail, enqueueEmails, type OutgoingEmail } from "./outbox.ts";
import type { RenderedEmail } from "./render.tsx";
import {
  applicationReceivedEmail,
  duplicateApplicationEmail,
  memberInvitedEmail,
  partnerApprovedEmail,
  partnerRejectedEmail,
  signInLinkEmail,
} from "./templates/partners.tsx";
import { dialogueInvitedEmail } from "./templates/dialogues.tsx";
import { requestMessageEmail, requestStatusEmail } from "./templates/requests.tsx";
import { dialogueSessionEmail, type SessionMailContext, type SessionMailKind } from "./templates/dialogue-sessions.tsx";
import { webinarEmail, type WebinarEmailContext } from "./templates/webinars.tsx";

// The one facade use cases call: each sender renders in the recipient's language and queues in the caller's
// transaction. The key names the logical message, so retrying a use case never queues it twice.
const queue = (db: Client, key: string, to: string, email: RenderedEmail) => enqueueEmail(db, { key, to, ...email });

export const sendSignInLink = (db: Client, a: { to: string; lang: Lang; url: string; tokenId: string }) =>
  queue(db, `sign-in:${a.tokenId}`, a.to, signInLinkEmail(a.lang, a.url));

export const sendApplicationReceived = (db: Client, a: { to: string; lang: Lang; partnerId: string; partnerName: string }) =>
  queue(db, `partner-received:${a.partnerId}`, a.to, applicationReceivedEmail(a.lang, a.partnerName));

export const sendDuplicateApplication = (db: Client, a: { to: string; lang: Lang; partnerId: string; existingId: string }) =>
  queue(db, `partner-duplicate:${a.partnerId}:${a.existingId}`, a.to, duplicateApplicationEmail(a.lang));

export const sendPartnerApproved = (
  db: Client,
  a: { to: string; lang: Lang; partnerId: string; partnerName: string; signInUrl: string },
) => queue(db, `partner-approved:${a.partnerId}`, a.to, partnerApprovedEmail(a.lang, a.partnerName, a.signInUrl));

export const sendPartnerRejected = (db: Client, a: { to: string; lang: Lang; partnerId: string; partnerName: string; reason: string }) =>
  queue(db, `partner-rejected:${a.partnerId}`, a.to, partnerRejectedEmail(a.lang, a.partnerName, a.reason));

export const sendMemberInvited = (
  db: Client,
  a: { to: string; lang: Lang; invitationId: string; partnerName: string; inviterName: string; acceptUrl: string; days: number },
) => queue(db, `member-invited:${a.invitationId}`, a.to, memberInvitedEmail(a.lang, a.partnerName, a.inviterName, a.acceptUrl, a.days));

export interface WebinarMail {
  key: string;
  to: string;
  kind: Parameters<typeof webinarEmail>[0];
  context: WebinarEmailContext;
  extra?: Parameters<typeof webinarEmail>[2];
  ical?: { method: "REQUEST" | "CANCEL"; content: string };
  /** One registration of one webinar: its mails leave in the order they were written. */
  orderKey?: string;
}

export const webinarMail = (m: WebinarMail): OutgoingEmail => ({
  key: m.key,
  to: m.to,
  ...webinarEmail(m.kind, m.context, m.extra),
  ical: m.ical,
  orderKey: m.orderKey,
});

export const sendWebinarMail = (db: Client, m: WebinarMail) => enqueueEmail(db, webinarMail(m));

/** A change that reaches every registrant: rendered one by one, written in batches. */
export const sendWebinarMails = (db: Client, mails: WebinarMail[], opts: { notBefore?: Date } = {}) => enqueueEmails(db, mails.map(webinarMail), opts);

/** Transactional (the default priority): an invitation is waited for like a sign-in link. */
export const sendDialogueInvited = (
  db: Client,
  a: { to: string; lang: Lang; invitationId: string } & Parameters<typeof dialogueInvitedEmail>[1],
) => queue(db, `dialogue-invited:${a.invitationId}`, a.to, dialogueInvitedEmail(a.lang, a));

/** Transactional: the requester waits for the decision. One mail per status change (its history row's id). */
export const sendRequestStatus = (db: Client, a: { to: string; lang: Lang; key: string } & Parameters<typeof requestStatusEmail>[1]) =>
  queue(db, `request-status:${a.key}`, a.to, requestStatusEmail(a.lang, a));

/** One mail per staff message (its row's id). */
export const sendRequestMessage = (db: Client, a: { to: string; lang: Lang; key: string } & Parameters<typeof requestMessageEmail>[1]) =>
  queue(db, `request-message:${a.key}`, a.to, requestMessageEmail(a.lang, a));
export interface DialogueSessionMail {
  key: string;
  to: string;
  kind: SessionMailKind;
  context: SessionMailContext;
  ical?: { method: "REQUEST" | "CANCEL"; content: string };
  headers?: Record<string, string>;
  /** One person and one session: their mails leave in the order they were written. */
  orderKey?: string;
}

const sessionMail = (m: DialogueSessionMail): OutgoingEmail => ({
  key: m.key,
  to: m.to,
  ...dialogueSessionEmail(m.kind, m.context),
  ical: m.ical,
  headers: m.headers,
  orderKey: m.orderKey,
});

/**
 * Session invites and cancellations are TRANSACTIONAL, like webinar invites (people wait for them); outcome notes
 * are BULK, a distribution that must never delay a sign-in link.
 */
export const sendDialogueSessionMails = (db: Client, mails: DialogueSessionMail[], priority: "TRANSACTIONAL" | "BULK") =>
  enqueueEmails(db, mails.map(sessionMail), { priority });
