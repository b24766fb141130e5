import crypto from "node:crypto";
import { prisma } from "../../utils/db.server.ts";

/**
 * Record keys for cell-key rounding (ADR 0037): each person's key is a keyed digest of the address digest the
 * database keeps on every registration, so it is stable across scopes and queries, and unguessable without the
 * statistics secret. The database keeps the secret (one row, made at random by its migration) and stores each
 * registration's key beside its digest (trigger "WebinarRegistration_record_key"); this is the same formula, for
 * people who are not registrations (dialogue members and invitations). Tests hold the two equal.
 */
export async function cellKeySecret(): Promise<string> {
  const setting = await prisma().insightsSetting.findUnique({ where: { id: 1 } });
  if (!setting) throw new Error("the statistics secret is missing (InsightsSetting): run the migrations");
  return setting.cellKeySecret;
}

/** A person's record key, 0 … 2^28−1 (seven hex digits of the keyed digest). */
export const recordKey = (personKey: string, secret: string) => parseInt(crypto.createHash("md5").update(secret + personKey).digest("hex").slice(0, 7), 16);
