/**
 * The main entry of @n1radar/core loads no zod at run time: its API types are inferred from the schemas through
 * type-only imports, so the dashboard, which takes them, ships without the schemas. Checked on the sources, by
 * following every import that is not type-only from index.ts.
 */
import { readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const SRC = join(dirname(fileURLToPath(import.meta.url)), "..");
// `import … from "x"` and `export … from "x"`, but not `import type` / `export type` (erased at build time).
const RUNTIME_IMPORT = /^(?:import|export)(?!\s+type\b)[^;]*?\bfrom\s+"([^"]+)";/gms;

/** Every module `entry` loads when it runs: relative ones by file, packages by name. */
function loaded(entry: string): { files: string[]; packages: string[] } {
  const files = new Set<string>();
  const packages = new Set<string>();
  const visit = (file: string) => {
    if (files.has(file)) return;
    files.add(file);
    for (const [, specifier] of readFileSync(file, "utf8").matchAll(RUNTIME_IMPORT)) {
      if (specifier?.startsWith(".")) visit(resolve(dirname(file), specifier.replace(/\.js$/, ".ts")));
      else if (specifier) packages.add(specifier);
    }
  };
  visit(join(SRC, entry));
  return { files: [...files].map((f) => f.slice(SRC.length + 1)), packages: [...packages] };
}

describe("core's entries", () => {
  it("the main entry loads no zod and no schema module", () => {
    const main = loaded("index.ts");
    expect(main.files).toContain("offender.ts");
    expect(main.packages).not.toContain("zod");
    expect(main.files.filter((f) => f.startsWith("schemas/"))).toEqual([]);
  });

  it("the schemas entry does load zod (the twin: the walk finds it where it is)", () => {
    const schemas = loaded("schemas/index.ts");
    expect(schemas.packages).toContain("zod");
    expect(schemas.files).toContain("schemas/offender.ts");
  });
});
