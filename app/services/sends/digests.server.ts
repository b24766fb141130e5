import { digestEmail, PREFERENCE_URL, UNSUBSCRIBE_URL, type DigestPublication, type DigestWebinar } from "../../../emails/templates/digest.tsx";
import type { BulkSend, DigestFrequency } from "../../generated/prisma/client.ts";
import { fromDbLanguage, type Lang } from "../../i18n/index.ts";
import { prisma, type Client } from "../../utils/db.server.ts";
import { env } from "../../utils/env.server.ts";
import { pickTranslation, viewerForUser, visiblePublicationsFor, type PublicationViewer } from "../publications/audience.ts";
import { listUnsubscribeHeaders, preferenceUrl, unsubscribeUrl, type ListRecipient } from "../subscriptions/links.server.ts";
import { suppressedAmong } from "../subscriptions/suppression.server.ts";
import { bodyIdFor, countComposed, createSend, enqueueBulk, markComposed, type BulkRecipient, type SharedBody } from "./sends.server.ts";

/** At most this many items in one digest (the newest); the rest are on the site. */
export const MAX_DIGEST_ITEMS = 20;
const SUBSCRIBER_CHUNK = 5000;
const PERSON_CHUNK = 200;

export const digestKind = (f: DigestFrequency) => (f === "WEEKLY" ? "DIGEST_WEEKLY" : "DIGEST_MONTHLY");

/** A person due for a digest: picked (and their lastDigestAt advanced) inside a chunk's transaction. */
interface Due {
  id: string;
  email: string;
  language: string;
  topics: string[];
  version: number;
  since: Date;
}

type Publication = Awaited<ReturnType<typeof visiblePublicationsFor>>[number];
type Webinar = { id: string; createdAt: Date; startsAt: Date; translations: { language: "EN" | "FR" | "ES"; title: string }[] };

export interface ComposeProgress {
  considered: number;
  total: number;
  queued: number;
  ratePerSecond: number;
}

/**
 * The scheduled or on-demand start of a digest run. Scheduled runs name their period (e.g. "2026-W48"), unique
 * per kind, so every worker that runs the job finds the same send and none starts a second one.
 */
export async function startDigest(frequency: DigestFrequency, opts: { now?: Date; period?: string; createdById?: string } = {}) {
  const kind = digestKind(frequency);
  if (opts.period) {
    const existing = await prisma().bulkSend.findUnique({ where: { kind_period: { kind, period: opts.period } } });
    if (existing) return { send: existing, created: false };
  }
  try {
    return { send: await createSend(prisma(), { kind, period: opts.period ?? null, cutoff: opts.now ?? new Date(), createdById: opts.createdById }), created: true };
  } catch (error) {
    // Another worker created this period's send between our look and our insert.
    if ((error as { code?: string }).code === "P2002" && opts.period) {
      return { send: await prisma().bulkSend.findUniqueOrThrow({ where: { kind_period: { kind, period: opts.period } } }), created: false };
    }
    throw error;
  }
}

const frequencyOf = (send: BulkSend): DigestFrequency => (send.kind === "DIGEST_MONTHLY" ? "MONTHLY" : "WEEKLY");

/** How many people a digest run will consider (for progress): due subscribers and partner people. */
async function dueCount(db: Client, frequency: DigestFrequency, cutoff: Date) {
  const [subscribers, people] = await Promise.all([
    db.subscriber.count({ where: { status: "CONFIRMED", frequency, OR: [{ lastDigestAt: null }, { lastDigestAt: { lt: cutoff } }] } }),
    db.userDigestPreference.count({ where: { enabled: true, frequency, OR: [{ lastDigestAt: null }, { lastDigestAt: { lt: cutoff } }] } }),
  ]);
  return subscribers + people;
}

/**
 * Picks up to `limit` due subscribers and advances their lastDigestAt to the cutoff in the same statement; the
 * caller queues their digests in the same transaction, so a crash leaves either both or neither (never a
 * digest twice, never a reader skipped). SKIP LOCKED: workers composing at once take disjoint readers.
 */
