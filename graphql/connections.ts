import { queryFromInfo } from "@pothos/plugin-prisma";
import type { GraphQLResolveInfo } from "graphql";
import type { builder } from "./builder.ts";
import type { Page } from "../app/services/pagination.server.ts";
import { PAGE_DEFAULT, PAGE_MAX } from "../app/schemas/page.ts";

/** Every connection's description says the same thing about page sizes, so clients read it in one place. */
export const PAGE_RULES = `Pages of ${PAGE_DEFAULT} by default, at most ${PAGE_MAX} (more answers BAD_USER_INPUT).`;

/** The Prisma include for the nodes a connection returns, so nested relations load with the page (no N+1). */
// Typed as `never` so it spreads into any model's `findMany` args: the plugin builds it from that model's own type.
export const nodeQuery = (context: object, info: GraphQLResolveInfo) =>
  queryFromInfo({ context, info, path: ["edges", "node"] }) as { include?: never; select?: never };

/** The relay plugin's connection shape plus a lazily counted total. */
export const connection = <T>(page: Page<T>) => ({
  edges: page.edges,
  pageInfo: page.pageInfo,
  totalCount: page.totalCount,
});

export type Counted = { totalCount: () => Promise<number> };
type Types = typeof builder extends PothosSchemaTypes.SchemaBuilder<infer T> ? T : never;

/**
 * Names and the `totalCount` field of a domain's connection: `t.connection({ ... }, ...counted("Partner"))` gives
 * PartnerConnection { edges pageInfo totalCount } and PartnerEdge.
 */
export function counted(name: string) {
  return [
    {
      name: `${name}Connection`,
      fields: (c: PothosSchemaTypes.ObjectFieldBuilder<Types, object>) => ({
        totalCount: c.int({ description: "Matching items across all pages (counted only when asked for).", resolve: (p) => (p as Counted).totalCount() }),
      }),
    },
    { name: `${name}Edge` },
  ] as const;
}
