import crypto from "node:crypto";
import { sendSignInLink } from "../../emails/senders.ts";
import { fromDbLanguage, type Lang } from "../i18n/index.ts";
import { email as emailField } from "../schemas/fields.ts";
import { parseInput } from "../schemas/validate.ts";
import { prisma, type Tx } from "../utils/db.server.ts";
import { env } from "../utils/env.server.ts";
import { z } from "zod";
import { AppError } from "./errors.ts";
import { randomToken, sha256 } from "./crypto.server.ts";
import { addressKey, enforce, hit, LIMITS, requesterKey } from "./rate-limit.server.ts";
import { loadActor } from "./users.server.ts";
import { cachedActor } from "../utils/actor-cache.server.ts";
import type { SignedInActor } from "./policy.server.ts";

export const SIGN_IN_TTL_MS = 15 * 60 * 1000;
export const SESSION_TTL_MS = 30 * 24 * 3600 * 1000;

/**
 * Always answers `ok` for a valid address, known or not, limited or not, so the answer reveals nothing and an
 * attacker cannot lock the owner out: over a per-address limit it silently stops sending. Only the requester's
 * own flood (per IP) and the global ceiling answer RATE_LIMITED. A new link retires the address's older ones.
 * `browser` is the random cookie of the browser asking; the link signs in at once only from that browser.
 */
export async function requestSignInLink(input: { email: string; ip?: string; lang?: Lang; browser?: string; now?: Date; redirectTo?: string }) {
  const { email } = parseInput(z.object({ email: emailField }), { email: input.email });
  const now = input.now ?? new Date();
  if (input.ip && !(await mayRequestLink(email, input.ip, now))) return { ok: true as const };
  await prisma().$transaction(async (tx) => {
    const user = await tx.user.findUnique({ where: { email } });
    if (!user) return;
    await tx.signInToken.updateMany({ where: { email, usedAt: null, expiresAt: { gt: now } }, data: { expiresAt: now } });
    const token = randomToken();
    const row = await tx.signInToken.create({
      data: {
        email,
        tokenHash: sha256(token),
        expiresAt: new Date(now.getTime() + SIGN_IN_TTL_MS),
        browserHash: input.browser ? sha256(input.browser) : null,
      },
    });
    // The page to return to rides along; the verify page accepts only a same-site path from it.
    const back = input.redirectTo && input.redirectTo !== "/account" ? `&redirectTo=${encodeURIComponent(input.redirectTo)}` : "";
    const url = `${env().APP_URL}/auth/verify?token=${encodeURIComponent(token)}${back}`;
    await sendSignInLink(tx, { to: email, lang: fromDbLanguage(user.language) ?? input.lang ?? "en", url, tokenId: row.id });
  });
  return { ok: true as const };
}

/** Throws RATE_LIMITED for the requester's or everyone's flood; false (send nothing, answer ok) for a hot address. */
async function mayRequestLink(email: string, ip: string, now: Date) {
  const to = addressKey(email);
  const from = requesterKey(ip);
  await enforce(`sign-in:ip:${from}`, LIMITS.signIn.perIp, now);
  await enforce("sign-in:global", LIMITS.signIn.global, now);
  if (!(await hit(`sign-in:to:${to}:from:${from}`, LIMITS.signIn.perAddressFromIp, now)).allowed) return false;
  if ((await hit(`sign-in:to:${to}`, LIMITS.signIn.perAddress, now)).allowed) return true;
  // Strangers together may keep the address hot; the owner still gets links where they signed in before.
  const knownPlace = await prisma().session.findFirst({ where: { ip, user: { email } }, select: { id: true } });
  return knownPlace !== null;
}

/** What the verify page needs to ask "Sign in as <address>?" in a browser that did not ask for the link. */
export interface ConfirmationNeeded {
  confirm: { email: string; proof: string };
}

/**
 * A form value that only a page served to this browser can hold: an HMAC of the link's token hash and the
 * browser's own SameSite=Strict cookie. Another site can read neither, so it cannot forge the POST.
 */
export const browserProof = (purpose: "sign-in" | "invitation", tokenHash: string, browser: string) =>
  crypto.createHmac("sha256", env().SESSION_SECRET).update(`${purpose}-confirm:${tokenHash}:${browser}`).digest("base64url");

export const sameSecret = (a: string, b: string) => {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && crypto.timingSafeEqual(x, y);
};

