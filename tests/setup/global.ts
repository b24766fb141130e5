import { execFileSync } from "node:child_process";
import type { TestProject } from "vitest/node";
import { pgliteTemplate, postgresTemplate } from "./template.ts";

declare module "vitest" {
  export interface ProvidedContext {
    /** PostgreSQL: the template database's name; PGlite: the migrated dump's path. */
    databaseTemplate: string;
  }
}

// Loader/action and browser tests run against the real Remix build; the browser tests start the compiled server.
// SKIP_BUILD=1 tests the build already there: CI builds once (npm ci) and runs both passes at the same time, and a
// pass rebuilding build/ could hand the other a half-written server.
export default async function setup(project: TestProject) {
  if (process.env.SKIP_BUILD !== "1") {
    // Always a production build: it is the one `npm start` serves (a development build needs React's dev runtime).
    execFileSync("npx", ["remix", "build"], { stdio: ["ignore", "ignore", "inherit"], env: { ...process.env, NODE_ENV: "production" } });
    // A fraction of a second: keeps build/server.js in step with the sources the tests read.
    execFileSync("npm", ["run", "--silent", "build:server"], { stdio: ["ignore", "ignore", "inherit"] });
  }
  const server = process.env.TEST_DATABASE_URL;
  project.provide("databaseTemplate", server ? await postgresTemplate(server) : await pgliteTemplate());
}
