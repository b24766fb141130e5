import crypto from "node:crypto";
import { prisma } from "../../../utils/db.server.ts";
import { env } from "../../../utils/env.server.ts";
import { recordAudit } from "../../audit.server.ts";
import { requireUser, type Actor } from "../../policy.server.ts";

/**
 * Reply addresses `reply+<token>@REPLY_DOMAIN` (ADR 0052). The token names a person, one of their memberships and
 * a thread by short numbers (`replyRef`), an expiry day and the person's reply-key version, and carries an 80-bit
 * HMAC of all that: 26 bytes, 42 characters of lower-case base32, so the local part (48) fits the 64 allowed and
 * survives relays that change its case. Nothing is stored per address: leaving or being removed deletes the
 * membership its number names, and bumping `User.replyKeyVersion` voids every address the person was given.
 */
const FORMAT = 1;
const BODY = 16;
const MAC = 10;
const DAY_MS = 86_400_000;
const ALPHABET = "abcdefghijklmnopqrstuvwxyz234567";
export const REPLY_LOCAL_PREFIX = "reply+";

export interface ReplyClaims {
  userRef: number;
  memberRef: number;
  threadRef: number;
  /** Last valid day (days since 1970-01-01, UTC). */
  expiresDay: number;
  /** The person's replyKeyVersion when the address was made, modulo 256. */
  keyVersion: number;
}

function key() {
  const e = env();
  return e.REPLY_SECRET ?? crypto.createHmac("sha256", e.SESSION_SECRET).update("genmig dialogue reply addresses v1").digest("hex");
}

const mac = (body: Buffer) => crypto.createHmac("sha256", key()).update(body).digest().subarray(0, MAC);

function base32(bytes: Buffer) {
  let bits = 0;
  let value = 0;
  let out = "";
  for (const b of bytes) {
    value = (value << 8) | b;
    bits += 8;
    while (bits >= 5) {
      out += ALPHABET[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += ALPHABET[(value << (5 - bits)) & 31];
  return out;
}

function unbase32(text: string): Buffer | null {
  let bits = 0;
  let value = 0;
  const out: number[] = [];
  for (const ch of text.toLowerCase()) {
    const v = ALPHABET.indexOf(ch);
    if (v < 0) return null;
    value = ((value << 5) | v) & 0xffff;
    bits += 5;
    if (bits >= 8) {
      out.push((value >>> (bits - 8)) & 255);
      bits -= 8;
    }
  }
  return Buffer.from(out);
}

export function encodeReplyToken(c: ReplyClaims): string {
  const body = Buffer.alloc(BODY);
  body.writeUInt8(FORMAT, 0);
  body.writeUInt32BE(c.userRef, 1);
  body.writeUInt32BE(c.memberRef, 5);
  body.writeUInt32BE(c.threadRef, 9);
  body.writeUInt16BE(c.expiresDay, 13);
  body.writeUInt8(c.keyVersion & 255, 15);
  return base32(Buffer.concat([body, mac(body)]));
}

/** The claims of a genuine token (expired or not: the caller says which), or null for anything forged or garbled. */
export function decodeReplyToken(token: string): ReplyClaims | null {
  const bytes = token.length === 42 ? unbase32(token) : null;
  if (!bytes || bytes.length !== BODY + MAC || bytes[0] !== FORMAT) return null;
  const body = bytes.subarray(0, BODY);
  if (!crypto.timingSafeEqual(mac(body), bytes.subarray(BODY))) return null;
  return {
    userRef: body.readUInt32BE(1),
    memberRef: body.readUInt32BE(5),
    threadRef: body.readUInt32BE(9),
    expiresDay: body.readUInt16BE(13),
    keyVersion: body.readUInt8(15),
  };
}

export const isExpired = (c: ReplyClaims, now = new Date()) => Math.floor(now.getTime() / DAY_MS) > c.expiresDay;

/** The token inside a `reply+<token>@REPLY_DOMAIN` address, or null for any other address. */
export function tokenOfAddress(address: string): string | null {
  const domain = env().REPLY_DOMAIN;
  if (!domain) return null;
  const m = /^reply\+([a-z2-7]{42})@(.+)$/i.exec(address.trim());
  return m && m[2].toLowerCase() === domain.toLowerCase() ? m[1] : null;
}

export interface ReplyTarget {
  user: { replyRef: number; replyKeyVersion: number };
  member: { replyRef: number };
  thread: { replyRef: number };
}

/** The address that posts into `thread` as this member, or null when replies by email are not set up (no REPLY_DOMAIN). */
export function replyAddressFor(t: ReplyTarget, now = new Date()): string | null {
  const domain = env().REPLY_DOMAIN;
  if (!domain) return null;
  const expiresDay = Math.floor(now.getTime() / DAY_MS) + env().REPLY_ADDRESS_DAYS;
  const token = encodeReplyToken({ userRef: t.user.replyRef, memberRef: t.member.replyRef, threadRef: t.thread.replyRef, expiresDay, keyVersion: t.user.replyKeyVersion });
  return `${REPLY_LOCAL_PREFIX}${token}@${domain.toLowerCase()}`;
}

/** A person voids every reply address they were ever sent (a forwarded mail, a shared mailbox); new mail carries new ones. */
export async function revokeReplyAddresses(actor: Actor): Promise<boolean> {
  const user = requireUser(actor);
  await prisma().$transaction(async (tx) => {
    await tx.user.update({ where: { id: user.id }, data: { replyKeyVersion: { increment: 1 } } });
    await recordAudit(tx, actor, "dialogue.replyAddressesRevoked", { type: "User", id: user.id });
  });
  return true;
}
