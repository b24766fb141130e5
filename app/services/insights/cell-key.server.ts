import crypto from "node:crypto";
import { Prisma } from "../../generated/prisma/client.ts";
import { env } from "../../utils/env.server.ts";

/**
 * Record keys for cell-key rounding (ADR 0037): each person's key is a keyed digest of the address digest the
 * database keeps on every registration, so it is stable across scopes and queries, and unguessable without the
 * server secret (derived from SESSION_SECRET). The same formula runs in SQL and here; tests hold them equal.
 */
export const cellKeySecret = () => crypto.createHmac("sha256", env().SESSION_SECRET).update("insights cell keys").digest("hex");

/** A person's record key, 0 … 2^28−1 (seven hex digits of the keyed digest). */
export const recordKey = (personKey: string, secret = cellKeySecret()) => parseInt(crypto.createHash("md5").update(secret + personKey).digest("hex").slice(0, 7), 16);

/** The same record key computed by the database, from an SQL expression giving the person's digest. */
export const recordKeySql = (personKey: Prisma.Sql, secret = cellKeySecret()) => Prisma.sql`('x' || substr(md5(${secret}::text || ${personKey}), 1, 7))::bit(28)::int`;
