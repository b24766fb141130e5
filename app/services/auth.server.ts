import { sendSignInLink } from "../../emails/senders.ts";
import { fromDbLanguage, type Lang } from "../i18n/index.ts";
import { email as emailField } from "../schemas/fields.ts";
import { parseInput } from "../schemas/validate.ts";
import { prisma } from "../utils/db.server.ts";
import { env } from "../utils/env.server.ts";
import { z } from "zod";
import { AppError } from "./errors.ts";
import { randomToken, sha256 } from "./crypto.server.ts";
import { consume } from "./rate-limit.server.ts";
import { loadActor } from "./users.server.ts";
import type { SignedInActor } from "./policy.server.ts";

export const SIGN_IN_TTL_MS = 15 * 60 * 1000;
export const SESSION_TTL_MS = 30 * 24 * 3600 * 1000;
const WINDOW_MS = 15 * 60 * 1000;
export const LIMITS = { perEmail: 5, perIp: 20 };

/**
 * Always answers the same way whether or not the address is known, so it reveals nothing;
 * only known people get a link.
 */
export async function requestSignInLink(input: { email: string; ip?: string; lang?: Lang; now?: Date }) {
  const { email } = parseInput(z.object({ email: emailField }), { email: input.email });
  const now = input.now ?? new Date();
  await prisma().$transaction(async (tx) => {
    await consume(tx, `sign-in:email:${email}`, LIMITS.perEmail, WINDOW_MS, now);
    if (input.ip) await consume(tx, `sign-in:ip:${input.ip}`, LIMITS.perIp, WINDOW_MS, now);
    const user = await tx.user.findUnique({ where: { email } });
    if (!user) return;
    const token = randomToken();
    const row = await tx.signInToken.create({
      data: { email, tokenHash: sha256(token), expiresAt: new Date(now.getTime() + SIGN_IN_TTL_MS) },
    });
    const url = `${env().APP_URL}/auth/verify?token=${encodeURIComponent(token)}`;
    await sendSignInLink(tx, { to: email, lang: fromDbLanguage(user.language) ?? input.lang ?? "en", url, tokenId: row.id });
  });
  return { ok: true as const };
}

/** Consumes a sign-in token (single use, 15 minutes) and opens a session. */
export async function signInWithToken(input: { token: string; userAgent?: string; ip?: string; now?: Date }) {
  const now = input.now ?? new Date();
  const tokenHash = sha256(input.token ?? "");
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
    const secret = randomToken();
    await tx.session.create({
      data: {
        id: sha256(secret),
        userId: user.id,
        expiresAt: new Date(now.getTime() + SESSION_TTL_MS),
        userAgent: input.userAgent?.slice(0, 300),
        ip: input.ip?.slice(0, 64),
      },
    });
    return { sessionSecret: secret, userId: user.id };
  });
}

/** Resolves a session secret (from the signed cookie) to its actor, sliding the expiry at most once an hour. */
export async function actorForSession(secret: string, now = new Date()): Promise<SignedInActor | null> {
  const session = await prisma().session.findUnique({ where: { id: sha256(secret) } });
  if (!session || session.revokedAt || session.expiresAt <= now) return null;
  if (now.getTime() - session.lastSeenAt.getTime() > 3600_000) {
    await prisma().session.update({
      where: { id: session.id },
      data: { lastSeenAt: now, expiresAt: new Date(now.getTime() + SESSION_TTL_MS) },
    });
  }
  return loadActor(session.userId);
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
