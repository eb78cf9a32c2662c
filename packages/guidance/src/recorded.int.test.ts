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
 * Guidance over SQL recorded from real ORMs installed from Debian or npm (recorded/<orm>.json, written by
 * recorded/generators/*; see recorded/README.md). The JSON keeps the SQL exactly as the ORM sent it; the
 * detector's own normalizer (a test-only dependency) puts it in the display form the server hands to guidance.
 */

const RECORDED = fileURLToPath(new URL("../recorded/", import.meta.url));

interface Scenario extends ScenarioBase {
  recorded: string[];
  fixStatements: string[] | null;
}
interface Recording extends FileBase<Scenario> {
  package: string;
  version: string;
  generator: string;
}

const recordings = readScenarioFiles<Recording>(RECORDED);

/**
 * Guidance the recorded SQL gets wrong, as "<orm>/<scenario>". Each entry is an `it.fails`: the test flips
 * when guidance is fixed. Reported with statement, expected and got in recorded/README.md.
 */
const KNOWN_WRONG = new Set<string>([]);

/**
 * Confidence from the SQL dialect alone (no scope name, same SDK language): the floor each read must reach,
 * a little under what it gets today. Eloquent's and GORM's writes carry no dialect clue (guidance answers
 * "unknown", confidence 0, and plain-SQL advice), so they have no floor here; Prisma's do.
 */
const DIALECT_ONLY: Record<string, number> = {
  // select * from "authors" where "authors"."id" = ? limit 1: only the shared select-* shape (0.32 today).
  "laravel/many_to_one": 0.3,
  "laravel/find_per_id": 0.3,
  // the hasMany IS NOT NULL guard and count(*) as aggregate are Eloquent's own (0.8 and 0.89 today).
  "laravel/one_to_many": 0.75,
  "laravel/nested": 0.75,
  "laravel/count_per_row": 0.85,
  // "<table>"."deleted_at" IS NULL, GORM's soft delete (0.46 today).
  "gorm/many_to_one": 0.45,
  "gorm/one_to_many": 0.45,
  "gorm/one_to_many_where": 0.45,
  "gorm/nested": 0.45,
  "gorm/count_per_row": 0.45,
  "gorm/find_per_id": 0.45,
  // `main`.`Author`.`id`: every column schema- and table-qualified (0.64 today).
  "prisma/many_to_one": 0.6,
  "prisma/one_to_many": 0.6,
  "prisma/one_to_many_where": 0.6,
  "prisma/nested": 0.6,
  "prisma/count_per_row": 0.6,
  "prisma/find_per_id": 0.6,
  // INSERT INTO `main`.`Comment` ... RETURNING `id` AS `id` (0.75 today); the UPDATE also qualifies its
  // WHERE columns (0.9 today).
  "prisma/insert_per_row": 0.7,
  "prisma/update_per_row": 0.85,
};

const report = (line: string) => {
  if (process.env.GUIDANCE_RECORDED_REPORT) console.log(line);
};

describe("guidance over SQL recorded from real ORMs", () => {
  it("reads the recordings (a missing folder fails, it does not skip)", () => {
    expect(recordings.length).toBeGreaterThan(0);
  });

  describe.each(recordings.map((r) => [`${r.orm} ${r.version}`, r] as const))("%s", (_, r) => {
    it("recorded what the N+1 scenarios run", () => {
      for (const s of r.scenarios) {
        expect(s.repeats, s.name).toBeGreaterThan(1);
        expect(s.recorded, s.name).toContain(s.statement);
        if (s.sourceStatement) expect(s.recorded, s.name).toContain(s.sourceStatement);
      }
    });

    for (const s of r.scenarios) {
      const test = KNOWN_WRONG.has(`${r.orm}/${s.name}`) ? it.fails : it;
      test(`${s.name}: ${s.expected.strategy}`, () => {
        const g = guidanceFor(inputOf(r.sdkLanguage, s, r.scopeName));
        report(`${r.orm} ${s.name} scope: ${g.orm} ${g.confidence} ${g.strategy} | ${g.after}`);
        expectFix(g, s);
        // The fix, run against the same ORM, took the number of queries guidance tells the user to expect.
        if (s.fixStatements) expect(g.expectedQueries).toBe(s.fixStatements.length);
      });

      it(`${s.name}: recognized from the SQL dialect alone`, () => {
        const g = guidanceFor(inputOf(r.sdkLanguage, s, null));
        report(`${r.orm} ${s.name} dialect: ${g.orm} ${g.confidence} ${g.strategy}`);
        expectDialectFloor(g, r.orm, DIALECT_ONLY[`${r.orm}/${s.name}`]);
      });
    }
  });
});
