import { svelte } from "@sveltejs/vite-plugin-svelte";
import { defineConfig } from "vite";

export default defineConfig({
  plugins: [svelte()],
  build: { outDir: "dist", emptyOutDir: true },
  server: {
    // In `vite dev` the API comes from a locally running n1radar server.
    proxy: { "/api": "http://localhost:3000" },
  },
});
