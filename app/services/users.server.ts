import { toDbLanguage, type Lang } from "../i18n/index.ts";
import { email as emailField, text } from "../schemas/fields.ts";
import { parseInput } from "../schemas/validate.ts";
import { prisma } from "../utils/db.server.ts";
import { z } from "zod";
import type { Actor, ActorMembership, Role, SignedInActor } from "./policy.server.ts";
import { requireUser } from "./policy.server.ts";
import { recordAudit } from "./audit.server.ts";
import { isTimeZone } from "../utils/time-zones.ts";

const userSchema = z.object({
  email: emailField,
  name: text(120),
  role: z.enum(["ADMIN", "STAFF", "PARTNER"], { errorMap: () => ({ message: "invalid_role" }) }),
});

/** CLI and seed: creates the user or updates name and role of an existing one. */
export async function createUser(input: { email: string; name: string; role: string }, by: Actor = { kind: "anonymous" }) {
  const data = parseInput(userSchema, input);
  return prisma().$transaction(async (tx) => {
    const user = await tx.user.upsert({
      where: { email: data.email },
      create: data,
      update: { name: data.name, role: data.role },
    });
    await recordAudit(tx, by, "user.saved", { type: "User", id: user.id }, { role: data.role });
    return user;
  });
}

export async function loadActor(userId: string): Promise<SignedInActor | null> {
  const user = await prisma().user.findUnique({
    where: { id: userId },
    include: { memberships: { include: { partner: { select: { status: true, name: true } } } } },
  });
  if (!user) return null;
  const memberships: ActorMembership[] = user.memberships.map((m) => ({
    partnerId: m.partnerId,
    partnerName: m.partner.name,
    role: m.role,
    partnerStatus: m.partner.status,
  }));
  return { kind: "user", id: user.id, email: user.email, name: user.name, role: user.role as Role, language: user.language, memberships, statistics: user.statistics, timeZone: user.timeZone };
}

export async function setLanguage(actor: Actor, lang: Lang) {
  const user = requireUser(actor);
  await prisma().user.update({ where: { id: user.id }, data: { language: toDbLanguage(lang) } });
}

/** A zone picked on a page becomes the account's: the pages show this person's times in it from then on. */
export async function rememberPickedZone(actor: Actor, zone: string) {
  if (actor.kind !== "user" || actor.timeZone === zone || !isTimeZone(zone)) return;
  await prisma().user.update({ where: { id: actor.id }, data: { timeZone: zone } });
}
