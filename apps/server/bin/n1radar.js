#!/usr/bin/env node
// The `n1radar` command. It runs the compiled CLI (dist/cli.js); in a fresh clone, or after a pull changed the
// sources it is built from, it builds first (turbo, the same build as `npm run build`), so `npx n1radar` works
// right after `npm ci`. Build output goes to stderr: stdout stays the report (or the --json document).
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../../../", import.meta.url));
/** The packages the CLI is compiled from, each with the file its build writes. */
const PARTS = [
  ["packages/core", "dist/index.js"],
  ["packages/otlp", "dist/index.js"],
  ["packages/detector", "dist/index.js"],
  ["packages/guidance", "dist/index.js"],
  ["apps/server", "dist/cli.js"],
];

function newestSource(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestSource(path));
    else if (entry.name.endsWith(".ts") && !/\.test\.ts$|\.d\.ts$/.test(entry.name))
      newest = Math.max(newest, statSync(path).mtimeMs);
  }
  return newest;
}

function stale() {
  return PARTS.some(([pkg, out]) => {
    const built = join(root, pkg, out);
    return !existsSync(built) || statSync(built).mtimeMs < newestSource(join(root, pkg, "src"));
  });
}

if (stale()) {
  process.stderr.write("n1radar: building the CLI first (once after a clone or a pull)...\n");
  const turbo = join(root, "node_modules", ".bin", "turbo");
  const build = spawnSync(
    turbo,
    ["run", "build", "--filter=@n1radar/server...", "--output-logs=errors-only"],
    {
      cwd: root,
      stdio: ["ignore", 2, 2],
    },
  );
  if (build.status !== 0) {
    process.stderr.write(
      `n1radar: the build failed (${build.error?.message ?? `exit ${build.status}`}); run npm run build\n`,
    );
    process.exit(2);
  }
}

await import(new URL("../dist/cli.js", import.meta.url).href);
