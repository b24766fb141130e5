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
    throw new AppError("BAD_USER_INPUT", "invalid_cursor", { [field]: { key: "invalid_cursor" } });
  }
  return decoded.slice(3);
}

export interface ParsedPage {
  size: number;
  backward: boolean;
  cursorId?: string;
  after?: string | null;
  before?: string | null;
}

/** Validates Relay arguments (typed BAD_USER_INPUT above the maximum or with a foreign cursor). */
export function parsePage(input: PageArgs | undefined, defaultSize = PAGE_DEFAULT): ParsedPage {
  let args;
  try {
    args = parseInput(pageArgsSchema, input ?? {});
  } catch (error) {
    // One argument is wrong: say which in the message too ("Ask for at most 100 items per page."), not only in fields.
    const [field] = Object.values((error as AppError).fields ?? {});
    if (error instanceof AppError && field) throw new AppError("BAD_USER_INPUT", field.key, error.fields, field.vars);
    throw error;
  }
  const backward = args.last != null || args.before != null;
  const size = (backward ? args.last : args.first) ?? defaultSize;
  const cursorId = args.after ? decodeCursor(args.after, "after") : args.before ? decodeCursor(args.before, "before") : undefined;
  return { size, backward, cursorId, after: args.after, before: args.before };
}

/** What to spread into `findMany`: one row more than the page, to know whether another page exists. */
export const pageQuery = (p: ParsedPage): PageQuery => ({
  take: p.backward ? -(p.size + 1) : p.size + 1,
  skip: p.cursorId ? 1 : 0,
  ...(p.cursorId ? { cursor: { id: p.cursorId } } : {}),
});

/** Builds the page from up to size + 1 rows in list order (for a backward page, the extra row comes first). */
export function toPage<T extends { id: string }>(p: ParsedPage, rows: T[], count: () => Promise<number>): Page<T> {
  const more = rows.length > p.size;
  const nodes = more ? (p.backward ? rows.slice(rows.length - p.size) : rows.slice(0, p.size)) : rows;
  const edges = nodes.map((node) => ({ cursor: encodeCursor(node.id), node }));
  let counted: Promise<number> | undefined;
  return {
    nodes,
    edges,
    pageInfo: {
      hasNextPage: p.backward ? !!p.before : more,
      hasPreviousPage: p.backward ? more : !!p.after,
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges.at(-1)?.cursor ?? null,
    },
    totalCount: () => (counted ??= count()),
  };
}

/**
 * Cursor pagination over a unique, totally ordered list: every orderBy must end with `id` so equal sort keys
 * cannot skip or repeat rows.
 */
export async function paginate<T extends { id: string }>(
  input: PageArgs | undefined,
  fetch: (q: PageQuery) => Promise<T[]>,
  count: () => Promise<number>,
  defaultSize = PAGE_DEFAULT,
): Promise<Page<T>> {
  const p = parsePage(input, defaultSize);
  return toPage(p, await fetch(pageQuery(p)), count);
}

export interface KeysetQuery {
  /** AND this with the list's own filter. */
  where: Record<string, unknown>;
  orderBy: Record<string, "asc" | "desc">[];
  take: number;
}

type Direction = "asc" | "desc";
const flip = (d: Direction): Direction => (d === "asc" ? "desc" : "asc");

/**
 * Keyset pagination of a list ordered by (one column, id): the long lists (audit log, outbox, registrations) and the
 * rest alike, so no page costs more than the first. The cursor is the same opaque row id as everywhere else; its
 * sort key is read by primary key and the page starts strictly after that (key, id) pair — a range on the list's
 * (column, id) index, however deep the page, and rows added or removed meanwhile neither repeat nor skip one.
 * Each list needs an index on (its filter columns, column, id) in the same directions (ADR 0038).
 */
export async function keysetPage<T extends { id: string }>(
  input: PageArgs | undefined,
  opts: {
    field: string;
    /** The list's order of `field` (default newest first); ties by id in `idDir` (default the same). */
    dir?: Direction;
    idDir?: Direction;
    /** The sort key of the row a cursor names (null: the row is gone). */
    keyOf: (id: string) => Promise<Date | string | number | null>;
    fetch: (q: KeysetQuery) => Promise<T[]>;
    count: () => Promise<number>;
    defaultSize?: number;
  },
): Promise<Page<T>> {
  const p = parsePage(input, opts.defaultSize);
  const { field } = opts;
  // A backward page is read in the opposite order from the cursor, then turned round.
  const dir = p.backward ? flip(opts.dir ?? "desc") : (opts.dir ?? "desc");
  const idDir = p.backward ? flip(opts.idDir ?? opts.dir ?? "desc") : (opts.idDir ?? opts.dir ?? "desc");
  let where: Record<string, unknown> = {};
  if (p.cursorId) {
    const key = await opts.keyOf(p.cursorId);
    if (key === null) return toPage(p, [], opts.count);
    const past = dir === "asc" ? "gt" : "lt";
    // The redundant bound (≥ / ≤) is what lets the database start the index scan at the cursor.
    where = {
      AND: [
        { [field]: { [dir === "asc" ? "gte" : "lte"]: key } },
        { OR: [{ [field]: { [past]: key } }, { [field]: key, id: { [idDir === "asc" ? "gt" : "lt"]: p.cursorId } }] },
      ],
    };
  }
  const rows = await opts.fetch({ where, orderBy: [{ [field]: dir }, { id: idDir }], take: p.size + 1 });
  // A backward page was read the other way round: back to list order, the extra row (if any) first.
  return toPage(p, p.backward ? rows.reverse() : rows, opts.count);
}
