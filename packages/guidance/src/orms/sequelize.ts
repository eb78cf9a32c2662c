import type { FixContext, Link, OrmCatalogEntry } from "../types.js";
import { aggregateColumn, aggregateName, aggregateSql, COMMON, JS_LOOP, nestedLoop } from "./helpers.js";
import { inlineOptions, optionLines, SEQUELIZE_OPTIONS, sourceOptions } from "./source-options.js";

/**
 * Sequelize 6. Lazy getters (post.getAuthor(), post.getComments()) run a query each; include loads
 * associations in the same query, and separate: true loads a hasMany with one extra IN query instead.
 */

/** The source query's order and limit as findAll options: the fix must keep them. */
const options = (ctx: FixContext) => sourceOptions(ctx.source, SEQUELIZE_OPTIONS);

function loop(ctx: FixContext, body: string): string {
  const { parent, parents } = ctx.n;
  return `const ${parents.camel} = await ${parent.pascal}.findAll(${inlineOptions(options(ctx))});\nfor (const ${parent.camel} of ${parents.camel}) {\n  ${body}\n}`;
}

/**
 * The line that keeps an aliased association from throwing: an include that names only the model fails with
 * SequelizeEagerLoadingError when the association was defined with `as`.
 */
function aliasNote(l: Link): string {
  const assoc = l.direction === "one-to-many" ? "hasMany" : "belongsTo";
  const as = l.direction === "one-to-many" ? l.n.children.camel : l.n.child.camel;
  return `  // defined with an alias (${l.n.parent.pascal}.${assoc}(${l.n.child.pascal}, { as: "${as}" }))? then write { model: ${l.n.child.pascal}, as: "${as}" }: without it Sequelize throws SequelizeEagerLoadingError\n`;
}

/** `Post.findAll({ order, limit, <alias note> include })`: the fixed source query. */
function findAll(ctx: FixContext, model: string, variable: string, include: string, link: Link): string {
  return `const ${variable} = await ${model}.findAll({\n${optionLines(options(ctx))}${aliasNote(link)}  include: ${include},\n});`;
}

/** [{ model: Comment, separate: true, include: [Author] }] */
function includeTree(links: readonly Link[]): string {
  return links.reduceRight((inner, l) => {
    const opts = [`model: ${l.n.child.pascal}`];
    if (l.direction === "one-to-many") opts.push("separate: true");
    if (inner) opts.push(`include: ${inner}`);
    return opts.length === 1 && !inner ? `[${l.n.child.pascal}]` : `[{ ${opts.join(", ")} }]`;
  }, "");
}