function pickSubscribers(tx: Client, frequency: DigestFrequency, cutoff: Date, limit: number) {
  return tx.$queryRaw<Due[]>`
    WITH picked AS (
      SELECT id, email, language::text AS language, topics::text[] AS topics, "preferenceTokenVersion" AS version,
             coalesce("lastDigestAt", "confirmedAt", "createdAt") AS since
      FROM "Subscriber"
      WHERE status = 'CONFIRMED'::"SubscriberStatus" AND frequency = ${frequency}::"DigestFrequency"
        AND ("lastDigestAt" IS NULL OR "lastDigestAt" < ${cutoff})
      ORDER BY id
      LIMIT ${limit}
      FOR UPDATE SKIP LOCKED
    ), moved AS (
      UPDATE "Subscriber" s SET "lastDigestAt" = ${cutoff} FROM picked WHERE s.id = picked.id
    )
    SELECT * FROM picked`;
}

/** The same for partner people's digest options (their account language unless they chose one). */
function pickPeople(tx: Client, frequency: DigestFrequency, cutoff: Date, limit: number) {
  return tx.$queryRaw<Due[]>`
    WITH picked AS (
      SELECT p."userId" AS id, u.email, coalesce(p.language, u.language, 'EN'::"Language")::text AS language, p.topics::text[] AS topics,
             p."preferenceTokenVersion" AS version, coalesce(p."lastDigestAt", p."createdAt") AS since
      FROM "UserDigestPreference" p JOIN "User" u ON u.id = p."userId"
      WHERE p.enabled AND p.frequency = ${frequency}::"DigestFrequency"
        AND (p."lastDigestAt" IS NULL OR p."lastDigestAt" < ${cutoff})
      ORDER BY p."userId"
      LIMIT ${limit}
      FOR UPDATE OF p SKIP LOCKED
    ), moved AS (
      UPDATE "UserDigestPreference" d SET "lastDigestAt" = ${cutoff} FROM picked WHERE d."userId" = picked.id
    )
    SELECT * FROM picked`;
}

/** Public webinars still ahead at the cutoff and announced after `since`. */
function upcomingWebinars(db: Client, since: Date, cutoff: Date): Promise<Webinar[]> {
  return db.webinar.findMany({
    where: { status: "SCHEDULED", audience: "PUBLIC", startsAt: { gt: cutoff }, createdAt: { gt: since, lte: cutoff } },
    orderBy: { startsAt: "asc" },
    take: MAX_DIGEST_ITEMS,
    select: { id: true, createdAt: true, startsAt: true, translations: { select: { language: true, title: true } } },
  });
}

/** Renders each distinct digest once per run: everyone with the same items in the same language shares it. */
class DigestBodies {
  private rendered = new Map<string, SharedBody>();
  constructor(
    private readonly sendId: string,
    private readonly frequency: DigestFrequency,
  ) {}

  bodyFor(lang: Lang, pubs: Publication[], webinars: Webinar[]): { body: SharedBody; fresh: boolean } {
    const variant = `${lang}|${pubs.map((p) => p.id).join(",")}|${webinars.map((w) => w.id).join(",")}`;
    const known = this.rendered.get(variant);
    if (known) return { body: known, fresh: false };
    const appUrl = env().APP_URL;
    const items: DigestPublication[] = pubs.flatMap((p) => {
      const picked = pickTranslation(p.translations, lang);
      return picked ? [{ url: `${appUrl}/publications/${p.id}`, type: p.type, title: picked.translation.title, summary: picked.translation.summary, fallback: picked.fallback }] : [];
    });
    const events: DigestWebinar[] = webinars.map((w) => {
      const t = pickTranslation(w.translations, lang);
      return { url: `${appUrl}/webinars/${w.id}`, title: t?.translation.title ?? "", startsAt: w.startsAt };
    });
    const body = { id: bodyIdFor(this.sendId, variant), ...digestEmail(lang, this.frequency, items, events) };
    this.rendered.set(variant, body);
    return { body, fresh: true };
  }
}

