import SchemaBuilder from "@pothos/core";
import PrismaPlugin from "@pothos/plugin-prisma";
import RelayPlugin from "@pothos/plugin-relay";
import type PrismaTypes from "../app/generated/pothos-types.ts";
import { getDatamodel } from "../app/generated/pothos-types.ts";
import type { Actor } from "../app/services/policy.server.ts";
import { prisma } from "../app/utils/db.server.ts";

export interface Context {
  actor: Actor;
  ip?: string;
}

export const builder = new SchemaBuilder<{
  Context: Context;
  PrismaTypes: PrismaTypes;
  Scalars: { DateTime: { Input: Date; Output: Date }; File: { Input: File; Output: never }; JSON: { Input: never; Output: unknown } };
  DefaultFieldNullability: false;
  DefaultEdgesNullability: false;
  DefaultNodeNullability: false;
}>({
  plugins: [PrismaPlugin, RelayPlugin],
  defaultFieldNullability: false,
  // Connections only: no global `node(id)` lookup, which would bypass each domain's visibility rules.
  relay: {
    clientMutationId: "omit",
    cursorType: "String",
    nodeQueryOptions: false,
    nodesQueryOptions: false,
    edgesFieldOptions: { nullable: false },
    nodeFieldOptions: { nullable: false },
  },
  prisma: {
    client: () => prisma(),
    dmmf: getDatamodel(),
    filterConnectionTotalCount: true,
    onUnusedQuery: null,
  },
});

builder.scalarType("DateTime", {
  serialize: (value) => value.toISOString(),
  parseValue: (value) => {
    // Only ISO-8601 text with a zone: Date would also accept numbers, "March 7", and zone-less times read in the server's zone.
    if (typeof value !== "string" || !/^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2}))?$/i.test(value)) {
      throw new TypeError("DateTime must be an ISO-8601 string");
    }
    const date = new Date(value);
    if (Number.isNaN(date.getTime())) throw new TypeError("DateTime must be an ISO-8601 string");
    return date;
  },
});

/**
 * A file sent with the GraphQL multipart request spec (graphql-yoga reads it natively): input only. The front door
 * lets a multipart request to /graphql carry the upload limit; JSON requests keep the small one (ADR 0026).
 */
builder.scalarType("File", {
  description: "A file sent as a part of a multipart request (GraphQL multipart request spec). Input only.",
  serialize: () => {
    throw new TypeError("File is an input-only scalar");
  },
  parseValue: (value) => {
    // The server's Fetch implementation may hand over its own File class: check the shape, not the constructor.
    const file = value as File | null;
    if (!file || typeof file !== "object" || typeof file.arrayBuffer !== "function" || typeof file.size !== "number") {
      throw new TypeError("File must be sent as a part of a multipart request");
    }
    return file;
  },
});

builder.queryType({});
builder.mutationType({});
