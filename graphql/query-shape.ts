import type { DocumentNode, FragmentDefinitionNode, GraphQLSchema, OperationDefinitionNode, SelectionSetNode, ValueNode } from "graphql";
import { MAX_QUESTIONS } from "../app/schemas/webinar.ts";
import { PAGE_DEFAULT } from "../app/schemas/page.ts";
import { parsePage } from "../app/services/pagination.server.ts";

/**
 * Depth and cost of a GraphQL document as the hub's own shape sees them (docs/decisions/0035).
 *
 * - **Depth** counts the fields a client asks for, not Relay's wrappers: `edges` and `pageInfo` on a connection and
 *   `node` on an edge add no level. `dialogue → threads → edges → node → posts → edges → node → author → name` is
 *   depth 5 (dialogue, threads, posts, author, name).
 * - **Cost** is the most objects the answer can hold, plus the SQL statements it can take: every object costs 1;
 *   a connection holds `first` (or `last`, else its default page) nodes; a plain list holds its declared maximum
 *   (else a default page); a scalar costs 0. A connection and a `totalCount` each cost STATEMENT_COST on top: a
 *   connection nested under a list runs one statement per parent (measured: 10 threads × 20 posts run 12
 *   statements, 100 threads 102), so a hundred tiny nested pages must not be cheap. 10 threads × 20 posts with
 *   their authors cost 521; 100 × 100 × 100 nested pages cost over a million.
 *
 * graphql-js is loaded twice (ESM here, CommonJS in yoga and Pothos), so nothing below uses its `instanceof`-based
 * predicates on schema objects: types are read by shape.
 */

interface FieldLike {
  name: string;
  type: unknown;
  description?: string | null;
}
interface TypeLike {
  name: string;
  getFields?: () => Record<string, FieldLike>;
}

/** Plain (non-connection) lists of objects whose length a schema or rule bounds; any other list costs a default page. */
export const LIST_SIZES: Record<string, number> = {
  "Dialogue.translations": 3,
  "Webinar.translations": 3,
  "WebinarQuestion.labels": 3,
  // app/schemas/webinar.ts: at most 30 speakers and MAX_QUESTIONS questions; an answer per question.
  "Webinar.speakers": 30,
  "Webinar.questions": MAX_QUESTIONS,
  "WebinarRegistration.answers": MAX_QUESTIONS,
  // app/schemas/dialogue.ts: at most 20 documents attached to an outcome.
  "DialogueSession.outcomeDocuments": 20,
  // The 50 most recent sends.
  "Query.sends": 50,
};

/** One SQL statement (a connection's page, a COUNT), priced as ten objects. */
export const STATEMENT_COST = 10;

/** Leaf fields that cost a statement of their own. */
const LEAF_COSTS: Record<string, number> = { totalCount: STATEMENT_COST };

const namedType = (type: unknown): TypeLike => {
  let t = type as { ofType?: unknown };
  while (t.ofType) t = t.ofType as { ofType?: unknown };
  return t as unknown as TypeLike;
};
const isList = (type: unknown) => String(type).replace(/!$/, "").startsWith("[");
const fieldsOf = (type: TypeLike | undefined) => type?.getFields?.();
const isConnection = (type: TypeLike | undefined) => {
  const f = fieldsOf(type);
  return !!f && "edges" in f && "pageInfo" in f;
};
const isEdge = (type: TypeLike | undefined) => {
  const f = fieldsOf(type);
  return !!f && "node" in f && "cursor" in f;
};
/** Relay's wrappers: they add no depth and hold no data of their own. */
const isWrapper = (parent: TypeLike | undefined, field: string) =>
  ((field === "edges" || field === "pageInfo") && isConnection(parent)) || (field === "node" && isEdge(parent));

/** A connection's default page, as its description states it ("Pages of 50 by default"), else the common one. */
const defaultPage = (field: FieldLike) => Number(/Pages of (\d+) by default/.exec(field.description ?? "")?.[1] ?? PAGE_DEFAULT);

type Variables = Record<string, unknown>;

function fragmentsOf(document: DocumentNode) {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const d of document.definitions) if (d.kind === "FragmentDefinition") fragments.set(d.name.value, d);
  return fragments;
}

const rootType = (schema: GraphQLSchema, op: OperationDefinitionNode) =>
  (op.operation === "query" ? schema.getQueryType() : op.operation === "mutation" ? schema.getMutationType() : schema.getSubscriptionType()) as
    | TypeLike
    | undefined;

