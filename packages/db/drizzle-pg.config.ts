import { defineConfig } from "drizzle-kit";

/** PostgreSQL migrations (DATABASE_URL=postgres://...); drizzle.config.ts holds SQLite's. */
export default defineConfig({
  dialect: "postgresql",
  schema: "./src/schema-pg.ts",
  out: "./drizzle-pg",
});
