import { database } from "../../app/utils/db.server.ts";

/**
 * Counts every Prisma operation (model queries and raw SQL) run while fn runs, by swapping the shared client
 * for an extended one that the server (which asks for prisma() per request) picks up at once.
 */
export async function countQueries<T>(fn: () => Promise<T>): Promise<{ result: T; queries: number }> {
  const db = database();
  const base = db.prisma;
  let queries = 0;
  const counting = base.$extends({
    query: {
      async $allOperations({ args, query }) {
        queries++;
        return query(args);
      },
    },
  });
  db.prisma = counting as unknown as typeof base;
  try {
    const result = await fn();
    return { result, queries };
  } finally {
    db.prisma = base;
  }
}
