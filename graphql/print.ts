import fs from "node:fs";
import { printedSchema } from "./schema.ts";

// `npm run schema:print` rewrites the committed SDL; graphql/schema.test.ts fails when it is stale.
fs.writeFileSync(new URL("./schema.graphql", import.meta.url), printedSchema());
console.log("graphql/schema.graphql written");
