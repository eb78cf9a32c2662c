import type { FixContext, OrmCatalogEntry } from "../types.js";
import { aggregateColumn, aggregateName, aggregateSql, COMMON, nestedLoop } from "./helpers.js";

/**
 * GORM v2 (Go). Preload("Field") loads an association with one IN query; Joins("Field") joins a belongs-to
 * or has-one into the same query. Field names are the Go struct fields (PascalCase), not table names.
 */

function loop(ctx: FixContext, body: string): string {
  const { parent, parents } = ctx.n;
  return `var ${parents.camel} []${parent.pascal}\ndb.Find(&${parents.camel})\nfor i := range ${parents.camel} {\n\t${body}\n}`;
}

export const gorm: OrmCatalogEntry = {
  id: "gorm",
  name: "GORM",
  language: "go",
  clues: [
    { on: "scope", pattern: /gorm/i, weight: 0.85, label: "GORM instrumentation" },
    {
      on: "span",
      pattern: /^gorm\.(?:Create|Query|Update|Delete|Row|Raw)$/,
      weight: 0.75,
      label: "gorm.Query span names",
    },
    { on: "code", pattern: /gorm\.io\/gorm/, weight: 0.6, label: "GORM in the call stack" },
    // SELECT * FROM "authors" WHERE "authors"."id" = ? AND "authors"."deleted_at" IS NULL (soft delete).
    {
      on: "sql",
      pattern: /(["`])(\w+)\1\.\1deleted_at\1 IS NULL/,
      weight: 0.4,
      label: '"table"."deleted_at" IS NULL soft-delete filter',
    },
    // Create() lists the gorm.Model timestamps first, soft-delete column included.
    {
      on: "sql",
      pattern: /^INSERT INTO (["`])\w+\1 \(\1created_at\1, \1updated_at\1, \1deleted_at\1/,
      weight: 0.5,
      label: 'insert starting "created_at", "updated_at", "deleted_at" (gorm.Model)',
    },
    // First(): ORDER BY "authors"."id" LIMIT 1.
    {
      on: "sql",
      pattern: /ORDER BY (["`])\w+\1\.\1id\1 LIMIT \?$/,
      weight: 0.4,
      label: 'First() ORDER BY "table"."id" LIMIT 1',
    },
  ],
  implicitLazyLoading: false,
  relationName: (n, direction) => (direction === "one-to-many" ? n.children.pascal : n.child.pascal),
  verifyHow:
    "Log the SQL (db.Debug(), or logger.Default.LogMode(logger.Info)) and count the statements for one request.",
  pitfalls: [
    'Loading an association per row (db.Model(&row).Association("Comments").Find(...), or a db.First per row in a goroutine fan-out) is the N+1 itself; Preload on the parent query.',
    'Preload takes the struct field name ("Comments", "Comments.Author"), not the table name; a typo is an error at runtime, not compile time.',
    "A JSON encoder never loads associations, so a missing Preload shows up as empty fields rather than queries; check both.",
  ],
  fixes: {
    "eager-many-to-one": (ctx) => ({
      summary: `Use db.Preload("${ctx.n.child.pascal}") (or db.Joins("${ctx.n.child.pascal}")) on the ${ctx.n.parent.pascal} query`,
      before: loop(
        ctx,
        `db.First(&${ctx.n.parents.camel}[i].${ctx.n.child.pascal}, ${ctx.n.parents.camel}[i].${ctx.n.fk.pascal}) // one query per row`,
      ),
      after: `var ${ctx.n.parents.camel} []${ctx.n.parent.pascal}\ndb.Preload("${ctx.n.child.pascal}").Find(&${ctx.n.parents.camel})\n// one query instead: db.Joins("${ctx.n.child.pascal}").Find(&${ctx.n.parents.camel})`,
      tradeoff:
        "Preload adds one IN query (2 queries); Joins makes it one LEFT JOIN, for belongs-to and has-one only.",
      expectedQueries: 2,
    }),
    "eager-one-to-many": (ctx) => ({
      summary: `Use db.Preload("${ctx.n.children.pascal}") on the ${ctx.n.parent.pascal} query`,
      before: loop(
        ctx,
        `db.Where("${ctx.n.fkColumn} = ?", ${ctx.n.parents.camel}[i].ID).Find(&${ctx.n.parents.camel}[i].${ctx.n.children.pascal}) // one query per row`,
      ),
      after: `var ${ctx.n.parents.camel} []${ctx.n.parent.pascal}\ndb.Preload("${ctx.n.children.pascal}").Find(&${ctx.n.parents.camel})`,
      tradeoff: `Preload loads all ${ctx.n.childTable} with one ${ctx.n.fkColumn} IN (...) query: 2 queries, no row multiplication.`,
      pitfalls: [COMMON.bigCollections],
    }),
    chained: (ctx) => {
      const root = ctx.links[0]?.n ?? ctx.n;
      const field = (l: (typeof ctx.links)[number]) =>
        l.direction === "one-to-many" ? l.n.children.pascal : l.n.child.pascal;
      const path = ctx.links.map(field).join(".");
      return {
        summary: `Use db.Preload("${path}") on the ${root.parent.pascal} query`,
        before: nestedLoop(root.parents.camel, ctx.links, {
          open: (item, list) => `for _, ${item} := range ${list} {`,
          close: "}",
          get: (obj, attr) => `${obj}.${attr}`,
          load: (obj, attr) => `db.Model(&${obj}).Association("${attr}").Find(&${obj}.${attr})`,
          assign: (name, value) => `${name} := ${value}`,
          comment: "//",
          indent: "\t",
          variable: (c) => c.camel,
          attr: field,
        }),
        after: `var ${root.parents.camel} []${root.parent.pascal}\ndb.Preload("${path}").Find(&${root.parents.camel})`,
        tradeoff: "One IN query per level, no row multiplication.",
      };
    },
    aggregate: (ctx) => {
      const { parent, parentTable: p, childTable: c, fkColumn } = ctx.n;
      const name = aggregateName(ctx);
      const col = ctx.aggregate?.column ? aggregateColumn(ctx).snake : "id";
      return {
        summary: `Compute ${name.pascal} for all ${ctx.n.parents.camel} in one grouped query instead of one per row`,
        before: loop(
          ctx,
          `db.Model(&${ctx.n.child.pascal}{}).Where("${fkColumn} = ?", ${ctx.n.parents.camel}[i].ID).Count(&n) // one query per row`,
        ),
        after: `type ${parent.pascal}With${name.pascal} struct {\n\t${parent.pascal}\n\t${name.pascal} ${ctx.aggregate?.fn === "count" || ctx.aggregate?.fn === "exists" ? "int64" : "float64"}\n}\nvar rows []${parent.pascal}With${name.pascal}\ndb.Model(&${parent.pascal}{}).\n\tSelect("${p}.*, ${aggregateSql(ctx)}(${c}.${col}) AS ${name.snake}").\n\tJoins("LEFT JOIN ${c} ON ${c}.${fkColumn} = ${p}.id").\n\tGroup("${p}.id").\n\tScan(&rows)`,
        tradeoff: "Scans into a result struct rather than the model; GROUP BY the primary key.",
      };
    },
    "bulk-write": (ctx) => {
      const model = ctx.n.child.pascal;
      const rows = ctx.n.children.camel;
      const after =
        ctx.write === "delete"
          ? `db.Where("id IN ?", ids).Delete(&${model}{})`
          : ctx.write === "update"
            ? `db.Model(&${model}{}).Where("id IN ?", ids).Updates(map[string]any{"column": value})`
            : `db.CreateInBatches(${rows}, 500) // multi-row INSERTs of 500`;
      return {
        summary: `Replace the per-row ${ctx.write ?? "insert"} of ${model} with one ${ctx.write === "insert" || !ctx.write ? "batch insert" : ctx.write}`,
        before: `for _, ${ctx.n.child.camel} := range ${rows} {\n\tdb.${ctx.write === "delete" ? "Delete" : ctx.write === "update" ? "Save" : "Create"}(&${ctx.n.child.camel}) // one statement per row\n}`,
        after,
        tradeoff:
          "Batch statements still run hooks per batch, not per row; Updates with a map skips zero-value filtering and hooks on rows it does not load.",
        pitfalls: [COMMON.writeTransaction],
      };
    },
    "batch-ids": (ctx) => {
      const { child, children, keyColumn, key } = ctx.n;
      return {
        summary: `Load all ${children.pascal} with one Where("${keyColumn} IN ?", ...) query`,
        before: `for _, ${key.camel} := range ${key.camel}s {\n\tdb.Where("${keyColumn} = ?", ${key.camel}).First(&${child.camel}) // one query per key\n}`,
        after: `var ${children.camel} []${child.pascal}\ndb.Where("${keyColumn} IN ?", ${key.camel}s).Find(&${children.camel})`,
        tradeoff: "Holds the rows in memory; index them in a map by key.",
        pitfalls: [COMMON.inList],
      };
    },
  },
};
