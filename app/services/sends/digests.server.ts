import { digestEmail, PREFERENCE_URL, UNSUBSCRIBE_URL, type DigestPublication, type DigestWebinar } from "../../../emails/templates/digest.tsx";
import type { BulkSend, DigestFrequency } from "../../generated/prisma/client.ts";
import { fromDbLanguage, type Lang } from "../../i18n/index.ts";
import { database, prisma, type Client } from "../../utils/db.server.ts";
import { env } from "../../utils/env.server.ts";
import { pickTranslation, viewersForUsers, visiblePublicationsFor, type PublicationViewer } from "../publications/audience.ts";
import { listLinks, type ListRecipient } from "../subscriptions/links.server.ts";
import { suppressedAmong } from "../subscriptions/suppression.server.ts";
import { bodyIdFor, countComposed, createSend, enqueueBulk, markComposed, type BulkRecipient, type SharedBody } from "./sends.server.ts";

/** At most this many items in one digest (the newest); the rest are on the site. */
export const MAX_DIGEST_ITEMS = 20;
const SUBSCRIBER_CHUNK = 5000;
const PERSON_CHUNK = 1000;

export const digestKind = (f: DigestFrequency) => (f === "WEEKLY" ? "DIGEST_WEEKLY" : "DIGEST_MONTHLY");

/** A reader due for a digest: picked (and their lastDigestAt advanced) inside a chunk's transaction. */
interface Due {
  id: string;
  email: string;
  language: string;
  topics: string[];
  version: number;
  since: Date;
}

type Publication = Awaited<ReturnType<typeof visiblePublicationsFor>>[number];
type Webinar = { id: string; createdAt: Date; startsAt: Date; endsAt: Date; timeZone: string; translations: { language: "EN" | "FR" | "ES"; title: string }[] };

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
 * Who a digest goes to. Subscribers and partner people are composed in the same chunks, the same way; they differ
 * only in how they are picked (their own table and cursor) and in who they are to the publications audience rule.
 */
interface Readers {
  /** In their outbox keys: `digest:<send>:<tag>_<id>`. */
  tag: "s" | "u";
  chunk: number;
  /**
   * Picks up to `limit` due readers after `after` (keyset, in id order) and advances their lastDigestAt to the
   * cutoff in the same statement; the caller queues their digests in the same transaction, so a crash leaves
   * either both or neither (never a digest twice, never a reader skipped). SKIP LOCKED: workers composing at
   * once take disjoint readers. The update finds them by primary key (`= ANY(ARRAY(…))`), not by a hash join
   * over the whole table.
   */
  pick(tx: Client, frequency: DigestFrequency, cutoff: Date, after: string, limit: number): Promise<Due[]>;
  /** Each reader's viewer for the audience rule, keyed so that equal keys see the same publications. */
  viewers(tx: Client, due: Due[]): Promise<Map<string, { key: string; viewer: PublicationViewer }>>;
  recipient(d: Due): ListRecipient;
}

const SUBSCRIBER_VIEWER: { key: string; viewer: PublicationViewer } = { key: "subscriber", viewer: { kind: "subscriber" } };

const subscribers: Readers = {
  tag: "s",
  chunk: SUBSCRIBER_CHUNK,
  pick: (tx, frequency, cutoff, after, limit) => tx.$queryRaw<Due[]>`
    WITH picked AS (
      SELECT id, email, language::text AS language, topics::text[] AS topics, "preferenceTokenVersion" AS version,
             coalesce("lastDigestAt", "confirmedAt", "createdAt") AS since
      FROM "Subscriber"
      WHERE status = 'CONFIRMED'::"SubscriberStatus" AND frequency = ${frequency}::"DigestFrequency"
        AND ("lastDigestAt" IS NULL OR "lastDigestAt" < ${cutoff}) AND id > ${after}
      ORDER BY id
      LIMIT ${limit}
      FOR UPDATE SKIP LOCKED
    ), moved AS (
      UPDATE "Subscriber" s SET "lastDigestAt" = ${cutoff} WHERE s.id = ANY(ARRAY(SELECT id FROM picked))
    )
    SELECT * FROM picked ORDER BY id`,
  // Without an account they see what the public sees: one viewer for all of them.
  viewers: async (_tx, due) => new Map(due.map((d) => [d.id, SUBSCRIBER_VIEWER])),
  recipient: (d) => ({ kind: "subscriber", id: d.id, preferenceTokenVersion: d.version }),
};

