import crypto from "node:crypto";
import { z } from "zod";
import { distributionEmail, type DigestPublication } from "../../../emails/templates/digest.tsx";
import { fromDbLanguage, LANGUAGES, type Lang } from "../../i18n/index.ts";
import { SECTORS } from "../../schemas/partner.ts";
import { countriesIn, REGIONS } from "../../schemas/regions.ts";
import { TOPICS } from "../../schemas/topics.ts";
import { parseInput } from "../../schemas/validate.ts";
import { prisma, type Client } from "../../utils/db.server.ts";
import { env } from "../../utils/env.server.ts";
import { AppError, notFound } from "../errors.ts";
import { recordAudit } from "../audit.server.ts";
import { authorize, type Actor } from "../policy.server.ts";
import { enforce, LIMITS } from "../rate-limit.server.ts";
import { canSeePublication, isReleased, pickTranslation, publicationGate, viewerForUser } from "../publications/audience.ts";
import { listUnsubscribeHeaders, preferenceUrl, unsubscribeUrl, type ListRecipient } from "../subscriptions/links.server.ts";
import { suppressedAmong } from "../subscriptions/suppression.server.ts";
import { merge } from "../../../emails/mail-bodies.ts";
import { bodyIdFor, countComposed, createSend, enqueueBulk, markComposed, type BulkRecipient } from "./sends.server.ts";
import { lockRow } from "../../utils/row-lock.server.ts";

/**
 * Who a distribution goes to. Every criterion left empty means "any"; partner people match sectors and regions
 * through their approved institutions, dialogues through membership, topics through their digest options.
 * Subscribers (no account) can match only topics and language, so they are included only when asked and when
 * no sector, region or dialogue is chosen.
 */
export const segmentSchema = z.object({
  sectors: z.array(z.enum(SECTORS, { errorMap: () => ({ message: "invalid_sector" }) })).max(SECTORS.length).default([]),
  regions: z.array(z.enum(REGIONS, { errorMap: () => ({ message: "invalid_input" }) })).max(REGIONS.length).default([]),
  topics: z.array(z.enum(TOPICS, { errorMap: () => ({ message: "invalid_input" }) })).max(TOPICS.length).default([]),
  dialogueIds: z.array(z.string().max(40)).max(100).default([]),
  languages: z.array(z.enum(LANGUAGES, { errorMap: () => ({ message: "invalid_language" }) })).max(3).default([]),
  includeSubscribers: z.boolean().default(false),
});
export type Segment = z.output<typeof segmentSchema>;

export async function loadPublication(db: Client, id: string) {
  const p = await db.publication.findUnique({ where: { id }, include: { translations: true, dialogues: { select: { dialogueId: true } } } });
  if (!p) throw notFound();
  return p;
}
type Loaded = Awaited<ReturnType<typeof loadPublication>>;

export function item(p: Loaded, lang: Lang): DigestPublication | null {
  const picked = pickTranslation(p.translations, lang);
  if (!picked) return null;
  return { url: `${env().APP_URL}/publications/${p.id}`, type: p.type, title: picked.translation.title, summary: picked.translation.summary, fallback: picked.fallback };
}

export interface Candidate {
  email: string;
  lang: Lang;
  who: ListRecipient;
}

