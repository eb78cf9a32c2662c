import { defineConfig } from "vitest/config";

export default defineConfig({
  // One throwaway PostgreSQL cluster for the whole run (src/testing/pg-setup.ts); each test opens a fresh
  // database in it, so the store's suite runs against SQLite and a real PostgreSQL alike.
  test: { globalSetup: ["./src/testing/pg-setup.ts"], testTimeout: 30_000, hookTimeout: 60_000 },
});
