import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { guidanceFor } from "./guidance.js";
import {
  expectDialectFloor,
  expectFix,
  type FileBase,
  inputOf,
  readScenarioFiles,
  type ScenarioBase,
} from "./testing/scenarios.js";

/**
 * Guidance over SQL that ORMs we cannot install here (Hibernate, EF Core, Ecto) print in their own documentation and
 * test suites: recorded/published/<orm>.json, each statement copied verbatim with its source. See
 * recorded/README.md for what each file holds and which pairings are our construction.
 */

const PUBLISHED = fileURLToPath(new URL("../recorded/published/", import.meta.url));

interface Scenario extends ScenarioBase {
  /** Repository and path (and commit) or URL the statements were copied from. */
  source: string;
  note: string;
  /** Every statement the source prints for this scenario, in its order. */
  published: string[];
}
interface Published extends FileBase<Scenario> {
  version: string;
}

const files = readScenarioFiles<Published>(PUBLISHED);

/**
 * Confidence from the SQL dialect alone (no scope name, same SDK language): the floor each scenario must reach,
 * a little under what it gets today.
 */
const DIALECT_ONLY: Record<string, number> = {
  // a1_0 / a1_1 table aliases, Hibernate 6's own.
  "hibernate/batch_fetch_many_to_many": 0.7,
  // Hibernate 5 column aliases (e.id as id1_1_0_), as the user guide prints them.
  "hibernate/fetch_mode_select_per_department": 0.6,
  // Ecto's writes (INSERT INTO "schema" ("x","y") VALUES ($1,$2)) carry no alias: plain SQL without the scope.
  // [p].[Column] bracketed aliases and SELECT TOP(1) [ (SQL Server), EF Core's own.
  "efcore/lazy_load_posts_per_blog": 0.6,
  "efcore/lazy_load_collection_proxy": 0.6,
  "efcore/lazy_load_reference_proxy": 0.7,
};

const report = (line: string) => {
  if (process.env.GUIDANCE_PUBLISHED_REPORT) console.log(line);
};

describe("guidance over SQL the ORMs' own projects publish", () => {
  it("reads the published scenarios (a missing folder fails, it does not skip)", () => {
    expect(files.length).toBeGreaterThan(0);
  });

  describe.each(files.map((f) => [f.orm, f] as const))("%s", (_, f) => {
    it("keeps each scenario's statements among what its source printed", () => {
      for (const s of f.scenarios) {
        expect(s.repeats, s.name).toBeGreaterThan(1);
        expect(s.source, s.name).not.toBe("");
        expect(s.published, s.name).toContain(s.statement);
        if (s.sourceStatement) expect(s.published, s.name).toContain(s.sourceStatement);
      }
    });

    for (const s of f.scenarios) {
      it(`${s.name}: ${s.expected.strategy}`, () => {
        const g = guidanceFor(inputOf(f.sdkLanguage, s, f.scopeName));
        report(`${f.orm} ${s.name} scope: ${g.orm} ${g.confidence} ${g.strategy} | ${g.after}`);
        expectFix(g, s);
      });

      it(`${s.name}: recognized from the SQL dialect alone`, () => {
        const g = guidanceFor(inputOf(f.sdkLanguage, s, null));
        report(`${f.orm} ${s.name} dialect: ${g.orm} ${g.confidence} ${g.strategy} | ${g.after}`);
        expect(g.strategy).toBe(s.expected.strategy);
        expectDialectFloor(g, f.orm, DIALECT_ONLY[`${f.orm}/${s.name}`]);
      });

      it(`${s.name}: without a language, never another ORM`, () => {
        const g = guidanceFor({ ...inputOf(f.sdkLanguage, s, null), sdkLanguage: null });
        report(`${f.orm} ${s.name} no language: ${g.orm} ${g.confidence}`);
        expect([f.orm, null]).toContain(g.orm);
      });
    }
  });
});
