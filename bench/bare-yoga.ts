// The yardstick for bench/load.ts: graphql-yoga with a one-field schema on node http, nothing else.
import http from "node:http";
import { createSchema, createYoga } from "graphql-yoga";

const yoga = createYoga({
  schema: createSchema({ typeDefs: "type Query { hello: String }", resolvers: { Query: { hello: () => "world" } } }),
  logging: false,
  graphiql: false,
});
http.createServer(yoga).listen(Number(process.argv[2]), "127.0.0.1");
