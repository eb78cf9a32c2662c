import type { Fix, FixCatalog, FixContext } from "../types.js";
import { aggregateColumn, aggregateName, aggregateSql, COMMON } from "./helpers.js";

/**
 * The fallback when no ORM is recognised: the same rule book in plain SQL, with the tables and columns the
 * statements name. It never pretends to know the ORM; it shows the queries the fix should produce.
 */

const perRow = (ctx: FixContext, sql: string) =>
  `-- once per ${ctx.n.parent.snake.replace(/_/g, " ")} row:\n${sql}`;

/** For a statement we cannot read (a procedure call, a truncated text): the rule without names. */
export function opaqueFix(ctx: FixContext): Fix {
  return {
    summary: `Run this ${ctx.write ? "write" : "statement"} once for all the rows the loop visits instead of once per row`,
    before: "",
    after: "",
    tradeoff: "Batching needs every key before the first query; collect them in a first pass over the rows.",
    pitfalls: [COMMON.inList],
  };
}

export const plainSql: FixCatalog = {
  name: "SQL",
  implicitLazyLoading: false,
  relationName: (n) => n.attr.snake,
  verifyHow:
    "Count the statements this request sends (the trace's database spans, or the database's statement log).",
  pitfalls: [
    "Code that builds the response row by row (serializers, template helpers, GraphQL field resolvers) brings per-row lookups back; fetch everything the response needs before rendering.",
    "If the service uses a data layer we did not recognise, it probably has an eager-loading or batching option (include, preload, DataLoader): prefer it to hand-written SQL.",
  ],
  fixes: {
    "eager-many-to-one": (ctx) => {
      const { parentTable: p, childTable: c, fkColumn } = ctx.n;
      return {
        summary: `Join ${c} into the query that reads ${p} instead of reading one ${ctx.n.child.snake} per row`,
        before: perRow(ctx, `SELECT * FROM ${c} WHERE ${c}.id = ?`),
        after: `SELECT ${p}.*, ${c}.*\nFROM ${p}\nLEFT JOIN ${c} ON ${c}.id = ${p}.${fkColumn}\n-- or, as a second query: SELECT * FROM ${c} WHERE id IN (...all ${fkColumn} values...)`,
        tradeoff: `The join repeats each ${ctx.n.child.snake}'s columns on every ${ctx.n.parent.snake} row; the IN query variant costs one more round trip but no repetition.`,
      };
    },
    "eager-one-to-many": (ctx) => {
      const { childTable: c, fkColumn } = ctx.n;
      return {
        summary: `Read the ${c} of all ${ctx.n.parents.snake} in one query (${fkColumn} IN (...)) and group them in code`,
        before: perRow(ctx, `SELECT * FROM ${c} WHERE ${fkColumn} = ?`),
        after: `-- once per request, with the ids the first query returned:\nSELECT * FROM ${c} WHERE ${fkColumn} IN (?, ?, ...)`,
        tradeoff: `Two queries and a grouping step in code; a JOIN would do it in one but repeats every ${ctx.n.parent.snake} row once per ${ctx.n.child.snake}.`,
        pitfalls: [COMMON.bigCollections, COMMON.inList],
      };
    },
    chained: (ctx) => ({
      summary: `Read each level of the nested loop once: ${ctx.links.map((l) => l.n.childTable).join(", then ")}, each with one IN query`,
      before: ctx.links
        .map(
          (l) =>
            `-- once per ${l.n.parent.snake} row:\nSELECT * FROM ${l.n.childTable} WHERE ${l.n.keyColumn} = ?`,
        )
        .join("\n"),
      after: ctx.links
        .map(
          (l) =>
            `SELECT * FROM ${l.n.childTable} WHERE ${l.n.keyColumn} IN (...keys from the level above...)`,
        )
        .join("\n"),
      tradeoff:
        "One query per level and some grouping in code; joining all levels in one query multiplies the rows.",
    }),
    aggregate: (ctx) => {
      const { parentTable: p, childTable: c, fkColumn } = ctx.n;
      const fn = aggregateSql(ctx);
      const col = ctx.aggregate?.column ? aggregateColumn(ctx).snake : "*";
      return {
        summary: `Compute ${aggregateName(ctx).snake} for all ${ctx.n.parents.snake} in one grouped query`,
        before: perRow(ctx, `SELECT ${fn}(${col}) FROM ${c} WHERE ${fkColumn} = ?`),
        after: `SELECT ${p}.*, ${fn}(${c}.${ctx.aggregate?.column ? aggregateColumn(ctx).snake : "id"}) AS ${aggregateName(ctx).snake}\nFROM ${p}\nLEFT JOIN ${c} ON ${c}.${fkColumn} = ${p}.id\nGROUP BY ${p}.id`,
        tradeoff:
          "The grouped join makes the parent query heavier; a maintained counter column avoids recomputing it.",
      };
    },
    "bulk-write": (ctx) => {
      const c = ctx.n.childTable;
      const after =
        ctx.write === "delete"
          ? `DELETE FROM ${c} WHERE id IN (?, ?, ...)`
          : ctx.write === "update"
            ? `UPDATE ${c} SET ... WHERE id IN (?, ?, ...)\n-- different values per row: UPDATE ... FROM (VALUES (...), (...)) AS v(id, ...) WHERE ${c}.id = v.id`
            : `INSERT INTO ${c} (...) VALUES (...), (...), (...)`;
      return {
        summary: `Replace the ${ctx.repeats} single-row ${(ctx.write ?? "insert").toUpperCase()}s on ${c} with one multi-row statement`,
        before: `-- once per row:\n${(ctx.write ?? "insert").toUpperCase()} ... ${c} ...`,
        after,
        tradeoff: COMMON.bulkHooks,
        pitfalls: [COMMON.writeTransaction],
      };
    },
    "batch-ids": (ctx) => {
      const { childTable: c, keyColumn } = ctx.n;
      return {
        summary: `Look up all ${c} rows in one query with ${keyColumn} IN (...)`,
        before: `-- once per key:\nSELECT * FROM ${c} WHERE ${keyColumn} = ?`,
        after: `SELECT * FROM ${c} WHERE ${keyColumn} IN (?, ?, ...)\n-- then index the rows by ${keyColumn} in code`,
        tradeoff:
          "Holds the rows in memory keyed by their key; chunk the key list if it can reach thousands.",
        pitfalls: [COMMON.inList],
      };
    },
  },
};
