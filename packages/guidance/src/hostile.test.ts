import { cpuMs } from "@n1radar/core/testing";
import { normalizeSql } from "@n1radar/detector";
import { describe, expect, it } from "vitest";
import { guidanceFor } from "./guidance.js";

/**
 * Statements are span attributes: anyone can send anything. Guidance runs dozens of regexes (dialect clues,
 * the SQL reader, relation scope) over them, so each SQL-ish fragment is repeated to the detector's 64 KB cap
 * in the places a pattern might backtrack on it. A quadratic pattern takes seconds on 30,000 repeats; every
 * pattern today takes well under 100 ms.
 */
const FRAGMENTS = [
  "a.",
  '"a".',
  "`a`.",
  "[a].",
  "[a.",
  "a1_0.",
  "(",
  "= ? AND ",
  '"a"."b" = ? AND ',
  "[a].[b] = @p0 AND ",
  "a_id = ? ",
  "AS a_b, ",
  "a AS a_a, ",
  '"a".* ',
  "JOIN a ON a.b = c.d ",
  'LEFT OUTER JOIN "a" ON ',
  "IN (?) ",
  "= ANY(?) ",
  "COUNT(*) ",
  "ORDER BY a ",
  "VALUES (?), ",
  "UPDATE a SET b = ? ",
];

describe("guidance on hostile statements", () => {
  it("answers each in linear time, whatever fragment repeats where", () => {
    for (const fragment of FRAGMENTS) {
      const run = fragment.repeat(Math.floor(30_000 / fragment.length));
      for (const sql of [
        `SELECT ${run} FROM t WHERE x = ?`,
        `SELECT x FROM t WHERE ${run}`,
        // A relation load (posts -> comments), so the eager-load path reads the rest of the WHERE too.
        `SELECT * FROM comments WHERE comments.post_id = ? AND ${run}`,
        run + run,
      ]) {
        const statement = normalizeSql(sql).display;
        let g: ReturnType<typeof guidanceFor> | undefined;
        const ms = cpuMs(() => {
          g = guidanceFor({
            kind: "n_plus_one",
            statement,
            sourceStatement: sql.includes("comments") ? "SELECT posts.id FROM posts" : statement,
            chain: [statement, statement],
            parallel: false,
            repeats: 5,
            totalMs: 5,
            scopeName: null,
            sdkLanguage: null,
          });
        });
        expect(ms, `${fragment} in ${sql.slice(0, 24)}`).toBeLessThan(1_000);
        expect(g?.summary.length).toBeGreaterThan(0);
      }
    }
  }, 60_000);
});