const matchesTopics = (p: Publication, topics: string[]) => topics.length === 0 || p.topics.some((t) => topics.includes(t));

function recipientFor(sendId: string, who: ListRecipient, email: string, bodyId: string): BulkRecipient {
  const tag = who.kind === "subscriber" ? `s_${who.id}` : `u_${who.userId}`;
  return {
    key: `digest:${sendId}:${tag}`,
    to: email,
    bodyId,
    mergeData: { preferenceUrl: preferenceUrl(who), unsubscribeUrl: unsubscribeUrl(who) },
    headers: listUnsubscribeHeaders(who),
  };
}

/**
 * Composes and queues a digest run until nobody due is left: per reader, what is new since their last digest
 * that they may see (the publications audience rule, nothing else), in their topics, in their language (else
 * English), plus newly announced public webinars. Nothing new: no mail, but the reader's cursor still moves.
 * Resumable: a run interrupted by a crash continues with the readers whose cursor did not move.
 */
export async function composeDigest(sendId: string, opts: { onProgress?: (p: ComposeProgress) => void; chunk?: number } = {}) {
  const send = await prisma().bulkSend.findUniqueOrThrow({ where: { id: sendId } });
  if (send.status !== "COMPOSING") return send;
  const frequency = frequencyOf(send);
  const cutoff = send.cutoff;
  const bodies = new DigestBodies(send.id, frequency);
  const total = await dueCount(prisma(), frequency, cutoff);
  const t0 = performance.now();
  const progress = { considered: 0, total, queued: 0, ratePerSecond: 0 };
  const report = () => {
    progress.ratePerSecond = progress.considered / Math.max(0.001, (performance.now() - t0) / 1000);
    opts.onProgress?.({ ...progress });
  };
  const subscriberViewer: PublicationViewer = { kind: "subscriber" };

  // Subscribers (no account): they see what the public sees, so one candidate list serves a whole chunk.
  for (;;) {
    const n = await prisma().$transaction(
      async (tx) => {
        const due = await pickSubscribers(tx, frequency, cutoff, opts.chunk ?? SUBSCRIBER_CHUNK);
        if (!due.length) return 0;
        const since = new Date(Math.min(...due.map((d) => d.since.getTime())));
        const [candidates, webinars, suppressed] = await Promise.all([
          visiblePublicationsFor(tx, subscriberViewer, { since, now: cutoff, take: 500 }),
          upcomingWebinars(tx, since, cutoff),
          suppressedAmong(tx, due.map((d) => d.email)),
        ]);
        const fresh: SharedBody[] = [];
        const recipients: BulkRecipient[] = [];
        for (const d of due) {
          if (suppressed.has(d.email.toLowerCase())) continue;
          const pubs = candidates.filter((p) => p.publishedAt! > d.since && matchesTopics(p, d.topics)).slice(0, MAX_DIGEST_ITEMS);
          const events = webinars.filter((w) => w.createdAt > d.since);
          if (!pubs.length && !events.length) continue;
          const { body, fresh: isNew } = bodies.bodyFor(fromDbLanguage(d.language) ?? "en", pubs, events);
          if (isNew) fresh.push(body);
          recipients.push(recipientFor(send.id, { kind: "subscriber", id: d.id, preferenceTokenVersion: d.version }, d.email, body.id));
        }
        const queued = await enqueueBulk(tx, send.id, fresh, recipients);
        await countComposed(tx, send.id, due.length, queued);
        progress.queued += queued;
        return due.length;
      },
      { timeout: 120_000, maxWait: 30_000 },
    );
    if (!n) break;
    progress.considered += n;
    report();
  }

  // Partner people: each sees what the audience rule lets *them* see (partner-only, sector, dialogue items).
  for (;;) {
    const n = await prisma().$transaction(
      async (tx) => {
        const due = await pickPeople(tx, frequency, cutoff, PERSON_CHUNK);
        if (!due.length) return 0;
        const since = new Date(Math.min(...due.map((d) => d.since.getTime())));
        const [webinars, suppressed] = await Promise.all([upcomingWebinars(tx, since, cutoff), suppressedAmong(tx, due.map((d) => d.email))]);
        const fresh: SharedBody[] = [];
        const recipients: BulkRecipient[] = [];
        for (const d of due) {
          if (suppressed.has(d.email.toLowerCase())) continue;
          const viewer = await viewerForUser(tx, d.id);
          const visible = await visiblePublicationsFor(tx, viewer, { since: d.since, now: cutoff, take: 500 });
          const pubs = visible.filter((p) => matchesTopics(p, d.topics)).slice(0, MAX_DIGEST_ITEMS);
          const events = webinars.filter((w) => w.createdAt > d.since);
          if (!pubs.length && !events.length) continue;
          const { body, fresh: isNew } = bodies.bodyFor(fromDbLanguage(d.language) ?? "en", pubs, events);
          if (isNew) fresh.push(body);
          recipients.push(recipientFor(send.id, { kind: "user", userId: d.id, preferenceTokenVersion: d.version }, d.email, body.id));
        }
        const queued = await enqueueBulk(tx, send.id, fresh, recipients);
        await countComposed(tx, send.id, due.length, queued);
        progress.queued += queued;
        return due.length;
      },
      { timeout: 120_000, maxWait: 30_000 },
    );
    if (!n) break;
    progress.considered += n;
    report();
  }
  report();
  return markComposed(prisma(), send.id);
}