/** Depth of one operation, counted without Relay's wrappers; introspection fields count 0. */
export function operationDepth(schema: GraphQLSchema, document: DocumentNode, op: OperationDefinitionNode): number {
  const fragments = fragmentsOf(document);
  const memo = new Map<string, number>();
  const visiting = new Set<string>();
  const depthOf = (set: SelectionSetNode, parent: TypeLike | undefined): number => {
    let max = 0;
    for (const s of set.selections) {
      let d = 0;
      if (s.kind === "Field") {
        const name = s.name.value;
        if (name.startsWith("__")) continue;
        const def = fieldsOf(parent)?.[name];
        const child = def ? namedType(def.type) : undefined;
        d = (isWrapper(parent, name) ? 0 : 1) + (s.selectionSet ? depthOf(s.selectionSet, child) : 0);
      } else if (s.kind === "InlineFragment") {
        d = depthOf(s.selectionSet, s.typeCondition ? (schema.getType(s.typeCondition.name.value) as TypeLike | undefined) : parent);
      } else {
        const name = s.name.value;
        const fragment = fragments.get(name);
        if (!fragment || visiting.has(name)) continue;
        if (!memo.has(name)) {
          visiting.add(name);
          memo.set(name, depthOf(fragment.selectionSet, schema.getType(fragment.typeCondition.name.value) as TypeLike | undefined));
          visiting.delete(name);
        }
        d = memo.get(name)!;
      }
      if (d > max) max = d;
    }
    return max;
  };
  return depthOf(op.selectionSet, rootType(schema, op));
}

function literal(node: ValueNode, variables: Variables, defaults: Map<string, ValueNode>): unknown {
  switch (node.kind) {
    case "IntValue":
      return Number(node.value);
    case "StringValue":
      return node.value;
    case "NullValue":
      return null;
    case "Variable": {
      const name = node.name.value;
      if (name in variables) return variables[name];
      const fallback = defaults.get(name);
      return fallback ? literal(fallback, {}, new Map()) : undefined;
    }
    default:
      return undefined;
  }
}

/** The operation a request runs: the named one, or the only one. */
export function chosenOperation(document: DocumentNode, operationName?: string | null) {
  const ops = document.definitions.filter((d): d is OperationDefinitionNode => d.kind === "OperationDefinition");
  return operationName ? ops.find((o) => o.name?.value === operationName) : ops.length === 1 ? ops[0] : undefined;
}

/**
 * Cost of one operation under the variables it runs with (see the module comment). Each connection's page
 * arguments are checked by the same rule its resolver applies (`parsePage`): a page over the maximum is refused
 * here, before anything runs, with the resolver's own BAD_USER_INPUT and `fields.first = page_too_large`.
 */
export function operationCost(schema: GraphQLSchema, document: DocumentNode, op: OperationDefinitionNode, rawVariables?: unknown): number {
  const variables = (rawVariables && typeof rawVariables === "object" ? rawVariables : {}) as Variables;
  const defaults = new Map<string, ValueNode>();
  for (const v of op.variableDefinitions ?? []) if (v.defaultValue) defaults.set(v.variable.name.value, v.defaultValue);
  const fragments = fragmentsOf(document);
  const memo = new Map<string, number>();
  const visiting = new Set<string>();

  const pageSize = (field: FieldLike, node: { arguments?: readonly { name: { value: string }; value: ValueNode }[] }) => {
    const args: Record<string, unknown> = {};
    for (const a of node.arguments ?? []) {
      if (!["first", "last", "after", "before"].includes(a.name.value)) continue;
      const value = literal(a.value, variables, defaults);
      // A value of the wrong type is left to GraphQL's own coercion, which refuses it with its own message.
      const expected = a.name.value === "first" || a.name.value === "last" ? "number" : "string";
      if (value === null || typeof value === expected) args[a.name.value] = value;
    }
    const page = parsePage(args as never, defaultPage(field));
    return page.size;
  };

  // `page` is the number of nodes when `parent` is a connection (its `edges` list holds that many).
  const costOf = (set: SelectionSetNode, parent: TypeLike | undefined, page: number): number => {
    let total = 0;
    for (const s of set.selections) {
      if (s.kind === "Field") {
        const name = s.name.value;
        if (name.startsWith("__")) continue;
        const def = fieldsOf(parent)?.[name];
        if (!def) continue;
        const child = namedType(def.type);
        if (!fieldsOf(child)) {
          total += LEAF_COSTS[name] ?? 0;
          continue;
        }
        const inner = s.selectionSet;
        if (!inner) continue;
        if (isWrapper(parent, name)) {
          // edges: `page` edges (an edge is free); node: the object itself; pageInfo: free.
          if (name === "edges") total += page * costOf(inner, child, 1);
          else if (name === "node") total += 1 + costOf(inner, child, 1);
          else total += costOf(inner, child, 1);
        } else if (isConnection(child)) {
          total += STATEMENT_COST + costOf(inner, child, pageSize(def, s));
        } else if (isList(def.type)) {
          const size = LIST_SIZES[`${parent!.name}.${name}`] ?? PAGE_DEFAULT;
          total += 1 + size * (1 + costOf(inner, child, 1));
        } else {
          total += 1 + costOf(inner, child, 1);
        }
      } else if (s.kind === "InlineFragment") {
        total += costOf(s.selectionSet, s.typeCondition ? (schema.getType(s.typeCondition.name.value) as TypeLike | undefined) : parent, page);
      } else {
        const name = s.name.value;
        const fragment = fragments.get(name);
        if (!fragment || visiting.has(name)) continue;
        const key = `${name}@${page}`;
        if (!memo.has(key)) {
          visiting.add(name);
          memo.set(key, costOf(fragment.selectionSet, schema.getType(fragment.typeCondition.name.value) as TypeLike | undefined, page));
          visiting.delete(name);
        }
        total += memo.get(key)!;
      }
    }
    return total;
  };
  return costOf(op.selectionSet, rootType(schema, op), 1);
}