/** The segment's people who may see the publication (the audience rule, person by person), not suppressed. */
export async function recipientsOf(db: Client, p: Loaded, segment: Segment): Promise<Candidate[]> {
  const gate = publicationGate(p);
  const langs = segment.languages.map((l) => l.toUpperCase() as "EN" | "FR" | "ES");
  const people = await db.user.findMany({
    where: {
      role: "PARTNER",
      memberships: {
        some: {
          partner: {
            status: "APPROVED",
            ...(segment.sectors.length ? { sector: { in: segment.sectors } } : {}),
            ...(segment.regions.length ? { country: { in: segment.regions.flatMap(countriesIn) } } : {}),
          },
        },
      },
      ...(segment.dialogueIds.length ? { dialogueMemberships: { some: { dialogueId: { in: segment.dialogueIds } } } } : {}),
      ...(segment.topics.length ? { digestPreference: { topics: { hasSome: segment.topics } } } : {}),
      ...(langs.length ? { OR: [{ language: { in: langs } }, ...(langs.includes("EN") ? [{ language: null }] : [])] } : {}),
    },
    select: { id: true, email: true, language: true, digestPreference: { select: { preferenceTokenVersion: true, language: true } } },
    orderBy: { id: "asc" },
  });
  const out: Candidate[] = [];
  for (const person of people) {
    if (!canSeePublication(await viewerForUser(db, person.id), gate)) continue;
    out.push({
      email: person.email,
      lang: fromDbLanguage(person.digestPreference?.language ?? person.language) ?? "en",
      who: { kind: "user", userId: person.id, preferenceTokenVersion: person.digestPreference?.preferenceTokenVersion ?? 1 },
    });
  }
  const subscribersMayMatch = segment.includeSubscribers && !segment.sectors.length && !segment.regions.length && !segment.dialogueIds.length;
  if (subscribersMayMatch && canSeePublication({ kind: "subscriber" }, gate)) {
    const subscribers = await db.subscriber.findMany({
      where: {
        status: "CONFIRMED",
        ...(segment.topics.length ? { topics: { hasSome: segment.topics } } : {}),
        ...(langs.length ? { language: { in: langs } } : {}),
      },
      select: { id: true, email: true, language: true, preferenceTokenVersion: true },
    });
    const people = new Set(out.map((c) => c.email));
    for (const s of subscribers) {
      if (people.has(s.email)) continue;
      out.push({ email: s.email, lang: fromDbLanguage(s.language) ?? "en", who: { kind: "subscriber", id: s.id, preferenceTokenVersion: s.preferenceTokenVersion } });
    }
  }
  const suppressed = await suppressedAmong(db, out.map((c) => c.email));
  return out.filter((c) => !suppressed.has(c.email.toLowerCase()));
}

function released(p: Loaded) {
  if (!isReleased(p)) throw new AppError("BAD_USER_INPUT", "publication_not_released", { id: { key: "publication_not_released" } });
}

/** The segment, checked: closed sets by the schema, dialogues against the database. */
async function parseSegment(db: Client, input: unknown): Promise<Segment> {
  const segment = parseInput(segmentSchema, input);
  if (segment.dialogueIds.length) {
    const found = await db.dialogue.count({ where: { id: { in: segment.dialogueIds } } });
    if (found !== new Set(segment.dialogueIds).size) throw new AppError("BAD_USER_INPUT", "invalid_input", { dialogueIds: { key: "unknown_dialogue" } });
  }
  return segment;
}

/**
 * A proof that this staff member previewed this segment of this publication: the page's Send button carries it,
 * and a segment changed after the preview no longer matches it. Derived (HMAC), nothing stored.
 */
export function previewProof(actorId: string, id: string, segment: Segment) {
  const canonical = JSON.stringify([actorId, id, ...segmentParts(segment)]);
  return crypto.createHmac("sha256", env().SESSION_SECRET).update(`distribution-preview:${canonical}`).digest("base64url");
}

const segmentParts = (segment: Segment) => [
  ...(["sectors", "regions", "topics", "dialogueIds", "languages"] as const).map((k) => [...segment[k]].sort()),
  segment.includeSubscribers,
];
/** One text per segment whatever the order of its choices, to tell whether two sends went to the same segment. */
const segmentKey = (segment: Segment) => JSON.stringify(segmentParts(segment));

/**
 * The key of a send request: a replay of the same request (the page's form post with its proof and the send it
 * follows, or an API call with the same idempotency key) names the send it made instead of making another.
 */
export const pageRequestKey = (proof: string, previousSendId: string) =>
  crypto.createHash("sha256").update(`page\n${proof}\n${previousSendId}`).digest("base64url");
