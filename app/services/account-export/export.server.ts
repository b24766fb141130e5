import { email as emailField } from "../../schemas/fields.ts";
import { prisma } from "../../utils/db.server.ts";
import { AppError } from "../errors.ts";
import { personKey } from "../insights/demographics.server.ts";
import { authorize, type Actor } from "../policy.server.ts";
import { suppressionKey } from "../subscriptions/suppression.server.ts";

/**
 * Everything held about one person, for them to download (ADR 0040): what they gave (profile, registrations,
 * answers, requests, posts, file metadata), what was decided about them (memberships, statuses, suppression),
 * consent evidence, and the metadata of their sessions, tokens, links and mail — never a secret (token hashes,
 * session ids, link tokens, mail bodies with one-time links) and never another person's data: in dialogues only
 * their own posts and files, whatever the dialogue's rule. One function for the page, GraphQL and the CLI.
 */
export async function exportMyData(actor: Actor) {
  authorize(actor, { do: "account.export" });
  if (actor.kind !== "user") throw new AppError("UNAUTHENTICATED", "unauthenticated");
  return buildExport(actor.email);
}

/** The operator's path (CLI `user:export --email E`): also for an address that only subscribed. */
export async function exportPersonAs(address: string) {
  const parsed = emailField.safeParse(address);
  if (!parsed.success) throw new AppError("BAD_USER_INPUT", "invalid_email", { email: { key: "invalid_email" } });
  return buildExport(parsed.data);
}

export type PersonExport = Awaited<ReturnType<typeof buildExport>>;

const iso = (d: Date | null | undefined) => (d ? d.toISOString() : null);
const titleOf = (translations: { language: string; title: string }[]) => (translations.find((t) => t.language === "EN") ?? translations[0])?.title ?? "";

