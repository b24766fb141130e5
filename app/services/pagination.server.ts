import { pageArgsSchema, PAGE_DEFAULT, type PageArgs } from "../schemas/page.ts";
import { parseInput } from "../schemas/validate.ts";
import { AppError } from "./errors.ts";

export interface PageInfo {
  hasNextPage: boolean;
  hasPreviousPage: boolean;
  startCursor: string | null;
  endCursor: string | null;
}

/** One page of a list; `totalCount` runs its COUNT only when someone asks for it. */
export interface Page<T> {
  nodes: T[];
  edges: { cursor: string; node: T }[];
  pageInfo: PageInfo;
  totalCount: () => Promise<number>;
}

/** What a list use case spreads into its `findMany` next to its own `where`, `orderBy` and includes. */
export interface PageQuery {
  take: number;
  skip: number;
  cursor?: { id: string };
}

// Opaque to clients (they must not build them), stable across releases: a version tag and the row id.
export const encodeCursor = (id: string) => Buffer.from(`c1:${id}`).toString("base64url");

export function decodeCursor(cursor: string, field: "after" | "before"): string {
  const decoded = Buffer.from(cursor, "base64url").toString();
  if (!decoded.startsWith("c1:") || decoded.length < 4 || encodeCursor(decoded.slice(3)) !== cursor) {
    throw new AppError("BAD_USER_INPUT", "invalid_input", { [field]: { key: "invalid_cursor" } });
  }
  return decoded.slice(3);
}

/**
 * Cursor pagination over a unique, totally ordered list: every orderBy must end with `id` so equal sort keys
 * cannot skip or repeat rows. One extra row tells whether another page exists.
 */
export async function paginate<T extends { id: string }>(
  input: PageArgs | undefined,
  fetch: (q: PageQuery) => Promise<T[]>,
  count: () => Promise<number>,
  defaultSize = PAGE_DEFAULT,
): Promise<Page<T>> {
  const args = parseInput(pageArgsSchema, input ?? {});
  const backward = args.last != null || args.before != null;
  const size = (backward ? args.last : args.first) ?? defaultSize;
  const cursorId = args.after ? decodeCursor(args.after, "after") : args.before ? decodeCursor(args.before, "before") : undefined;
  const rows = await fetch({
    take: backward ? -(size + 1) : size + 1,
    skip: cursorId ? 1 : 0,
    ...(cursorId ? { cursor: { id: cursorId } } : {}),
  });
  const more = rows.length > size;
  const nodes = more ? (backward ? rows.slice(1) : rows.slice(0, size)) : rows;
  const edges = nodes.map((node) => ({ cursor: encodeCursor(node.id), node }));
  let counted: Promise<number> | undefined;
  return {
    nodes,
    edges,
    pageInfo: {
      hasNextPage: backward ? !!args.before : more,
      hasPreviousPage: backward ? more : !!args.after,
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges.at(-1)?.cursor ?? null,
    },
    totalCount: () => (counted ??= count()),
  };
}
