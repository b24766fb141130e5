import { createRequire } from "node:module";
import { configDefaults, defineConfig } from "vitest/config";

const require = createRequire(import.meta.url);

// A *.hub.test.ts file drives a hub process on that process's own embedded database (tests/helpers/hub-process.ts)
// and never the database under test, so a PostgreSQL run (TEST_DATABASE_URL) would only repeat it: it runs in the
// embedded pass alone. tests/setup/database.ts fails such a file if it opens the database under test.
const onceOnly = process.env.TEST_DATABASE_URL ? ["**/*.hub.test.ts"] : [];

export default defineConfig({
  // One graphql-js for everything: Pothos loads the CommonJS entry, so ours must too.
  resolve: { alias: [{ find: /^graphql$/, replacement: require.resolve("graphql") }] },
  test: {
    include: ["app/**/*.test.ts", "emails/**/*.test.ts", "graphql/**/*.test.ts", "tests/**/*.test.ts"],
    exclude: [...configDefaults.exclude, ...onceOnly],
    globalSetup: ["tests/setup/global.ts"],
    setupFiles: ["tests/setup/database.ts"],
    // Left at vitest's default of one file at a time on 2 cores: two workers measured no faster and less stable
    // on a busy machine (ADR 0032). CI uses the second core by running the PostgreSQL pass beside this one (ADR 0043).
    pool: "forks",
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
