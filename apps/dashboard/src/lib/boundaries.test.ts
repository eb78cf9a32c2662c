/**
 * The dashboard runs in the browser: of our packages it may bundle only the browser-safe SQL package, and it
 * takes nothing but types from core (core's values are the server's: a value import would pull server code into
 * the bundle, or fork a rule the server applies). Checked on every .ts and .svelte file, since the linter does not
 * read .svelte files.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

const SRC = join(import.meta.dirname, "..");
const BUNDLED = new Set(["@n1radar/sql"]);
const TYPES_ONLY = new Set(["@n1radar/core"]);

/** Each `import ... from "@n1radar/x"` (and `export ... from`) that breaks the rule, as "x: the statement". */
function violations(source: string): string[] {
  const out: string[] = [];
  for (const m of source.matchAll(
    /^\s*(import|export)\s+(type\s+)?([^;]*?)\s+from\s+["'](@n1radar\/[^"']+)["']/gm,
  )) {
    const [statement, , typeOnly, names = "", pkg = ""] = m;
    if (BUNDLED.has(pkg)) continue;
    const allTypes = typeOnly !== undefined || /^\{\s*(type\s+[\w$]+\s*,?\s*)+\}$/.test(names.trim());
    if (TYPES_ONLY.has(pkg) && allTypes) continue;
    out.push(`${pkg}: ${statement.replace(/\s+/g, " ")}`);
  }
  for (const m of source.matchAll(/\bimport\s*\(\s*["'](@n1radar\/[^"']+)["']/g))
    out.push(`${m[1]}: dynamic import`);
  return out;
}

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sources(join(dir, e.name)) : /\.(ts|svelte)$/.test(e.name) ? [join(dir, e.name)] : [],
  );
}

describe("the dashboard's imports of our packages", () => {
  it("take only types from core and values only from the SQL package", () => {
    const files = sources(SRC).filter((f) => !f.endsWith("boundaries.test.ts"));
    expect(files.length).toBeGreaterThan(20);
    const found = files.flatMap((f) => violations(readFileSync(f, "utf8")).map((v) => `${f}: ${v}`));
    expect(found).toEqual([]);
  });

  it("the check catches a value import from core or any import of another package", () => {
    expect(violations('import { offenderLabel } from "@n1radar/core";')).toHaveLength(1);
    expect(violations('import { type Offender, offenderLabel } from "@n1radar/core";')).toHaveLength(1);
    expect(violations('import type { Offender } from "@n1radar/detector";')).toHaveLength(1);
    expect(violations('const m = await import("@n1radar/core");')).toHaveLength(1);
    expect(violations('import type { Offender } from "@n1radar/core";')).toEqual([]);
    expect(violations('import { type Offender, type Finding } from "@n1radar/core";')).toEqual([]);
    expect(violations('import { tokenize } from "@n1radar/sql";')).toEqual([]);
  });
});