/** Partner people's digest options (their account language unless they chose one). */
const partnerPeople: Readers = {
  tag: "u",
  chunk: PERSON_CHUNK,
  pick: (tx, frequency, cutoff, after, limit) => tx.$queryRaw<Due[]>`
    WITH picked AS (
      SELECT p."userId" AS id, u.email, coalesce(p.language, u.language, 'EN'::"Language")::text AS language, p.topics::text[] AS topics,
             p."preferenceTokenVersion" AS version, coalesce(p."lastDigestAt", p."createdAt") AS since
      FROM "UserDigestPreference" p JOIN "User" u ON u.id = p."userId"
      WHERE p.enabled AND p.frequency = ${frequency}::"DigestFrequency"
        AND (p."lastDigestAt" IS NULL OR p."lastDigestAt" < ${cutoff}) AND p."userId" > ${after}
      ORDER BY p."userId"
      LIMIT ${limit}
      FOR UPDATE OF p SKIP LOCKED
    ), moved AS (
      UPDATE "UserDigestPreference" d SET "lastDigestAt" = ${cutoff} WHERE d."userId" = ANY(ARRAY(SELECT id FROM picked))
    )
    SELECT * FROM picked ORDER BY id`,
  // Each sees what the audience rule lets *them* see (partner-only, sector, dialogue items).
  viewers: (tx, due) => viewersForUsers(tx, due.map((d) => d.id)),
  recipient: (d) => ({ kind: "user", userId: d.id, preferenceTokenVersion: d.version }),
};

/** Public webinars still ahead at the cutoff and announced after `since`. */
function upcomingWebinars(db: Client, since: Date, cutoff: Date): Promise<Webinar[]> {
  return db.webinar.findMany({
    where: { status: "SCHEDULED", audience: "PUBLIC", startsAt: { gt: cutoff }, createdAt: { gt: since, lte: cutoff } },
    orderBy: { startsAt: "asc" },
    take: MAX_DIGEST_ITEMS,
    select: { id: true, createdAt: true, startsAt: true, endsAt: true, timeZone: true, translations: { select: { language: true, title: true } } },
  });
}

/**
 * Renders each distinct digest once per run: everyone with the same items in the same language shares it. A chunk
 * writes the bodies it uses that no committed chunk has written yet (lanes commit independently).
 */
class DigestBodies {
  private rendered = new Map<string, SharedBody>();
  private readonly stored = new Set<string>();
  constructor(
    private readonly sendId: string,
    private readonly frequency: DigestFrequency,
  ) {}

  bodyFor(lang: Lang, pubs: Publication[], webinars: Webinar[]): SharedBody {
    const variant = `${lang}|${pubs.map((p) => p.id).join(",")}|${webinars.map((w) => w.id).join(",")}`;
    const known = this.rendered.get(variant);
    if (known) return known;
    const appUrl = env().APP_URL;
    const items: DigestPublication[] = pubs.flatMap((p) => {
      const picked = pickTranslation(p.translations, lang);
      return picked ? [{ url: `${appUrl}/publications/${p.id}`, type: p.type, title: picked.translation.title, summary: picked.translation.summary, fallback: picked.fallback }] : [];
    });
    const events: DigestWebinar[] = webinars.map((w) => {
      const t = pickTranslation(w.translations, lang);
      return { url: `${appUrl}/webinars/${w.id}`, title: t?.translation.title ?? "", startsAt: w.startsAt, endsAt: w.endsAt, timeZone: w.timeZone };
    });
    const body = { id: bodyIdFor(this.sendId, variant), ...digestEmail(lang, this.frequency, items, events) };
    this.rendered.set(variant, body);
    return body;
  }

  /** Of these bodies, the ones to write (in id order, so lanes writing the same ones never deadlock). */
  unstored(used: Iterable<SharedBody>) {
    return [...used].filter((b) => !this.stored.has(b.id)).sort((a, b) => (a.id < b.id ? -1 : 1));
  }

  /** Once their chunk has committed. */
  markStored(ids: string[]) {
    for (const id of ids) this.stored.add(id);
  }
}

const matchesTopics = (p: Publication, topics: string[]) => topics.length === 0 || p.topics.some((t) => topics.includes(t));
/** Two on PostgreSQL; one on the embedded database, which runs one statement at a time anyway. */
const defaultLanes = () => (database().driver.kind === "postgres" ? 2 : 1);
const earliest = (dates: Date[]) => new Date(Math.min(...dates.map((d) => d.getTime())));

/**
 * One chunk's digests, in the transaction that picked its readers: per reader, what is new since their cursor
 * that they may see, in their topics and language. The content is looked up once per distinct viewer (one
 * query however many readers share it: all subscribers do) from the earliest cursor among them — the newest 500
 * either way, so each reader gets what a query from their own cursor would give — and chosen once per distinct
 * (viewer, language, topics, cursor). Returns how many digests were queued and which bodies were written.
 */
