import crypto from "node:crypto";
import { messageIdFor } from "../../../emails/outbox.ts";
import type { BulkSend, BulkSendKind, Prisma } from "../../generated/prisma/client.ts";
import { prisma, type Client } from "../../utils/db.server.ts";
import { env } from "../../utils/env.server.ts";
import { authorize, type Actor } from "../policy.server.ts";
import { estimateFinish } from "./estimate.ts";
import { withTracking } from "./tracking.server.ts";

/** One rendered message shared by the recipients of a send who get the same content in the same language. */
export interface SharedBody {
  id: string;
  subject: string;
  html: string;
  text: string;
}

/** One recipient of a send: their address, their shared body and the values of its placeholders. */
export interface BulkRecipient {
  key: string;
  to: string;
  bodyId: string;
  mergeData: Record<string, string>;
  headers: Record<string, string>;
}

/** A body id that is the same for the same content of the same send (so a resumed send reuses it). */
export const bodyIdFor = (sendId: string, variant: string) => `${sendId}:${crypto.createHash("sha256").update(variant).digest("hex").slice(0, 24)}`;

// eslint-disable-next-line no-control-regex
const LINE_BREAK = /[\r\n\u0000]/;

/**
 * Queues many bulk messages in a handful of statements (INSERT … SELECT FROM unnest): one row per recipient
 * holding only who, which body and their merge values. Call it in the transaction that records why they were
 * sent (e.g. that advances their lastDigestAt). Returns how many new rows were queued (a repeated key is a no-op).
 */
export async function enqueueBulk(db: Client, sendId: string, bodies: SharedBody[], recipients: BulkRecipient[], chunk = 5000) {
  bodies = await withTracking(db, sendId, bodies);
  for (const r of recipients) {
    if (LINE_BREAK.test(r.to)) throw new Error("Refusing a mail address with a line break");
    for (const [name, value] of Object.entries(r.headers)) {
      if (!/^[A-Za-z0-9][A-Za-z0-9-]{0,63}$/.test(name) || LINE_BREAK.test(value)) throw new Error(`Refusing an unsafe mail header ${JSON.stringify(name)}`);
    }
  }
  for (const b of bodies) if (LINE_BREAK.test(b.subject)) throw new Error("Refusing a subject with a line break");
  if (bodies.length) {
    await db.$executeRaw`
      INSERT INTO "MailBody" (id, subject, html, text)
      SELECT * FROM unnest(${bodies.map((b) => b.id)}::text[], ${bodies.map((b) => b.subject)}::text[], ${bodies.map((b) => b.html)}::text[], ${bodies.map((b) => b.text)}::text[])
      ON CONFLICT (id) DO NOTHING`;
  }
  let queued = 0;
  for (let i = 0; i < recipients.length; i += chunk) {
    const part = recipients.slice(i, i + chunk);
    queued += await db.$executeRaw`
      INSERT INTO "OutboxMessage" (id, key, "messageId", "toAddress", subject, html, text, "bodyId", "mergeData", headers, priority, "sendId")
      SELECT 'm' || md5(u.key), u.key, u.mid, u.addr, '', '', '', u.body, u.merge::jsonb, u.headers::jsonb, 'BULK'::"MailPriority", ${sendId}
      FROM unnest(
        ${part.map((r) => r.key)}::text[], ${part.map((r) => messageIdFor(r.key))}::text[], ${part.map((r) => r.to)}::text[],
        ${part.map((r) => r.bodyId)}::text[], ${part.map((r) => JSON.stringify(r.mergeData))}::text[], ${part.map((r) => JSON.stringify(r.headers))}::text[]
      ) AS u(key, mid, addr, body, merge, headers)
      ON CONFLICT DO NOTHING`;
  }
  return queued;
}

export async function createSend(
  db: Client,
  data: { kind: BulkSendKind; period?: string | null; cutoff?: Date; publicationId?: string; segment?: Prisma.InputJsonValue; createdById?: string; requestKey?: string },
) {
  return db.bulkSend.create({ data: { ...data, cutoff: data.cutoff ?? new Date() } });
}

/** Adds a composed chunk's numbers to its send (in the chunk's transaction). */
export const countComposed = (db: Client, sendId: string, considered: number, queued: number) =>
  db.bulkSend.update({ where: { id: sendId }, data: { total: { increment: considered }, enqueued: { increment: queued } } });

/** Every recipient is queued: from now on the send is done when each queued message has an outcome. */
export async function markComposed(db: Client, sendId: string, now = new Date()) {
  const send = await db.bulkSend.update({ where: { id: sendId }, data: { status: "QUEUED", composedAt: now } });
  if (send.sent + send.failed >= send.enqueued && !send.finishedAt) {
    return db.bulkSend.update({ where: { id: sendId }, data: { finishedAt: now } });
  }
  return send;
}

