import { z } from "zod";
import { text } from "../schemas/fields.ts";
import { parseInput } from "../schemas/validate.ts";
import { prisma } from "../utils/db.server.ts";
import { recordAudit } from "./audit.server.ts";
import { randomToken, sha256 } from "./crypto.server.ts";
import { AppError } from "./errors.ts";
import { authorize, type Actor, type SignedInActor } from "./policy.server.ts";
import { loadActor } from "./users.server.ts";
import { cachedActor } from "../utils/actor-cache.server.ts";

const PREFIX = "gmh_";

/** Returns the token once; only its hash is stored. */
export async function createApiToken(actor: Actor, input: { name: string }, owner?: SignedInActor) {
  authorize(actor, { do: "apiToken.manage" });
  const { name } = parseInput(z.object({ name: text(80) }), input);
  const user = owner ?? (actor as SignedInActor);
  const token = PREFIX + randomToken();
  return prisma().$transaction(async (tx) => {
    const row = await tx.apiToken.create({
      data: { userId: user.id, name, tokenHash: sha256(token), prefix: token.slice(0, PREFIX.length + 6) },
    });
    await recordAudit(tx, actor, "apiToken.created", { type: "ApiToken", id: row.id }, { name, owner: user.email });
    return { token, id: row.id, name: row.name, prefix: row.prefix };
  });
}

export async function listApiTokens(actor: Actor) {
  authorize(actor, { do: "apiToken.manage" });
  const user = actor as SignedInActor;
  return prisma().apiToken.findMany({ where: { userId: user.id, revokedAt: null }, orderBy: { createdAt: "desc" } });
}

export async function revokeApiToken(actor: Actor, id: string) {
  authorize(actor, { do: "apiToken.manage" });
  const user = actor as SignedInActor;
  await prisma().$transaction(async (tx) => {
    const result = await tx.apiToken.updateMany({ where: { id, userId: user.id, revokedAt: null }, data: { revokedAt: new Date() } });
    if (result.count === 0) throw new AppError("NOT_FOUND", "not_found");
    await recordAudit(tx, actor, "apiToken.revoked", { type: "ApiToken", id });
  });
}

export async function actorForApiToken(token: string): Promise<SignedInActor | null> {
  if (!token.startsWith(PREFIX)) return null;
  const tokenHash = sha256(token);
  // Reused from memory until "last used" is due again, or the token, its owner or their role changes (ADR 0050).
  return cachedActor(`token:${tokenHash}`, async () => {
    const row = await prisma().apiToken.findUnique({ where: { tokenHash } });
    if (!row || row.revokedAt) return { actor: null, until: 0 };
    const actor = await loadActor(row.userId);
    // Tokens are for the research team's scripts: a demoted user's tokens stop working.
    if (!actor || (actor.role !== "STAFF" && actor.role !== "ADMIN")) return { actor: null, until: 0 };
    // "Last used" to the minute: a write on every API call would cost more than the call itself.
    const now = new Date();
    let lastUsedAt = row.lastUsedAt;
    if (!lastUsedAt || now.getTime() - lastUsedAt.getTime() > 60_000) {
      lastUsedAt = now;
      await prisma().apiToken.update({ where: { id: row.id }, data: { lastUsedAt } });
    }
    return { actor, until: lastUsedAt.getTime() + 60_000 };
  });
}
