// Test files that never use the database under test, so a PostgreSQL run (TEST_DATABASE_URL) would only repeat
// them: they run in the embedded pass alone (vitest.config.ts), and tests/setup/database.ts fails one that opens
// that database after all, so a misplaced file cannot silently lose its PostgreSQL run.
// - *.hub.test.ts: drives hub processes on their own embedded database (tests/helpers/hub-process.ts).
// - Unit tests beside their module (app/, emails/, graphql/): pure code, or databases of their own making.
export const EMBEDDED_ONLY = ["**/*.hub.test.ts", "app/**/*.test.ts", "emails/**/*.test.ts", "graphql/**/*.test.ts"];

/** `file` relative to the project root. */
export const embeddedOnly = (file: string) => file.endsWith(".hub.test.ts") || /^(app|emails|graphql)\//.test(file);