export interface SendProgress {
  id: string;
  kind: BulkSendKind;
  status: "COMPOSING" | "SENDING" | "DONE";
  total: number;
  enqueued: number;
  sent: number;
  failed: number;
  bounced: number;
  delivered: number;
  pending: number;
  /** Opens and clicks: totals (not people), only for sends composed while tracking was on; else null. */
  opens: number | null;
  clicks: number | null;
  startedAt: Date;
  finishedAt: Date | null;
  /** Messages per second over the last minute of bulk sending (all sends), or the configured rate. */
  ratePerSecond: number;
  estimatedFinish: Date | null;
  publicationId: string | null;
}

async function usageWindow(db: Client, now: Date) {
  return db.bulkMailUsage.findMany({ where: { minute: { gt: new Date(now.getTime() - 24 * 3600_000 - 60_000) } }, orderBy: { minute: "asc" } });
}

/** The rate now: bulk messages claimed in the last two whole minutes, else the configured rate. */
function currentRate(usage: { minute: Date; count: number }[], now: Date) {
  const since = now.getTime() - 2 * 60_000;
  const recent = usage.filter((u) => u.minute.getTime() >= since - 60_000);
  const count = recent.reduce((n, u) => n + u.count, 0);
  if (count > 0) {
    const from = Math.min(...recent.map((u) => u.minute.getTime()));
    return count / Math.max(1, (now.getTime() - from) / 1000);
  }
  return env().MAIL_RATE_PER_SECOND;
}

export function progressOf(
  send: BulkSend,
  usage: { minute: Date; count: number }[],
  now: Date,
): SendProgress {
  const pending = Math.max(0, send.enqueued - send.sent - send.failed);
  const status = send.status === "COMPOSING" ? "COMPOSING" : send.finishedAt || pending === 0 ? "DONE" : "SENDING";
  const ratePerSecond = currentRate(usage, now);
  return {
    id: send.id,
    kind: send.kind,
    status,
    total: send.total,
    enqueued: send.enqueued,
    sent: send.sent,
    failed: send.failed,
    bounced: send.bounced,
    delivered: Math.max(0, send.sent - send.bounced),
    pending,
    opens: send.tracked ? send.opens : null,
    clicks: send.tracked ? send.clicks : null,
    startedAt: send.startedAt,
    finishedAt: send.finishedAt,
    publicationId: send.publicationId,
    ratePerSecond,
    estimatedFinish:
      status === "DONE"
        ? send.finishedAt
        : estimateFinish({ now, remaining: pending, ratePerSecond, dailyCap: env().MAIL_DAILY_CAP, usage }),
  };
}

/** Staff follow every send: newest first, with progress, rate and estimated finish. */
export async function listSends(actor: Actor, opts: { take?: number; now?: Date; ids?: string[] } = {}) {
  authorize(actor, { do: "send.manage" });
  return sendsProgress(prisma(), opts);
}

/** The same without an actor: for the CLI, which runs with the operator's rights. */
export async function sendsProgress(db: Client, opts: { take?: number; now?: Date; ids?: string[] } = {}) {
  const now = opts.now ?? new Date();
  const [sends, usage] = await Promise.all([
    db.bulkSend.findMany({ where: opts.ids ? { id: { in: opts.ids } } : {}, orderBy: { startedAt: "desc" }, take: opts.take ?? 50 }),
    usageWindow(db, now),
  ]);
  return sends.map((s) => progressOf(s, usage, now));
}

/**
 * A bounce reported for a message of a send (the webhook gives its Message-ID): one more bounced on that send.
 * Unknown or purged messages, and transactional ones, change nothing. Returns whether a send was counted.
 */
export async function countBounce(db: Client, messageId: string | undefined | null) {
  if (!messageId) return false;
  const id = messageId.trim().startsWith("<") ? messageId.trim() : `<${messageId.trim()}>`;
  // One message bounces once, however many reports name it (a soft bounce, then the hard one); and a send never
  // shows more bounces than messages accepted. The claim shares the webhook's seen-events table and its pruning.
  const claimed = await db.$executeRaw`
    INSERT INTO "EmailEventSeen" ("eventId") SELECT ${`bounced-message:${id}`} WHERE EXISTS (
      SELECT 1 FROM "OutboxMessage" WHERE "messageId" = ${id} AND "sendId" IS NOT NULL
    ) ON CONFLICT ("eventId") DO NOTHING`;
  if (claimed !== 1) return false;
  const n = await db.$executeRaw`
    UPDATE "BulkSend" s SET bounced = s.bounced + 1
    FROM "OutboxMessage" m WHERE m."messageId" = ${id} AND m."sendId" = s.id AND s.bounced < s.sent`;
  return n > 0;
}
