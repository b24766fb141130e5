import { EnvelopArmorPlugin } from "@escape.tech/graphql-armor";
import type { ASTVisitor, ValidationContext } from "graphql";
import { createGraphQLError, type Plugin } from "graphql-yoga";

/** Refused before execution: one document can neither fan out into thousands of SQL statements nor run long. */
export const GRAPHQL_LIMITS = { depth: 8, aliases: 15, cost: 5_000, tokens: 2_000, directives: 20 } as const;

const badInput = (message: string) => createGraphQLError(message, { extensions: { code: "BAD_USER_INPUT", http: { status: 400 } } });

/**
 * Abuse limits (graphql-armor): depth, aliases, cost, tokens, directives. "Did you mean" hints are blocked
 * everywhere: they spell out the schema to someone guessing, and GraphiQL's completion does not need them.
 */
export function armor() {
  return EnvelopArmorPlugin({
    maxDepth: { n: GRAPHQL_LIMITS.depth, ignoreIntrospection: true, flattenFragments: true },
    maxAliases: { n: GRAPHQL_LIMITS.aliases },
    costLimit: { maxCost: GRAPHQL_LIMITS.cost, ignoreIntrospection: true },
    maxTokens: { n: GRAPHQL_LIMITS.tokens },
    maxDirectives: { n: GRAPHQL_LIMITS.directives },
    blockFieldSuggestion: { enabled: true },
  });
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
