import crypto from "node:crypto";
import { buildCalendar } from "../../emails/ics.ts";
import { fromDbLanguage, type Lang } from "../i18n/index.ts";
import { prisma } from "../utils/db.server.ts";
import { env } from "../utils/env.server.ts";
import { randomToken } from "./crypto.server.ts";
import { sessionEvent } from "./dialogues/session-notices.server.ts";
import { can, requireUser, type Actor } from "./policy.server.ts";
import { loadActor } from "./users.server.ts";
import { joinUrl, organizer, personalSequence } from "./webinar-notices.server.ts";
import { getWebinar, webinarPageUrl, webinarText } from "./webinars.server.ts";

export async function publicCalendar(actor: Actor, webinarId: string, lang: Lang) {
  const w = await getWebinar(actor, webinarId);
  const text = webinarText(w, lang);
  return buildCalendar({
    method: "PUBLISH",
    organizer: organizer(),
    events: [
      { uid: w.uid, sequence: w.sequence, startsAt: w.startsAt, endsAt: w.endsAt, title: text.title, description: text.description, url: webinarPageUrl(w.id), cancelled: w.status === "CANCELLED" },
    ],
  });
}

export interface PersonalFeed {
  body: string;
  /** A strong validator: the digest of the body, which is the same bytes while nothing in it changed. */
  etag: string;
  lastModified: Date;
}

/**
 * The personal feed: the person's confirmed webinars (with their own join links) and the sessions of the dialogues
 * they may read, as one PUBLISH calendar, each with the SEQUENCE of the person's own invites. DTSTAMP is the time of
 * the latest change among them, so unchanged content is byte for byte the same and its ETag too.
 */
export async function personalFeed(secret: string): Promise<PersonalFeed | null> {
  const user = await prisma().user.findUnique({ where: { calendarSecret: secret }, select: { id: true, language: true } });
  const actor = user && (await loadActor(user.id));
  if (!user || !actor) return null;
  const [regs, memberships, own] = await Promise.all([
    prisma().webinarRegistration.findMany({
      where: { userId: user.id, status: "CONFIRMED" },
      include: { webinar: { include: { translations: true } } },
      orderBy: [{ webinar: { startsAt: "asc" } }, { id: "asc" }],
    }),
    prisma().dialogueMember.findMany({
      where: { userId: user.id },
      include: { dialogue: { select: { id: true, visibility: true, chathamHouse: true, translations: true } } },
    }),
    prisma().dialogueSessionAttendee.findMany({ where: { userId: user.id }, select: { sessionId: true, personalSequence: true } }),
  ]);
  const readable = memberships.filter((m) => can(actor, { do: "dialogue.read", dialogue: { ...m.dialogue, viewerRole: m.role } }));
  const sessions = readable.length
    ? await prisma().dialogueSession.findMany({ where: { dialogueId: { in: readable.map((m) => m.dialogueId) } }, orderBy: [{ startsAt: "asc" }, { id: "asc" }] })
    : [];
  const dialogues = new Map(readable.map((m) => [m.dialogueId, m.dialogue]));
  const ownBySession = new Map(own.map((o) => [o.sessionId, o.personalSequence]));
  const lang = fromDbLanguage(user.language) ?? "en";
  const changes = [...regs.flatMap((r) => [r.updatedAt, r.webinar.updatedAt]), ...sessions.map((s) => s.updatedAt), ...memberships.map((m) => m.createdAt)];
  const lastModified = new Date(Math.max(0, ...changes.map((d) => d.getTime())));
  lastModified.setUTCMilliseconds(0);
  const body = buildCalendar({
    method: "PUBLISH",
    name: "GenMig Hub",
    organizer: organizer(),
    stamp: lastModified,
    events: [
      ...regs.map(({ webinar: w, id, personalSequence: mine }) => {
        const text = webinarText(w, lang);
        const join = joinUrl(id);
        // The SEQUENCE of the person's own invites, so the feed never looks older than what their mail brought.
        const sequence = personalSequence(w, { personalSequence: mine });
        return { uid: w.uid, sequence, startsAt: w.startsAt, endsAt: w.endsAt, title: text.title, description: `${text.description}\n\n${join}`.trim(), url: join, cancelled: w.status === "CANCELLED" };
      }),
      ...sessions.map((s) => sessionEvent(dialogues.get(s.dialogueId)!, s, lang, ownBySession.get(s.id) ?? 0)),
    ],
  });
  const etag = `"${crypto.createHash("sha256").update(body).digest("base64url").slice(0, 27)}"`;
  return { body, etag, lastModified };
}

/** Creates the feed address on first use; `rotate` replaces it, so an old shared address stops working. */
export async function calendarFeedSecret(actor: Actor, rotate = false) {
  const user = requireUser(actor);
  const current = await prisma().user.findUniqueOrThrow({ where: { id: user.id }, select: { calendarSecret: true } });
  if (current.calendarSecret && !rotate) return current.calendarSecret;
  const secret = randomToken();
  await prisma().user.update({ where: { id: user.id }, data: { calendarSecret: secret } });
  return secret;
}

export async function calendarFeedUrl(actor: Actor, create = false) {
  const user = requireUser(actor);
  const secret = create
    ? await calendarFeedSecret(actor)
    : (await prisma().user.findUniqueOrThrow({ where: { id: user.id }, select: { calendarSecret: true } })).calendarSecret;
  return secret ? `${env().APP_URL}/calendar/${secret}.ics` : null;
}