/**
 * Consumes a sign-in token (single use, 15 minutes) and opens a session, if the POST comes from the browser
 * that asked for the link or carries the confirmation that this browser was shown. Otherwise (another device,
 * or a cross-site POST of someone else's token: login CSRF) it answers with the confirmation to show instead.
 * The proof is bound to this browser's cookie, which another site can neither read nor set.
 */
export async function signInWithToken(input: {
  token: string;
  browser: string;
  confirmation?: string;
  userAgent?: string;
  ip?: string;
  now?: Date;
}): Promise<{ sessionSecret: string; userId: string } | ConfirmationNeeded> {
  const now = input.now ?? new Date();
  const tokenHash = sha256(input.token ?? "");
  const proof = browserProof("sign-in", tokenHash, input.browser);
  const bound = async () => {
    const token = await prisma().signInToken.findUnique({ where: { tokenHash } });
    if (!token || token.usedAt || token.expiresAt <= now) throw new AppError("BAD_USER_INPUT", "token_invalid");
    if (token.browserHash && sameSecret(token.browserHash, sha256(input.browser))) return null;
    if (input.confirmation && sameSecret(input.confirmation, proof)) return null;
    return { confirm: { email: token.email, proof } };
  };
  const needed = await bound();
  if (needed) return needed;
  return prisma().$transaction(async (tx) => {
    // The conditional update is the single-use guarantee: two concurrent POSTs cannot both see count 1.
    const used = await tx.signInToken.updateMany({
      where: { tokenHash, usedAt: null, expiresAt: { gt: now } },
      data: { usedAt: now },
    });
    if (used.count !== 1) throw new AppError("BAD_USER_INPUT", "token_invalid");
    const token = await tx.signInToken.findUniqueOrThrow({ where: { tokenHash } });
    const user = await tx.user.findUnique({ where: { email: token.email } });
    if (!user) throw new AppError("BAD_USER_INPUT", "token_invalid");
    return { sessionSecret: await openSession(tx, user.id, input, now), userId: user.id };
  });
}

/** A new session row; the cookie carries only its secret. Also used when an invitation is accepted. */
export async function openSession(tx: Tx, userId: string, meta: { userAgent?: string; ip?: string }, now = new Date()) {
  const secret = randomToken();
  await tx.session.create({
    data: {
      id: sha256(secret),
      userId,
      expiresAt: new Date(now.getTime() + SESSION_TTL_MS),
      userAgent: meta.userAgent?.slice(0, 300),
      ip: meta.ip?.slice(0, 64),
    },
  });
  return secret;
}

/**
 * Resolves a session secret (from the signed cookie) to its actor, sliding the expiry at most once an hour. The
 * answer is reused from memory until the next hourly slide, the session's end, or a change to the account, its
 * memberships or the session (ADR 0050).
 */
export async function actorForSession(secret: string, now = new Date()): Promise<SignedInActor | null> {
  const id = sha256(secret);
  return cachedActor(
    `session:${id}`,
    async () => {
      const session = await prisma().session.findUnique({ where: { id } });
      if (!session || session.revokedAt || session.expiresAt <= now) return { actor: null, until: 0 };
      let { lastSeenAt, expiresAt } = session;
      if (now.getTime() - lastSeenAt.getTime() > 3600_000) {
        ({ lastSeenAt, expiresAt } = await prisma().session.update({
          where: { id },
          data: { lastSeenAt: now, expiresAt: new Date(now.getTime() + SESSION_TTL_MS) },
        }));
      }
      return { actor: await loadActor(session.userId), until: Math.min(expiresAt.getTime(), lastSeenAt.getTime() + 3600_000) };
    },
    now.getTime(),
  );
}

/** Sessions are stored under the hash of the cookie's secret, so a database leak opens no session. */
export const sessionIdFor = (secret: string) => sha256(secret);

export async function signOut(secret: string) {
  await prisma().session.updateMany({ where: { id: sha256(secret), revokedAt: null }, data: { revokedAt: new Date() } });
}

export async function listSessions(actor: SignedInActor) {
  return prisma().session.findMany({
    where: { userId: actor.id, revokedAt: null, expiresAt: { gt: new Date() } },
    orderBy: { lastSeenAt: "desc" },
  });
}

/** Revokes one of the actor's own sessions; another person's session id is simply not found. */
export async function revokeSession(actor: SignedInActor, sessionId: string) {
  const result = await prisma().session.updateMany({
    where: { id: sessionId, userId: actor.id, revokedAt: null },
    data: { revokedAt: new Date() },
  });
  if (result.count === 0) throw new AppError("NOT_FOUND", "not_found");
}
