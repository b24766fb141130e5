// Prisma 6.19 drives its bundled wasm schema engine through a driver adapter, so generate/migrate work offline.
import path from "node:path";
import { defineConfig } from "prisma/config";
import { databaseKind } from "./app/utils/database-url.js";

const root = path.dirname(new URL(import.meta.url).pathname);
const kind = databaseKind(process.env.DATABASE_URL);

process.env.PRISMA_ENGINES_CHECKSUM_IGNORE_MISSING ??= "1";
process.env.PRISMA_SCHEMA_ENGINE_BINARY ??= path.join(root, "node_modules/prisma/build/schema_engine_bg.wasm");
process.env.PRISMA_QUERY_ENGINE_LIBRARY ??= "/dev/null";
if (kind !== "postgres") process.env.PRISMA_SCHEMA_DISABLE_ADVISORY_LOCK ??= "1";

export default defineConfig({
  schema: "prisma/schema.prisma",
  experimental: { adapter: true },
  engine: "js",
  async adapter() {
    const { createAdapter } = await import("./app/utils/adapter.server.js");
    return createAdapter(process.env.DATABASE_URL, process.env.DATA_DIR);
  },
});
