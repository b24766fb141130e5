import { createRequire } from "node:module";
import { configDefaults, defineConfig } from "vitest/config";
import { EMBEDDED_ONLY } from "./tests/setup/embedded-only.ts";

const require = createRequire(import.meta.url);

// Files that never use the database under test run in the embedded pass alone (tests/setup/embedded-only.ts).
const onceOnly = process.env.TEST_DATABASE_URL ? EMBEDDED_ONLY : [];

export default defineConfig({
  // One graphql-js for everything: Pothos loads the CommonJS entry, so ours must too.
  resolve: { alias: [{ find: /^graphql$/, replacement: require.resolve("graphql") }] },
  test: {
    include: ["app/**/*.test.ts", "emails/**/*.test.ts", "graphql/**/*.test.ts", "tests/**/*.test.ts"],
    exclude: [...configDefaults.exclude, ...onceOnly],
    globalSetup: ["tests/setup/global.ts"],
    setupFiles: ["tests/setup/database.ts"],
    // Left at vitest's default of one file at a time on 2 cores: two workers measured no faster and less stable
    // on a busy machine (ADR 0032). CI uses the second core by running shards of both passes in two lanes (ADR 0046).
    pool: "forks",
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
