import { defineConfig } from "vitest/config";

// Unit tests cover the pure helpers in src/lib only, so the Svelte plugin is not loaded here.
export default defineConfig({
  test: { include: ["src/**/*.test.ts"], environment: "node" },
});