export const apiRequestKey = (actorId: string, key: string) =>
  crypto.createHash("sha256").update(`api\n${actorId}\n${key}`).digest("base64url");

/** The latest real distribution of this publication to this very segment (test sends are not one). */
export async function earlierDistribution(db: Client, publicationId: string, segment: Segment) {
  const sends = await db.bulkSend.findMany({
    where: { publicationId, kind: "DISTRIBUTION" },
    select: { id: true, segment: true, startedAt: true, enqueued: true },
    orderBy: [{ startedAt: "desc" }, { id: "desc" }],
  });
  const key = segmentKey(segment);
  for (const s of sends) {
    if (!s.segment || typeof s.segment !== "object" || "test" in s.segment) continue;
    const parsed = segmentSchema.safeParse(s.segment);
    if (parsed.success && segmentKey(parsed.data) === key) return { id: s.id, startedAt: s.startedAt, enqueued: s.enqueued };
  }
  return null;
}

export function checkPreviewProof(actorId: string, id: string, segmentInput: unknown, proof: string) {
  const expected = Buffer.from(previewProof(actorId, id, parseInput(segmentSchema, segmentInput)));
  const given = Buffer.from(proof);
  if (given.length !== expected.length || !crypto.timingSafeEqual(given, expected)) throw new AppError("BAD_USER_INPUT", "preview_first");
}

/**
 * Queues one distribution mail per recipient: one shared body per language (their version, else English),
 * their own preference and one-click unsubscribe links. Keys are per send and person, so a repeat is a no-op.
 */
export async function queueDistribution(tx: Client, sendId: string, p: Loaded, recipients: Candidate[], opts: { update?: boolean } = {}) {
  // A person without digest options gets a (disabled) row, so the unsubscribe link in this mail works for them.
  const users = recipients.flatMap((r) => (r.who.kind === "user" ? [r.who.userId] : []));
  if (users.length) await tx.userDigestPreference.createMany({ data: users.map((userId) => ({ userId, enabled: false })), skipDuplicates: true });
  const bodies = new Map<Lang, { id: string; subject: string; html: string; text: string }>();
  const rows: BulkRecipient[] = recipients.map((r) => {
    let body = bodies.get(r.lang);
    if (!body) {
      body = { id: bodyIdFor(sendId, r.lang), ...distributionEmail(r.lang, (item(p, r.lang) ?? item(p, "en"))!, opts) };
      bodies.set(r.lang, body);
    }
    const tag = r.who.kind === "subscriber" ? `s_${r.who.id}` : `u_${r.who.userId}`;
    return {
      key: `${opts.update ? "distribution-update" : "distribution"}:${sendId}:${tag}`,
      to: r.email,
      bodyId: body.id,
      mergeData: { preferenceUrl: preferenceUrl(r.who), unsubscribeUrl: unsubscribeUrl(r.who) },
      headers: listUnsubscribeHeaders(r.who),
    };
  });
  const queued = await enqueueBulk(tx, sendId, [...bodies.values()], rows);
  await countComposed(tx, sendId, recipients.length, queued);
  return markComposed(tx, sendId);
}

function sampleMail(p: Loaded, lang: Lang) {
  const mail = distributionEmail(lang, item(p, lang) ?? item(p, "en")!);
  const sample = { preferenceUrl: `${env().APP_URL}/subscription/…`, unsubscribeUrl: `${env().APP_URL}/unsubscribe/…` };
  return { subject: mail.subject, html: merge(mail.html, sample, true), text: merge(mail.text, sample, false) };
}

/** The mail alone, as a reader in `lang` gets it (placeholder links): the page shows it in a sandboxed frame. */
export async function distributionMail(actor: Actor, id: string, lang: Lang) {
  authorize(actor, { do: "send.manage" });
  return sampleMail(await loadPublication(prisma(), id), lang);
}