/** On demand (`npm run cli -- digest:send`): a run with the cutoff now, for everyone due. */
export async function sendDigestNow(frequency: DigestFrequency, opts: { onProgress?: (p: ComposeProgress) => void; createdById?: string; now?: Date } = {}) {
  const { send } = await startDigest(frequency, { now: opts.now, createdById: opts.createdById });
  return composeDigest(send.id, { onProgress: opts.onProgress });
}

// ── Schedule ──────────────────────────────────────────────────────────────────────────────────────────────────

/** Weekly digests go out from Monday 08:00 UTC, monthly ones from the 1st at 08:00 UTC. */
export function digestPeriod(frequency: DigestFrequency, now: Date): { period: string; startsAt: Date } {
  if (frequency === "MONTHLY") {
    const startsAt = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1, 8));
    const anchor = now < startsAt ? new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 1, 1, 8)) : startsAt;
    return { period: `${anchor.getUTCFullYear()}-${String(anchor.getUTCMonth() + 1).padStart(2, "0")}`, startsAt: anchor };
  }
  const day = (now.getUTCDay() + 6) % 7; // Monday 0
  let startsAt = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() - day, 8));
  if (now < startsAt) startsAt = new Date(startsAt.getTime() - 7 * 86_400_000);
  return { period: `week-of-${startsAt.toISOString().slice(0, 10)}`, startsAt };
}

/**
 * The worker's job: start this period's run once it is due, and finish any run a crash interrupted. Every
 * worker may run it; the period's unique send and SKIP LOCKED keep them from sending anything twice.
 */
export async function runScheduledDigests(now: Date) {
  for (const frequency of ["WEEKLY", "MONTHLY"] as const) {
    const { period, startsAt } = digestPeriod(frequency, now);
    if (now >= startsAt) {
      const existing = await prisma().bulkSend.findUnique({ where: { kind_period: { kind: digestKind(frequency), period } }, select: { id: true } });
      if (!existing) await startDigest(frequency, { now, period });
    }
  }
  await resumeDigests();
}

/** Finishes composing every digest run a crash (or a stop) interrupted, oldest first. */
export async function resumeDigests(opts: { onProgress?: (p: ComposeProgress) => void; chunk?: number } = {}) {
  const unfinished = await prisma().bulkSend.findMany({
    where: { status: "COMPOSING", kind: { in: ["DIGEST_WEEKLY", "DIGEST_MONTHLY"] } },
    orderBy: { startedAt: "asc" },
    select: { id: true },
  });
  for (const s of unfinished) await composeDigest(s.id, opts);
  return unfinished.length;
}

export { PREFERENCE_URL, UNSUBSCRIBE_URL };
