import { Prisma } from "../generated/prisma/client.ts";
import type { Tx } from "./db.server.ts";

/**
 * Locks one row until the transaction ends (`SELECT … FOR UPDATE`): concurrent changes of the same thing wait for
 * each other and see each other's result.
 */
export async function lockRow(tx: Tx, model: Prisma.ModelName, id: string) {
  await tx.$queryRaw`SELECT id FROM ${Prisma.raw(`"${model}"`)} WHERE id = ${id} FOR UPDATE`;
}
