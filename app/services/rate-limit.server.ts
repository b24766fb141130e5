import net from "node:net";
import { prisma } from "../utils/db.server.ts";
import { AppError } from "./errors.ts";

export interface Limit {
  max: number;
  windowMs: number;
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/**
 * Every abuse limit in one table, so the numbers can be read and tuned in one place. "Silent" buckets stop
 * the side effect (the mail) but keep the answer unchanged; the others answer RATE_LIMITED (429).
 */
export const LIMITS = {
  signIn: {
    perIp: { max: 20, windowMs: 15 * MINUTE },
    global: { max: 500, windowMs: 15 * MINUTE },
    // silent: one requester cannot fill the owner's inbox nor use up the owner's own allowance
    perAddressFromIp: { max: 3, windowMs: 15 * MINUTE },
    // silent: many requesters together; a place the owner signed in from before is exempt
    perAddress: { max: 10, windowMs: HOUR },
  },
  partnerRegistration: {
    perIp: { max: 5, windowMs: HOUR },
    perAddress: { max: 3, windowMs: HOUR },
    global: { max: 60, windowMs: HOUR },
  },
  webinarRegistration: {
    perIp: { max: 10, windowMs: HOUR },
    perAddress: { max: 5, windowMs: HOUR },
    global: { max: 200, windowMs: HOUR },
  },
  // Each request lands in the research team's queue: a signed-in person cannot flood it.
  supportRequest: {
    perUser: { max: 5, windowMs: HOUR },
    perInstitution: { max: 20, windowMs: DAY },
    global: { max: 200, windowMs: HOUR },
  },
  // Each invited address is one mail from the hub to anyone: partner facilitators (one by one, and all of one
  // dialogue together) are bounded; the research team has a wider bound of its own (ADR 0044).
  dialogueInvitation: {
    perFacilitator: { max: 20, windowMs: HOUR },
    perDialogue: { max: 30, windowMs: DAY },
    perStaff: { max: 200, windowMs: HOUR },
  },
  subscribe: {
    perIp: { max: 10, windowMs: HOUR },
    global: { max: 300, windowMs: HOUR },
    // silent: strangers cannot fill an inbox with confirmation requests; the answer stays the same
    perAddress: { max: 3, windowMs: HOUR },
  },
  // silent: past the limit an open or click of that send from that reader is not counted (the reader still gets
  // the image or the link). Readers are told apart by a short keyed digest per send, never their address (ADR 0044).
  mailTracking: {
    opensPerIp: { max: 50, windowMs: DAY },
    clicksPerIp: { max: 50, windowMs: DAY },
  },
  // Dialogue posts (new threads, replies, edits): each new post can mail every member. Far above the pace of people
  // writing considered posts, low enough that one account or a group of them cannot flood a dialogue (ADR 0039).
  dialoguePost: {
    perUser: { max: 20, windowMs: 10 * MINUTE },
    perDialogue: { max: 200, windowMs: HOUR },
  },
  // silent: answers to emailed replies that were not posted (ADR 0052). A misconfigured client or a loop between two
  // robots stops getting answers; the refusals are still audited.
  dialogueReplyRefusal: {
    perPerson: { max: 5, windowMs: HOUR },
  },
  // A distribution's "send me a test": real mail to the staff member's own inbox.
  distributionTest: {
    perUser: { max: 10, windowMs: HOUR },
  },
} satisfies Record<string, Record<string, Limit>>;

/** Who is asking, as far as the limits care; absent for trusted callers (CLI, seed, worker). */
export interface Requester {
  ip?: string;
}

export interface Hit {
  allowed: boolean;
  /** Attempts counted in the current fixed window, this one included. */
  count: number;
}

/**
 * Counts one attempt and says whether it is within the limit. One statement does the increment and reads the
 * previous window, so concurrent requests on any number of processes each see a distinct count (no
 * count-then-insert race). The previous window is weighted by how much of it still overlaps the sliding window.
 * Runs outside the caller's transaction on purpose: a rejected or rolled-back attempt still counts.
 */
export async function hit(bucket: string, limit: Limit, now = new Date()): Promise<Hit> {
  const start = Math.floor(now.getTime() / limit.windowMs) * limit.windowMs;
  const windowStart = new Date(start);
  const previousStart = new Date(start - limit.windowMs);
  const expiresAt = new Date(start + 2 * limit.windowMs);
  const rows = await prisma().$queryRaw<{ current: number; previous: number }[]>`
    WITH up AS (
      INSERT INTO "RateLimitCounter" ("bucket", "windowStart", "count", "expiresAt")
      VALUES (${bucket}, ${windowStart}, 1, ${expiresAt})
      ON CONFLICT ("bucket", "windowStart") DO UPDATE SET "count" = "RateLimitCounter"."count" + 1
      RETURNING "count"
    )
    SELECT up."count"::int AS current,
      COALESCE((SELECT "count" FROM "RateLimitCounter" WHERE "bucket" = ${bucket} AND "windowStart" = ${previousStart}), 0)::int AS previous
    FROM up`;
  const { current, previous } = rows[0];
  const overlap = 1 - (now.getTime() - start) / limit.windowMs;
  const estimate = Math.floor(previous * overlap) + current;
  // The first attempt of a bucket's window pays for clearing a bounded batch of expired counters.
  if (current === 1) await prune(now);
  return { allowed: estimate <= limit.max, count: current };
}

/** Throws RATE_LIMITED when over the limit. */
export async function enforce(bucket: string, limit: Limit, now = new Date()) {
  if (!(await hit(bucket, limit, now)).allowed) throw new AppError("RATE_LIMITED", "rate_limited");
}

export async function prune(now = new Date(), batch = 1000) {
  return prisma().$executeRaw`
    DELETE FROM "RateLimitCounter" WHERE ctid IN (
      SELECT ctid FROM "RateLimitCounter" WHERE "expiresAt" < ${now} LIMIT ${batch}
    )`;
}

/**
 * The requester's bucket name: an IPv4 address as is, an IPv6 address by its /64 network, since one host
 * usually holds a whole /64 and could otherwise take a fresh address for every request.
 */
export function requesterKey(ip: string) {
  if (!net.isIPv6(ip)) return ip;
  const [head, tail = ""] = ip.split("::");
  const left = head ? head.split(":") : [];
  const right = tail ? tail.split(":") : [];
  const groups = ip.includes("::") ? [...left, ...Array(8 - left.length - right.length).fill("0"), ...right] : left;
  return `${groups.slice(0, 4).map((g) => g.toLowerCase().replace(/^0+(?=.)/, "")).join(":")}::/64`;
}

/** Lower-case and trimmed, so `A@x.org` and `a@x.org ` share a bucket. */
export const addressKey = (email: string) => email.trim().toLowerCase();
