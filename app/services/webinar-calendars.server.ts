import { buildCalendar } from "../../emails/ics.ts";
import { fromDbLanguage, type Lang } from "../i18n/index.ts";
import { prisma } from "../utils/db.server.ts";
import { env } from "../utils/env.server.ts";
import { randomToken } from "./crypto.server.ts";
import { requireUser, type Actor } from "./policy.server.ts";
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

/** The personal feed: the person's confirmed webinars, with their own join links, as one PUBLISH calendar. */
export async function personalFeed(secret: string) {
  const user = await prisma().user.findUnique({ where: { calendarSecret: secret } });
  if (!user) return null;
  const regs = await prisma().webinarRegistration.findMany({
    where: { userId: user.id, status: "CONFIRMED" },
    include: { webinar: { include: { translations: true } } },
  });
  const lang = fromDbLanguage(user.language) ?? "en";
  return buildCalendar({
    method: "PUBLISH",
    name: "GenMig Hub",
    organizer: organizer(),
    events: regs.map(({ webinar: w, id, personalSequence: own }) => {
      const text = webinarText(w, lang);
      const join = joinUrl(id);
      // The SEQUENCE of the person's own invites, so the feed never looks older than what their mail brought.
      const sequence = personalSequence(w, { personalSequence: own });
      return { uid: w.uid, sequence, startsAt: w.startsAt, endsAt: w.endsAt, title: text.title, description: `${text.description}\n\n${join}`.trim(), url: join, cancelled: w.status === "CANCELLED" };
    }),
  });
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
