import { NoSchemaIntrospectionCustomRule } from "graphql";
import type { Plugin } from "graphql-yoga";
import { env } from "../app/utils/env.server.ts";

/**
 * Schema introspection (`__schema`, `__type`) follows GRAPHQL_INTROSPECTION; unset, it is on in development and
 * test and off in production, where the committed schema.graphql is the published contract (ADR 0041). `__typename`
 * stays allowed: clients need it to read unions. Read once per process, like every setting.
 */
export function introspectionEnabled() {
  const { GRAPHQL_INTROSPECTION, NODE_ENV } = env();
  return GRAPHQL_INTROSPECTION ? GRAPHQL_INTROSPECTION === "1" : NODE_ENV !== "production";
}

export function introspectionSetting(): Plugin {
  return {
    onValidate({ addValidationRule }) {
      if (!introspectionEnabled()) addValidationRule(NoSchemaIntrospectionCustomRule);
    },
  };
}
