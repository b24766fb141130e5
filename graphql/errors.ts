import { GraphQLError } from "graphql";
import { AppError, HTTP_STATUS } from "../app/services/errors.ts";

/** Turns a use case's AppError into a typed GraphQL error; anything else is masked so no internals leak. */
export function maskError(error: unknown): Error {
  // Duck-typed: a GraphQLError raised by another copy of graphql-js is not an instance of ours.
  const original = (error as { originalError?: unknown }).originalError ?? error;
  if (original instanceof AppError) {
    const fields = original.fields
      ? Object.fromEntries(Object.entries(original.fields).map(([k, v]) => [k, v.key]))
      : undefined;
    return new GraphQLError(original.message, {
      nodes: error instanceof GraphQLError ? error.nodes : undefined,
      path: error instanceof GraphQLError ? error.path : undefined,
      extensions: { code: original.code, ...(fields ? { fields } : {}), http: { status: HTTP_STATUS[original.code] } },
    });
  }
  if (error instanceof GraphQLError && !error.originalError) return error;
  // A variable that does not fit its type (e.g. "en" for a Language enum) fails before execution, so it has no
  // path; graphql-js wraps the type's own GraphQLError. It is the client's input, not our failure.
  const graphQLish = (e: unknown) => e instanceof Error && e.name === "GraphQLError";
  if (graphQLish(error) && graphQLish(original) && !(error as GraphQLError).path) {
    return new GraphQLError((error as Error).message, {
      nodes: (error as GraphQLError).nodes,
      extensions: { code: "BAD_USER_INPUT", http: { status: 400 } },
    });
  }
  console.error(original);
  return new GraphQLError("Internal server error", {
    path: error instanceof GraphQLError ? error.path : undefined,
    extensions: { code: "INTERNAL_SERVER_ERROR" },
  });
}