async function buildExport(email: string) {
  const db = prisma();
  const user = await db.user.findUnique({ where: { email } });
  const id = user?.id ?? "";
  const [memberships, applications, registrations, registrationRequests, answers, subscriber, digest, suppression] = await Promise.all([
    db.membership.findMany({ where: { userId: id }, include: { partner: { select: { name: true, status: true } } }, orderBy: { createdAt: "asc" } }),
    db.partner.findMany({ where: { focalPointEmail: { equals: email, mode: "insensitive" } }, orderBy: { createdAt: "asc" } }),
    db.webinarRegistration.findMany({
      where: { OR: [{ email }, ...(user ? [{ userId: id }] : [])] },
      include: { webinar: { select: { startsAt: true, translations: { select: { language: true, title: true } } } } },
      orderBy: { createdAt: "asc" },
    }),
    db.webinarRegistrationRequest.findMany({ where: { email }, orderBy: { createdAt: "asc" } }),
    db.demographicAnswer.findUnique({ where: { key: personKey(email) } }),
    db.subscriber.findUnique({ where: { email } }),
    user ? db.userDigestPreference.findUnique({ where: { userId: id } }) : null,
    db.suppressionEntry.findUnique({ where: { addressHash: suppressionKey(email) }, select: { reason: true, createdAt: true } }),
  ]);
  const [dialogueMemberships, posts, threads, documents, requests, sessions, apiTokens, signInLinks, invitations, partnerInvitations, activity, mail] = await Promise.all([
    db.dialogueMember.findMany({ where: { userId: id }, include: { dialogue: { select: { chathamHouse: true, translations: { select: { language: true, title: true } } } } } }),
    db.dialoguePost.findMany({
      where: { authorId: id },
      include: { thread: { select: { dialogueId: true } }, revisions: { select: { body: true, createdAt: true }, orderBy: { createdAt: "asc" } } },
      orderBy: { createdAt: "asc" },
    }),
    db.dialogueThread.findMany({ where: { createdById: id }, select: { id: true, dialogueId: true, title: true, createdAt: true } }),
    db.dialogueDocument.findMany({ where: { uploaderId: id }, orderBy: { createdAt: "asc" } }),
    db.supportRequest.findMany({
      where: { requesterId: id },
      include: {
        partner: { select: { name: true } },
        messages: { select: { body: true, createdAt: true }, orderBy: { createdAt: "asc" } },
        history: { select: { fromStatus: true, toStatus: true, reason: true, createdAt: true }, orderBy: { createdAt: "asc" } },
      },
      orderBy: { createdAt: "asc" },
    }),
    db.session.findMany({ where: { userId: id }, orderBy: { createdAt: "asc" } }),
    db.apiToken.findMany({ where: { userId: id }, orderBy: { createdAt: "asc" } }),
    db.signInToken.findMany({ where: { email }, orderBy: { createdAt: "asc" } }),
    db.dialogueInvitation.findMany({ where: { email }, orderBy: { createdAt: "asc" } }),
    db.partnerInvitation.findMany({ where: { email }, include: { partner: { select: { name: true } } }, orderBy: { createdAt: "asc" } }),
    user ? db.auditEntry.findMany({ where: { OR: [{ actorId: id }, { targetId: id }] }, orderBy: { createdAt: "asc" }, take: 1000 }) : [],
    db.outboxMessage.findMany({ where: { toAddress: email }, select: { subject: true, status: true, createdAt: true, sentAt: true }, orderBy: { createdAt: "asc" } }),
  ]);
  return {
    format: "genmig-hub-personal-data/1",
    generatedAt: new Date().toISOString(),
    email,
    profile: user
      ? { id: user.id, email: user.email, name: user.name, role: user.role, language: user.language, statisticsGrant: user.statistics, calendarFeed: user.calendarSecret !== null, createdAt: iso(user.createdAt), updatedAt: iso(user.updatedAt) }
      : null,
    memberships: memberships.map((m) => ({ institution: m.partner.name, institutionId: m.partnerId, institutionStatus: m.partner.status, role: m.role, since: iso(m.createdAt) })),
    institutionApplications: applications.map((p) => ({ institution: p.name, institutionId: p.id, focalPointName: p.focalPointName, focalPointEmail: p.focalPointEmail, status: p.status, consentAt: iso(p.consentAt), createdAt: iso(p.createdAt) })),
    registrations: registrations.map((r) => ({
      webinarId: r.webinarId,
      webinar: titleOf(r.webinar.translations),
      startsAt: iso(r.webinar.startsAt),
      status: r.status,
      name: r.name,
      email: r.email,
      language: r.language,
      timeZone: r.timeZone,
      institution: r.institution,
      country: r.country,
      captions: r.captions,
      signLanguage: r.signLanguage,
      interpretationLanguage: r.interpretationLanguage,
      answers: r.answers,
      attended: r.attended,
      confirmedAt: iso(r.confirmedAt),
      createdAt: iso(r.createdAt),
    })),
    pendingRegistrations: registrationRequests.map((r) => ({ webinarId: r.webinarId, answers: r.answers, createdAt: iso(r.createdAt), expiresAt: iso(r.expiresAt), confirmedAt: iso(r.confirmedAt) })),
    statisticsAnswers: answers ? { gender: answers.gender, genderDescription: answers.genderDescription, ageBand: answers.ageBand, updatedAt: iso(answers.updatedAt) } : null,
    subscription: subscriber
      ? {
          status: subscriber.status,
          language: subscriber.language,
          topics: subscriber.topics,
          frequency: subscriber.frequency,
          confirmedAt: iso(subscriber.confirmedAt),
          unsubscribedAt: iso(subscriber.unsubscribedAt),
          lastDigestAt: iso(subscriber.lastDigestAt),
          createdAt: iso(subscriber.createdAt),
        }
      : null,
    digestPreferences: digest ? { enabled: digest.enabled, frequency: digest.frequency, topics: digest.topics, language: digest.language, lastDigestAt: iso(digest.lastDigestAt) } : null,
    bulkMailSuppression: suppression ? { reason: suppression.reason, since: iso(suppression.createdAt) } : null,
    consents: [
      ...(subscriber ? [{ what: "newsletter", requestedAt: iso(subscriber.consentRequestedAt), source: subscriber.consentSource, wordingVersion: subscriber.consentWordingVersion, confirmedAt: iso(subscriber.confirmedAt) }] : []),
      ...applications.map((p) => ({ what: "institution-application", requestedAt: iso(p.consentAt), source: "partner-registration", wordingVersion: null, confirmedAt: iso(p.consentAt) })),
    ],
    dialogues: dialogueMemberships.map((m) => ({ dialogueId: m.dialogueId, dialogue: titleOf(m.dialogue.translations), chathamHouse: m.dialogue.chathamHouse, role: m.role, notify: m.notify, since: iso(m.createdAt) })),
    threadsStarted: threads.map((t) => ({ threadId: t.id, dialogueId: t.dialogueId, title: t.title, createdAt: iso(t.createdAt) })),
    posts: posts.map((p) => ({
      postId: p.id,
      dialogueId: p.thread.dialogueId,
      threadId: p.threadId,
      body: p.body,
      attributable: p.attributable,
      createdAt: iso(p.createdAt),
      editedAt: iso(p.editedAt),
      earlierVersions: p.revisions.map((r) => ({ body: r.body, replacedAt: iso(r.createdAt) })),
    })),
    documents: documents.map((d) => ({ documentId: d.id, dialogueId: d.dialogueId, fileName: d.fileName, size: d.size, contentType: d.contentType, sha256: d.sha256, createdAt: iso(d.createdAt), removedAt: iso(d.removedAt) })),
    supportRequests: requests.map((r) => ({
      requestId: r.id,
      institution: r.partner.name,
      type: r.type,
      status: r.status,
      statusReason: r.statusReason,
      language: r.language,
      region: r.region,
      title: r.title,
      purpose: r.purpose,
      startsOn: iso(r.startsOn)?.slice(0, 10) ?? null,
      endsOn: iso(r.endsOn)?.slice(0, 10) ?? null,
      audience: r.audience,
      languages: r.languages,
      supportKinds: r.supportKinds,
      topic: r.topic,
      country: r.country,
      needs: r.needs,
      createdAt: iso(r.createdAt),
      // The team's messages to the institution are shown to it already; staff notes are internal and not about them.
      messagesFromTheTeam: r.messages.map((m) => ({ body: m.body, at: iso(m.createdAt) })),
      history: r.history.map((h) => ({ from: h.fromStatus, to: h.toStatus, reason: h.reason, at: iso(h.createdAt) })),
    })),
    invitations: [
      ...invitations.map((i) => ({ kind: "dialogue", to: i.dialogueId, role: i.role, createdAt: iso(i.createdAt), expiresAt: iso(i.expiresAt), acceptedAt: iso(i.acceptedAt), revokedAt: iso(i.revokedAt) })),
      ...partnerInvitations.map((i) => ({ kind: "institution", to: i.partner.name, role: i.role, createdAt: iso(i.createdAt), expiresAt: iso(i.expiresAt), acceptedAt: iso(i.acceptedAt), revokedAt: iso(i.revokedAt) })),
    ],
    sessions: sessions.map((s) => ({ createdAt: iso(s.createdAt), lastSeenAt: iso(s.lastSeenAt), expiresAt: iso(s.expiresAt), revokedAt: iso(s.revokedAt), userAgent: s.userAgent, ip: s.ip })),
    apiTokens: apiTokens.map((k) => ({ name: k.name, prefix: k.prefix, createdAt: iso(k.createdAt), lastUsedAt: iso(k.lastUsedAt), revokedAt: iso(k.revokedAt) })),
    signInLinks: signInLinks.map((l) => ({ createdAt: iso(l.createdAt), expiresAt: iso(l.expiresAt), usedAt: iso(l.usedAt) })),
    activity: activity.map((a) => ({ action: a.action, byThem: a.actorId === id, about: a.targetType, at: iso(a.createdAt) })),
    mail: mail.map((m) => ({ subject: m.subject, status: m.status, queuedAt: iso(m.createdAt), sentAt: iso(m.sentAt) })),
  };
}
