import { z } from "zod";

/** Page sizes shared by every list: the API, the pages and the CLI ask for pages the same way. */
export const PAGE_DEFAULT = 20;
export const PAGE_MAX = 100;

const size = z
  .number({ invalid_type_error: "page_too_large" })
  .int("page_too_large")
  .min(0, "page_too_large")
  .max(PAGE_MAX, "page_too_large")
  .nullish();
const cursor = z.string().max(200, "invalid_cursor").nullish();

/** Relay's arguments: `first`/`after` forwards, `last`/`before` backwards; one direction per request. */
export const pageArgsSchema = z
  .object({ first: size, after: cursor, last: size, before: cursor })
  .refine((a) => a.first == null || a.last == null, { message: "invalid_page", path: ["last"] })
  .refine((a) => a.after == null || a.before == null, { message: "invalid_page", path: ["before"] })
  .refine((a) => !(a.first != null && a.before != null), { message: "invalid_page", path: ["before"] })
  .refine((a) => !(a.last != null && a.after != null), { message: "invalid_page", path: ["after"] });
export type PageArgs = z.input<typeof pageArgsSchema>;

/** Reads `after`/`before` from a page's query string (plain links, no JavaScript). */
export function pageArgsFromUrl(url: URL, size: number, prefix = ""): PageArgs {
  const after = url.searchParams.get(`${prefix}after`) || undefined;
  const before = url.searchParams.get(`${prefix}before`) || undefined;
  return before ? { last: size, before } : { first: size, after };
}
