import { createGraphQLError, type Plugin } from "graphql-yoga";
import { AppError, HTTP_STATUS } from "../app/services/errors.ts";
import { isDatabaseUnavailable, RETRY_AFTER_SECONDS } from "../app/utils/db-unavailable.server.ts";

interface GraphQLErrorLike extends Error {
  originalError?: unknown;
  path?: readonly (string | number)[];
  nodes?: unknown;
  extensions?: Record<string, unknown> & { http?: { status?: number; spec?: boolean } };
}

// The closed set of codes clients see (README "GraphQL"); yoga's GRAPHQL_PARSE_FAILED and the like become BAD_USER_INPUT.
// SERVICE_UNAVAILABLE is no use case's answer: the database could not be reached (app/utils/db-unavailable.server.ts).
const TYPED = new Set([...Object.keys(HTTP_STATUS), "SERVICE_UNAVAILABLE"]);

export const SERVICE_UNAVAILABLE_MESSAGE = "The service is temporarily unavailable: the database cannot be reached. Try again in a few seconds.";

// Duck-typed: graphql-js is loaded twice (ESM by our code, CommonJS by yoga and Pothos), so instanceof lies.
const isGraphQLError = (e: unknown): e is GraphQLErrorLike => e instanceof Error && e.name === "GraphQLError";

/**
 * A variable's value refused by the schema names the input field it was in (`Variable "$s" got invalid value
 * "X" at "s.topics[0]"`): that field gets a key, like a use case's field errors (enum values: invalid_choice).
 */
function variableFields(message: string): Record<string, string> | undefined {
  const at = /^Variable "\$\w+" got invalid value .*? at "[^".[]+(?:\[\d+\])*\.([^"]+)"/s.exec(message)?.[1];
  if (!at) return undefined;
  return { [at.replace(/\[\d+\]/g, "")]: / does not exist in "\w+" enum/.test(message) ? "invalid_choice" : "invalid_input" };
}

/**
 * Turns a use case's AppError into a typed GraphQL error; a request the server could not run (syntax,
 * validation, variables, limits) into BAD_USER_INPUT with HTTP 400; anything else is masked so no internals leak.
 * Errors are built with yoga's own graphql-js, so yoga reads their HTTP status.
 */
export function maskError(error: unknown): Error {
  const original = (error as { originalError?: unknown }).originalError ?? error;
  const located = isGraphQLError(error) ? { nodes: error.nodes as never, path: error.path } : {};
  if (original instanceof AppError) {
    const fields = original.fields
      ? Object.fromEntries(Object.entries(original.fields).map(([k, v]) => [k, v.key]))
      : undefined;
    return createGraphQLError(original.message, {
      ...located,
      extensions: { code: original.code, ...(fields ? { fields } : {}), http: { status: HTTP_STATUS[original.code] } },
    });
  }
  // No path: raised before execution (parse, validation, variable coercion, limits, yoga's HTTP checks).
  if (isGraphQLError(error) && !error.path) {
    const ext = error.extensions ?? {};
    const status = ext.http?.status && !ext.http.spec ? ext.http.status : 400;
    const fields = variableFields(error.message);
    return createGraphQLError(error.message, {
      nodes: error.nodes as never,
      extensions: { ...ext, code: TYPED.has(String(ext.code)) ? ext.code : "BAD_USER_INPUT", ...(fields ? { fields } : {}), http: { ...ext.http, status, spec: false } },
    });
  }
  if (isGraphQLError(error) && !error.originalError) return error;
  if (isDatabaseUnavailable(original)) {
    // 503 with Retry-After under both response types: the caller should retry, not read partial data (ADR 0028).
    return createGraphQLError(SERVICE_UNAVAILABLE_MESSAGE, {
      path: located.path,
      extensions: { code: "SERVICE_UNAVAILABLE", http: { status: 503, headers: { "retry-after": String(RETRY_AFTER_SECONDS) } } },
    });
  }
  console.error(original);
  return createGraphQLError("Internal server error", { path: located.path, extensions: { code: "INTERNAL_SERVER_ERROR" } });
}

/** Validation errors are returned, not thrown, so maskError never sees them: type them here (400, not spec's 200). */
export function typedValidationErrors(): Plugin {
  return {
    onValidate() {
      return ({ valid, result }) => {
        if (valid) return;
        for (const error of result as GraphQLErrorLike[]) {
          const ext = ((error as { extensions: GraphQLErrorLike["extensions"] }).extensions ??= {});
          if (!TYPED.has(String(ext.code))) ext.code = "BAD_USER_INPUT";
          ext.http = { ...ext.http, status: 400, spec: false };
        }
      };
    },
  };
}