/** What a recipient in `lang` will get, with placeholder links, and how many would, for staff to check first. */
export async function previewDistribution(actor: Actor, id: string, lang: Lang, segmentInput: unknown = {}) {
  authorize(actor, { do: "send.manage" });
  const segment = await parseSegment(prisma(), segmentInput);
  const p = await loadPublication(prisma(), id);
  const recipients = isReleased(p) ? (await recipientsOf(prisma(), p, segment)).length : 0;
  const earlier = await earlierDistribution(prisma(), p.id, segment);
  return { ...sampleMail(p, lang), recipients, released: isReleased(p), segment, earlier };
}

/** The mail as a recipient in `lang` would get it, to the staff member themself, before the real send. */
export async function sendDistributionTest(actor: Actor, id: string, lang: Lang) {
  authorize(actor, { do: "send.manage" });
  if (actor.kind !== "user") throw notFound();
  const p = await loadPublication(prisma(), id);
  // Each test is a real mail to the staff member's own inbox: a handful an hour is plenty.
  await enforce(`distribution-test:${actor.id}`, LIMITS.distributionTest.perUser);
  const mail = distributionEmail(lang, item(p, lang) ?? item(p, "en")!);
  return prisma().$transaction(async (tx) => {
    const send = await createSend(tx, { kind: "DISTRIBUTION", publicationId: p.id, segment: { test: true, lang }, createdById: actor.id });
    const body = { id: bodyIdFor(send.id, lang), ...mail, subject: `[TEST] ${mail.subject}` };
    const who: ListRecipient = { kind: "user", userId: actor.id, preferenceTokenVersion: 1 };
    const queued = await enqueueBulk(tx, send.id, [body], [
      { key: `distribution-test:${send.id}`, to: actor.email, bodyId: body.id, mergeData: { preferenceUrl: `${env().APP_URL}/account`, unsubscribeUrl: `${env().APP_URL}/account` }, headers: listUnsubscribeHeaders(who) },
    ]);
    await countComposed(tx, send.id, 1, queued);
    return markComposed(tx, send.id);
  });
}

/**
 * Sends a released publication to a segment: each recipient their own language version (else English), only
 * people the audience rule lets see it, suppressed addresses skipped, as bulk mail with one-click unsubscribe.
 * Only aggregate counts are kept on the send.
 *
 * Idempotent: a request carrying the key of an earlier one (`requestKey`) answers that send and sends nothing.
 * A segment this publication already went to is sent again only with `again` (CONFLICT otherwise), and that
 * choice is in the audit log (docs/decisions/0044).
 */
export async function distributePublication(actor: Actor, id: string, segmentInput: unknown, opts: { again?: boolean; requestKey?: string } = {}) {
  authorize(actor, { do: "send.manage" });
  const segment = await parseSegment(prisma(), segmentInput);
  return prisma().$transaction(
    async (tx) => {
      // One request at a time per publication, so concurrent replays find the send the first one made.
      await lockRow(tx, "Publication", id);
      if (opts.requestKey) {
        const made = await tx.bulkSend.findUnique({ where: { requestKey: opts.requestKey } });
        if (made) return made;
      }
      const p = await loadPublication(tx, id);
      released(p);
      const earlier = await earlierDistribution(tx, p.id, segment);
      if (earlier && !opts.again) throw new AppError("CONFLICT", "already_distributed", { again: { key: "already_distributed" } });
      const recipients = await recipientsOf(tx, p, segment);
      const send = await createSend(tx, {
        kind: "DISTRIBUTION",
        publicationId: p.id,
        segment,
        createdById: actor.kind === "user" ? actor.id : undefined,
        requestKey: opts.requestKey,
      });
      if (earlier) {
        await recordAudit(tx, actor, "distribution.sentAgain", { type: "Publication", id: p.id }, { sendId: send.id, previousSendId: earlier.id, recipients: recipients.length });
      }
      return queueDistribution(tx, send.id, p, recipients);
    },
    { timeout: 120_000, maxWait: 30_000 },
  );
}
