import fs from "node:fs";
import { describe, expect, it } from "vitest";
import { printedSchema } from "./schema.ts";

describe("committed schema", () => {
  it("matches the schema built from the code (run `npm run schema:print` after changing it)", () => {
    const committed = fs.readFileSync(new URL("./schema.graphql", import.meta.url), "utf8");
    expect(committed).toBe(printedSchema());
  });
});
