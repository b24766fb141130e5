import type { Prisma } from "../../generated/prisma/client.ts";
import { answered, demographicsSchema, type DemographicsInput } from "../../schemas/demographics.ts";
import { parseInput } from "../../schemas/validate.ts";
import { prisma, type Client } from "../../utils/db.server.ts";
import { recordAudit } from "../audit.server.ts";
import { sha256 } from "../crypto.server.ts";
import { requireUser, type Actor } from "../policy.server.ts";

/**
 * Optional gender and age band, kept apart from contact data (ADR 0022). Rows carry no name, no address and
 * no relation: the key is a digest of the person's address, so no query can put an answer next to a name by
 * joining. Only the person (their own answers, to change them), the statistics service (counts) and erasure
 * read this table.
 */
export const personKey = (email: string) => `p:${sha256(email.trim().toLowerCase())}`;
/** An anonymous registration's answers wait under its request until the address owner confirms. */
export const pendingKey = (requestId: string) => `q:${requestId}`;

export const parseDemographics = (input: unknown): DemographicsInput => parseInput(demographicsSchema, input);

async function write(db: Client, key: string, d: DemographicsInput) {
  const data = { gender: d.gender ?? null, genderDescription: d.genderDescription ?? null, ageBand: d.ageBand ?? null };
  await db.demographicAnswer.upsert({ where: { key }, create: { key, ...data }, update: data });
}

/** From a registration form: only what was answered replaces what the person said before. */
export async function recordAnswers(db: Client, email: string, d: DemographicsInput) {
  if (!answered(d)) return;
  const key = personKey(email);
  const before = await db.demographicAnswer.findUnique({ where: { key } });
  await write(db, key, {
    gender: d.gender ?? (before?.gender as DemographicsInput["gender"]) ?? undefined,
    genderDescription: d.gender ? d.genderDescription : (before?.genderDescription ?? undefined),
    ageBand: d.ageBand ?? (before?.ageBand as DemographicsInput["ageBand"]) ?? undefined,
  });
}

export async function holdPendingAnswers(db: Client, requestId: string, d: DemographicsInput) {
  if (answered(d)) await write(db, pendingKey(requestId), d);
}

/** The owner confirmed the address: the held answers become theirs. */
export async function confirmPendingAnswers(db: Prisma.TransactionClient, requestId: string, email: string) {
  const held = await db.demographicAnswer.findUnique({ where: { key: pendingKey(requestId) } });
  if (!held) return;
  await db.demographicAnswer.delete({ where: { key: held.key } });
  await recordAnswers(db, email, {
    gender: (held.gender ?? undefined) as DemographicsInput["gender"],
    genderDescription: held.genderDescription ?? undefined,
    ageBand: (held.ageBand ?? undefined) as DemographicsInput["ageBand"],
  });
}

/** Answers of requests that expired or were never confirmed go with them. */
export async function dropPendingAnswers(db: Client, requestIds: string[]) {
  if (requestIds.length) await db.demographicAnswer.deleteMany({ where: { key: { in: requestIds.map(pendingKey) } } });
}

/** The person's own answers, to fill their profile form; nobody else's. */
export async function myAnswers(actor: Actor) {
  const user = requireUser(actor);
  const row = await prisma().demographicAnswer.findUnique({ where: { key: personKey(user.email) } });
  return { gender: row?.gender ?? "", genderDescription: row?.genderDescription ?? "", ageBand: row?.ageBand ?? "" };
}

/** The profile form: saves the answers, or removes them all when every field is left empty. */
export async function saveMyAnswers(actor: Actor, input: unknown) {
  const user = requireUser(actor);
  const d = parseDemographics(input);
  await prisma().$transaction(async (tx) => {
    if (answered(d)) await write(tx, personKey(user.email), d);
    else await tx.demographicAnswer.deleteMany({ where: { key: personKey(user.email) } });
    // That something changed, never what: the audit log is read by admins who hold no statistics grant.
    await recordAudit(tx, user, answered(d) ? "demographics.saved" : "demographics.removed", { type: "User", id: user.id });
  });
  return answered(d);
}

/** Erasure: the person's answers and any still held under their unconfirmed registrations. */
export async function eraseAnswers(db: Client, email: string) {
  const address = email.trim().toLowerCase();
  const requests = await db.webinarRegistrationRequest.findMany({ where: { email: address }, select: { id: true } });
  await db.demographicAnswer.deleteMany({ where: { key: { in: [personKey(address), ...requests.map((r) => pendingKey(r.id))] } } });
}
