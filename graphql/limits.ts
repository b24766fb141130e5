import { EnvelopArmorPlugin } from "@escape.tech/graphql-armor";
import type { ASTVisitor, DocumentNode, GraphQLSchema, ValidationContext } from "graphql";
import { createGraphQLError, type Plugin } from "graphql-yoga";
import { chosenOperation, operationCost, operationDepth } from "./query-shape.ts";

/**
 * Refused before execution: one document can neither fan out into thousands of SQL statements nor run long.
 * Depth and cost are measured on the hub's own shape (graphql/query-shape.ts, docs/decisions/0035): depth without
 * Relay's `edges`/`node`/`pageInfo`, cost as the most objects the answer can hold (pages count their `first`)
 * plus 10 per SQL statement (each connection, each `totalCount`).
 */
export const GRAPHQL_LIMITS = { depth: 8, aliases: 15, cost: 5_000, tokens: 2_000, directives: 20 } as const;

type LimitName = "depth" | "cost";
const badInput = (message: string, limit?: { name: LimitName; max: number; found: number }) =>
  createGraphQLError(message, {
    extensions: { code: "BAD_USER_INPUT", ...(limit ? { limit: limit.name, max: limit.max, found: limit.found } : {}), http: { status: 400 } },
  });

/**
 * Abuse limits: aliases, tokens and directives by graphql-armor, depth and cost by our own rules (`shapeLimits`):
 * armor counts Relay's wrappers as levels and prices every field alike, whatever the page size. "Did you mean"
 * hints are blocked everywhere: they spell out the schema to someone guessing, and GraphiQL's completion does not
 * need them.
 */
export function armor(): Plugin {
  return {
    onPluginInit({ addPlugin }) {
      addPlugin(
        EnvelopArmorPlugin({
          maxDepth: { enabled: false },
          maxAliases: { n: GRAPHQL_LIMITS.aliases },
          costLimit: { enabled: false },
          maxTokens: { n: GRAPHQL_LIMITS.tokens },
          maxDirectives: { n: GRAPHQL_LIMITS.directives },
          blockFieldSuggestion: { enabled: true },
        }) as Plugin,
      );
      addPlugin(shapeLimits());
    },
  };
}

const depthRule = (context: ValidationContext): ASTVisitor => ({
  Document(document) {
    for (const op of document.definitions) {
      if (op.kind !== "OperationDefinition") continue;
      const found = operationDepth(context.getSchema(), document, op);
      if (found > GRAPHQL_LIMITS.depth) {
        context.reportError(
          badInput(`Query depth limit of ${GRAPHQL_LIMITS.depth} exceeded, found ${found} (edges, node and pageInfo do not count).`, {
            name: "depth",
            max: GRAPHQL_LIMITS.depth,
            found,
          }) as never,
        );
      }
    }
  },
});

/** The cost check, callable without a server (the tests measure the portal's own queries with it). */
export function costOf(schema: GraphQLSchema, document: DocumentNode, variables?: unknown, operationName?: string | null) {
  const op = chosenOperation(document, operationName);
  return op ? operationCost(schema, document, op, variables) : 0;
}

/**
 * Depth is a validation rule (it depends on the document only, so yoga may cache it). Cost depends on the variables
 * (`first: $n`), so it is measured when the operation is about to run, before any resolver: a refusal runs no SQL.
 */
export function shapeLimits(): Plugin {
  return {
    onValidate({ addValidationRule }) {
      addValidationRule(depthRule);
    },
    onExecute({ args }) {
      const found = costOf(args.schema as GraphQLSchema, args.document as DocumentNode, args.variableValues, args.operationName);
      if (found > GRAPHQL_LIMITS.cost) {
        throw badInput(`Query cost limit of ${GRAPHQL_LIMITS.cost} exceeded, found ${found}: ask for smaller pages (first/last) or fewer nested lists.`, {
          name: "cost",
          max: GRAPHQL_LIMITS.cost,
          found,
        });
      }
    },
  };
}

// NUL cannot be stored in PostgreSQL text; a lone surrogate is not text at all (it would be stored as U+FFFD).
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
export const isUnstorableText = (value: string) => value.includes("\u0000") || LONE_SURROGATE.test(value);

function findUnstorable(value: unknown, depth = 0): boolean {
  if (typeof value === "string") return isUnstorableText(value);
  if (depth > 20 || value === null || typeof value !== "object") return false;
  return Object.entries(value).some(([k, v]) => isUnstorableText(k) || findUnstorable(v, depth + 1));
}

const unstorableLiteralRule = (context: ValidationContext): ASTVisitor => ({
  StringValue(node) {
    if (isUnstorableText(node.value)) context.reportError(badInput("Strings must not contain NUL or unpaired surrogates") as never);
  },
});

/** Text that no field can store is refused as BAD_USER_INPUT before any resolver runs. */
export function rejectUnstorableText(): Plugin {
  return {
    onParams({ params }) {
      if (findUnstorable(params.variables) || findUnstorable(params.operationName)) {
        throw badInput("Variables must not contain NUL or unpaired surrogates");
      }
    },
    onValidate({ addValidationRule }) {
      addValidationRule(unstorableLiteralRule);
    },
  };
}