async function composeChunk(tx: Client, send: BulkSend, bodies: DigestBodies, readers: Readers, due: Due[]) {
  const cutoff = send.cutoff;
  const [viewers, webinars, suppressed] = await Promise.all([
    readers.viewers(tx, due),
    upcomingWebinars(tx, earliest(due.map((d) => d.since)), cutoff),
    suppressedAmong(tx, due.map((d) => d.email)),
  ]);
  const groups = new Map<string, { viewer: PublicationViewer; since: Date[] }>();
  for (const d of due) {
    const v = viewers.get(d.id)!;
    const group = groups.get(v.key) ?? groups.set(v.key, { viewer: v.viewer, since: [] }).get(v.key)!;
    group.since.push(d.since);
  }
  const candidates = new Map<string, Publication[]>();
  for (const [key, g] of groups) {
    candidates.set(key, await visiblePublicationsFor(tx, g.viewer, { since: earliest(g.since), now: cutoff, take: 500 }));
  }
  const used = new Set<SharedBody>();
  const recipients: BulkRecipient[] = [];
  const chosen = new Map<string, SharedBody | null>();
  for (const d of due) {
    if (suppressed.has(d.email.toLowerCase())) continue;
    const { key } = viewers.get(d.id)!;
    const lang = fromDbLanguage(d.language) ?? "en";
    const same = `${key}|${lang}|${d.topics.join(",")}|${d.since.getTime()}`;
    let body = chosen.get(same);
    if (body === undefined) {
      const pubs = candidates.get(key)!.filter((p) => p.publishedAt! > d.since && matchesTopics(p, d.topics)).slice(0, MAX_DIGEST_ITEMS);
      const events = webinars.filter((w) => w.createdAt > d.since);
      body = null;
      if (pubs.length || events.length) used.add((body = bodies.bodyFor(lang, pubs, events)));
      chosen.set(same, body);
    }
    if (!body) continue;
    const links = listLinks(readers.recipient(d));
    recipients.push({
      key: `digest:${send.id}:${readers.tag}_${d.id}`,
      to: d.email,
      bodyId: body.id,
      mergeData: { preferenceUrl: links.preferenceUrl, unsubscribeUrl: links.unsubscribeUrl },
      headers: links.headers,
    });
  }
  const fresh = bodies.unstored(used);
  const queued = await enqueueBulk(tx, send.id, fresh, recipients);
  return { queued, written: fresh.map((b) => b.id) };
}

/**
 * Composes and queues a digest run until nobody due is left: per reader, what is new since their last digest
 * that they may see (the publications audience rule, nothing else), in their topics, in their language (else
 * English), plus newly announced public webinars. Nothing new: no mail, but the reader's cursor still moves.
 * Resumable: a run interrupted by a crash continues with the readers whose cursor did not move.
 */
export async function composeDigest(sendId: string, opts: { onProgress?: (p: ComposeProgress) => void; chunk?: number; lanes?: number } = {}) {
  const send = await prisma().bulkSend.findUniqueOrThrow({ where: { id: sendId } });
  if (send.status !== "COMPOSING") return send;
  const frequency = frequencyOf(send);
  const bodies = new DigestBodies(send.id, frequency);
  const total = await dueCount(prisma(), frequency, send.cutoff);
  const t0 = performance.now();
  const progress = { considered: 0, total, queued: 0, ratePerSecond: 0 };
  const report = () => {
    progress.ratePerSecond = progress.considered / Math.max(0.001, (performance.now() - t0) / 1000);
    opts.onProgress?.({ ...progress });
  };

  for (const readers of [subscribers, partnerPeople]) {
    const limit = readers === subscribers ? (opts.chunk ?? readers.chunk) : readers.chunk;
    // Lanes compose chunks side by side on PostgreSQL (its server works on one while this process builds the
    // next); SKIP LOCKED gives them disjoint readers, as it does to several workers.
    let failed = false;
    const lane = async () => {
      // In id order from where this lane's last chunk ended; once past the end, one more pass from the start
      // takes any reader another lane or worker held (SKIP LOCKED) and then gave back by rolling back.
      let after = "";
      while (!failed) {
        const chunk = await prisma().$transaction(
          async (tx) => {
            const due = await readers.pick(tx, frequency, send.cutoff, after, limit);
            if (!due.length) return null;
            const { queued, written } = await composeChunk(tx, send, bodies, readers, due);
            await countComposed(tx, send.id, due.length, queued);
            return { considered: due.length, queued, written, last: due[due.length - 1].id };
          },
          { timeout: 120_000, maxWait: 30_000 },
        );
        if (!chunk) {
          if (!after) break;
          after = "";
          continue;
        }
        bodies.markStored(chunk.written);
        after = chunk.last;
        progress.considered += chunk.considered;
        progress.queued += chunk.queued;
        report();
      }
    };
    await Promise.all(
      Array.from({ length: opts.lanes ?? defaultLanes() }, () =>
        lane().catch((error) => {
          failed = true; // the other lanes stop after their chunk; the run resumes later like after a crash
          throw error;
        }),
      ),
    );
  }
  report();
  // Composed only when no reader is still due. A reader skipped here (SKIP LOCKED) is being composed by another
  // process — `digest:send` while a worker resumes the same run — whose chunk has not committed yet: marking the
  // run composed now would call it DONE before that chunk is queued, and a chunk that then rolls back would leave
  // its readers out. The run stays COMPOSING; whoever composes last marks it, else the next resume does.
  if ((await dueCount(prisma(), frequency, send.cutoff)) > 0) return prisma().bulkSend.findUniqueOrThrow({ where: { id: send.id } });
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
