import { renderGraphiQL } from "@graphql-yoga/render-graphiql";
import { getOperationAST, type OperationTypeNode } from "graphql";
import { createYoga, type Plugin } from "graphql-yoga";
import { maskError, typedValidationErrors } from "./errors.ts";
import { introspectionEnabled, introspectionSetting } from "./introspection.ts";
import { armor, rejectUnstorableText } from "./limits.ts";
import { schema } from "./schema.ts";
import type { Context } from "./builder.ts";
import { ANONYMOUS, type Actor } from "../app/services/policy.server.ts";

/** Filled in when an operation is executed: the front door caches queries and notes local writes. */
export interface OperationSeen {
  operation?: OperationTypeNode;
}

export interface RequestContext {
  actor?: Actor;
  ip?: string;
  seen?: OperationSeen;
}

const trackOperation: Plugin = {
  onExecute({ args }) {
    const seen = (args.contextValue as RequestContext).seen;
    if (seen) seen.operation = getOperationAST(args.document, args.operationName)?.operation;
  },
};

const yoga = createYoga<RequestContext, Context>({
  schema,
  graphqlEndpoint: "/graphql",
  // GraphiQL needs introspection: it is offered only where introspection is on.
  graphiql: () => process.env.NODE_ENV !== "production" && introspectionEnabled(),
  // Bundled GraphiQL assets: the default would load them from a CDN, which field offices may not reach.
  renderGraphiQL,
  landingPage: false,
  maskedErrors: { maskError },
  // CORS, the CSRF rule and body limits live in app/http/guard.server.ts, in front of every route.
  cors: false,
  // The guard in front of yoga (app/http/handler.server.ts) already bounded the body: 100 KB for JSON, the upload
  // limit for multipart. yoga's own default (25,000,000 bytes) would refuse a 25 MB PDF that the upload limit
  // allows, and its re-streaming check made a 25 MB multipart parse take minutes.
  maxRequestBodySize: false,
  plugins: [introspectionSetting(), armor(), rejectUnstorableText(), typedValidationErrors(), trackOperation],
  // Expected AppErrors are answers, not incidents; maskError logs the unexpected ones.
  logging: false,
  context: ({ actor, ip }) => ({ actor: actor ?? ANONYMOUS, ip }),
});

/** The front door resolves the actor (cookie or Bearer token) first; yoga only runs the operation. */
export function handleGraphQL(request: Request, ctx: RequestContext) {
  return yoga.handleRequest(request, ctx);
}