export const sequelize: OrmCatalogEntry = {
  id: "sequelize",
  name: "Sequelize",
  language: "nodejs",
  clues: [
    { on: "scope", pattern: /sequelize/i, weight: 0.85, label: "Sequelize instrumentation" },
    // opentelemetry-instrumentation-sequelize names spans "Sequelize SELECT", "Sequelize INSERT".
    { on: "span", pattern: /^Sequelize [A-Z]+/, weight: 0.75, label: '"Sequelize SELECT" span names' },
    { on: "code", pattern: /node_modules\/sequelize\//, weight: 0.6, label: "Sequelize in the call stack" },
    // SELECT "id", "name" FROM "authors" AS "Author" WHERE "Author"."id" = 1;
    {
      on: "sql",
      pattern: /FROM (["`])\w+\1 AS \1[A-Z]\w*\1/,
      weight: 0.55,
      label: 'FROM "table" AS "Model"',
    },
    {
      on: "sql",
      pattern: /^SELECT (["`])\w+\1, \1\w+\1[^;]*\s?;$/,
      weight: 0.25,
      label: "unqualified columns, trailing semicolon",
    },
  ],
  implicitLazyLoading: false,
  relationName: (n, direction) => (direction === "one-to-many" ? n.children.pascal : n.child.pascal),
  verifyHow:
    "Log the SQL (new Sequelize(url, { logging: console.log, benchmark: true })) and count the queries for one request.",
  pitfalls: [
    "Lazy getters (post.getAuthor(), post.getComments()) in a loop, a serializer or a GraphQL resolver each run a query; include what the response needs, or batch resolvers with a DataLoader.",
    'The include must name the association as it was defined: if it has an alias (as: "author"), write { model: X, as: "author" } or { association: "author" }.',
    "include on a hasMany combined with limit makes Sequelize wrap the query in a subquery; separate: true avoids it (and needs the parent's primary key in attributes).",
  ],
  fixes: {
    "eager-many-to-one": (ctx) => ({
      summary: `Load ${ctx.n.child.pascal} with include on the ${ctx.n.parent.pascal}.findAll query`,
      before: loop(
        ctx,
        `const ${ctx.n.child.camel} = await ${ctx.n.parent.camel}.get${ctx.n.child.pascal}(); // one query per row`,
      ),
      after: findAll(
        ctx,
        ctx.n.parent.pascal,
        ctx.n.parents.camel,
        `[${ctx.n.child.pascal}]`,
        ctx.links[0] ?? ctx,
      ),
      tradeoff: `include is a LEFT OUTER JOIN: one query, ${ctx.n.child.pascal} columns repeated per row.`,
    }),
    "eager-one-to-many": (ctx) => ({
      summary: `Load ${ctx.n.children.pascal} with include + separate: true on the ${ctx.n.parent.pascal}.findAll query`,
      before: loop(
        ctx,
        `const ${ctx.n.children.camel} = await ${ctx.n.parent.camel}.get${ctx.n.children.pascal}(); // one query per row`,
      ),
      after: findAll(
        ctx,
        ctx.n.parent.pascal,
        ctx.n.parents.camel,
        `[{ model: ${ctx.n.child.pascal}, separate: true }]`,
        ctx.links[0] ?? ctx,
      ),
      tradeoff: `separate: true loads all ${ctx.n.children.camel} with one ${ctx.n.fkColumn} IN (...) query (2 queries); a plain include would JOIN and repeat each ${ctx.n.parent.camel} per ${ctx.n.child.camel}.`,
      pitfalls: [COMMON.bigCollections],
    }),
    chained: (ctx) => {
      const root = ctx.links[0]?.n.parent ?? ctx.n.parent;
      const separate = ctx.links.filter((l) => l.direction === "one-to-many").length;
      return {
        summary: `Nest the includes along the loop on the ${root.pascal}.findAll query`,
        before: nestedLoop(`await ${root.pascal}.findAll(${inlineOptions(options(ctx))})`, ctx.links, {
          ...JS_LOOP,
          get: (obj, attr) => `await ${obj}.get${attr}()`,
          attr: (l) => (l.direction === "one-to-many" ? l.n.children.pascal : l.n.child.pascal),
        }),
        after: findAll(ctx, root.pascal, `${root.camel}s`, includeTree(ctx.links), ctx.links[0] ?? ctx),
        tradeoff:
          "Joined levels add columns to one query; separate: true levels add one IN query each and no row multiplication.",
        expectedQueries: 1 + separate,
      };
    },
    aggregate: (ctx) => {
      const { parent, child, children } = ctx.n;
      const name = aggregateName(ctx).camel;
      const col = ctx.aggregate?.column ? aggregateColumn(ctx).camel : "id";
      return {
        summary: `Compute ${name} in the ${parent.pascal}.findAll query with a grouped include instead of one query per row`,
        before: loop(ctx, `const n = await ${parent.camel}.count${children.pascal}(); // one query per row`),
        after: `const ${ctx.n.parents.camel} = await ${parent.pascal}.findAll({\n  attributes: { include: [[sequelize.fn("${aggregateSql(ctx)}", sequelize.col("${children.pascal}.${col}")), "${name}"]] },\n${aliasNote(ctx.links[0] ?? ctx)}  include: [{ model: ${child.pascal}, attributes: [] }],\n  group: ["${parent.pascal}.id"],\n});`,
        tradeoff:
          "GROUP BY on the parent's id needs every selected parent column to depend on it (fine on PostgreSQL and MySQL 8 with a primary key).",
      };
    },
    "bulk-write": (ctx) => {
      const model = ctx.n.child.pascal;
      const after =
        ctx.write === "delete"
          ? `await ${model}.destroy({ where: { id: ids } });`
          : ctx.write === "update"
            ? `await ${model}.update({ ... }, { where: { id: ids } });`
            : `await ${model}.bulkCreate(rows);`;
      return {
        summary: `Replace the per-row ${ctx.write ?? "insert"} of ${model} with ${ctx.write === "delete" ? "one destroy" : ctx.write === "update" ? "one update" : "bulkCreate"} over all rows`,
        before: `for (const row of rows) {\n  await ${model}.${ctx.write === "delete" ? "destroy({ where: { id: row.id } })" : ctx.write === "update" ? "update(row, { where: { id: row.id } })" : "create(row)"}; // one statement per row\n}`,
        after,
        tradeoff:
          "Bulk calls skip per-instance hooks unless you pass individualHooks: true (which brings the per-row work back).",
        pitfalls: [COMMON.writeTransaction],
      };
    },
    "batch-ids": (ctx) => {
      const { child, children, key } = ctx.n;
      return {
        summary: `Load all ${children.pascal} with one findAll({ where: { ${key.camel}: [...] } })`,
        before: `for (const ${key.camel} of ${key.camel}s) {\n  await ${child.pascal}.findOne({ where: { ${key.camel} } }); // one query per key\n}`,
        after: `const ${children.camel} = await ${child.pascal}.findAll({ where: { ${key.camel}: ${key.camel}s } }); // an array becomes IN (...)\nconst by${key.pascal} = new Map(${children.camel}.map((x) => [x.${key.camel}, x]));`,
        tradeoff: "Holds the rows in memory keyed by their key.",
        pitfalls: [COMMON.inList],
      };
    },
  },
};
