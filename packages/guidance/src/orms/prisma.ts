import type { FixContext, Link, OrmCatalogEntry } from "../types.js";
import { aggregateName, alias, COMMON, JS_LOOP, nestedLoop } from "./helpers.js";
import { inlineOptions, optionLines, PRISMA_OPTIONS, sourceOptions } from "./source-options.js";

/**
 * Prisma ORM 5 to 7. Prisma has no lazy loading: its N+1 is a query per row written in a loop or a GraphQL
 * resolver. include loads relations with one extra IN query per relation (or one JOIN query with
 * relationLoadStrategy: "join", preview feature relationJoins). Recorded Prisma 7 SQL (recorded/prisma.json):
 * every table schema-qualified (`main`.`Post` on SQLite, "public"."Post" on PostgreSQL), every column
 * table-qualified in reads, `LIMIT ? OFFSET ?` on every findMany, and writes that return each column
 * aliased to itself.
 */

const client = (model: { camel: string }) => `prisma.${model.camel}`;

/** { comments: { include: { author: true } } } */
function nestedInclude(links: readonly Link[]): string {
  return links.reduceRight(
    (inner, l) => `{ ${l.n.attr.camel}: ${inner === "true" ? "true" : `{ include: ${inner} }`} }`,
    "true",
  );
}

/** The source query's order (and limit) as findMany options: the fix must keep them. */
const options = (ctx: FixContext) => sourceOptions(ctx.source, PRISMA_OPTIONS);

function loop(ctx: FixContext, body: string): string {
  const { parent, parents } = ctx.n;
  return `const ${parents.camel} = await ${client(parent)}.findMany(${inlineOptions(options(ctx))});\nfor (const ${parent.camel} of ${parents.camel}) {\n  ${body}\n}`;
}

export const prisma: OrmCatalogEntry = {
  id: "prisma",
  name: "Prisma",
  language: "nodejs",
  clues: [
    { on: "scope", pattern: /prisma/i, weight: 0.85, label: "Prisma instrumentation" },
    {
      on: "span",
      pattern: /^prisma:(?:client|engine)/,
      weight: 0.8,
      label: "prisma:client / prisma:engine spans",
    },
    {
      on: "code",
      pattern: /node_modules\/(?:\.prisma|@prisma)\//,
      weight: 0.6,
      label: "Prisma client in the call stack",
    },
    // SELECT "public"."Author"."id" ...: every column schema- and table-qualified.
    {
      on: "sql",
      pattern: /"\w+"\."[A-Z]\w*"\."\w+"/,
      weight: 0.65,
      label: '"schema"."Model"."column" names',
    },
    { on: "sql", pattern: /`\w+`\.`[A-Z]\w*`\.`\w+`/, weight: 0.6, label: "`schema`.`Model`.`column` names" },
    // INSERT INTO `main`.`Comment` (...) / UPDATE "public"."Post" SET ...: writes name the schema too.
    {
      on: "sql",
      pattern: /^(?:INSERT INTO|UPDATE|DELETE FROM) ([`"])\w+\1\.([`"])[A-Z]\w*\2/i,
      weight: 0.45,
      label: "schema-qualified model table in a write",
    },
    // ... RETURNING `id` AS `id`, `body` AS `body`: the query compiler aliases each returned column to itself.
    {
      on: "sql",
      pattern: /\bRETURNING ([`"])(\w+)\1 AS \1\2\1/i,
      weight: 0.5,
      label: "RETURNING columns aliased to themselves",
    },
  ],
  implicitLazyLoading: false,
  relationName: (n) => n.attr.camel,
  verifyHow: 'Log the queries (new PrismaClient({ log: ["query"] })) and count them for one request.',
  pitfalls: [
    "GraphQL field resolvers that call prisma per parent are the classic N+1: use the fluent API (prisma.post.findUnique({ where: { id } }).author()), which Prisma batches within one tick, or a DataLoader.",
    "await inside for/map loops (or Promise.all over one query per row) is the N+1 itself; move the relation into include or one findMany with `in`.",
    "Over-fetching: include loads every scalar of the relation; add select to keep the rows small.",
  ],
  fixes: {
    "eager-many-to-one": (ctx) => ({
      summary: `Load ${ctx.n.attr.camel} with include: { ${ctx.n.attr.camel}: true } on the ${ctx.n.parent.pascal} query`,
      before: loop(
        ctx,
        `const ${ctx.n.child.camel} = await ${client(ctx.n.child)}.findUnique({ where: { id: ${ctx.n.parent.camel}.${ctx.n.fk.camel} } }); // one query per row`,
      ),
      after: `const ${ctx.n.parents.camel} = await ${client(ctx.n.parent)}.findMany({\n${optionLines(options(ctx))}  include: { ${ctx.n.attr.camel}: true },\n});`,
      tradeoff: `Prisma resolves include with one more query (id IN (...)): 2 queries; relationLoadStrategy: "join" (relationJoins preview) makes it one.`,
      expectedQueries: 2,
    }),
    "eager-one-to-many": (ctx) => ({
      summary: `Load ${ctx.n.attr.camel} with include: { ${ctx.n.attr.camel}: true } on the ${ctx.n.parent.pascal} query`,
      before: loop(
        ctx,
        `const ${ctx.n.children.camel} = await ${client(ctx.n.child)}.findMany({ where: { ${ctx.n.fk.camel}: ${ctx.n.parent.camel}.id } }); // one query per row`,
      ),
      after: `const ${ctx.n.parents.camel} = await ${client(ctx.n.parent)}.findMany({\n${optionLines(options(ctx))}  include: { ${ctx.n.attr.camel}: true },\n});`,
      tradeoff: `One more query (${ctx.n.fk.camel} IN (...)) for all ${ctx.n.parents.camel}: 2 queries, no row multiplication.`,
      pitfalls: [COMMON.bigCollections],
    }),
    chained: (ctx) => {
      const root = ctx.links[0]?.n.parent ?? ctx.n.parent;
      return {
        summary: `Nest include along the loop: include: ${nestedInclude(ctx.links)}`,
        before: nestedLoop(`await ${client(root)}.findMany(${inlineOptions(options(ctx))})`, ctx.links, {
          ...JS_LOOP,
          get: (_obj, query) => query,
          attr: (l: Link) =>
            l.direction === "one-to-many"
              ? `await ${client(l.n.child)}.findMany({ where: { ${l.n.fk.camel}: ${l.n.parent.camel}.id } })`
              : `await ${client(l.n.child)}.findUnique({ where: { id: ${l.n.parent.camel}.${l.n.fk.camel} } })`,
        }),
        after: `const ${root.camel}s = await ${client(root)}.findMany({\n${optionLines(options(ctx))}  include: ${nestedInclude(ctx.links)},\n});`,
        tradeoff: "One query per level, no row multiplication.",
      };
    },
    aggregate: (ctx) => {
      const { parent, attr } = ctx.n;
      const fn = ctx.aggregate?.fn ?? "count";
      if (fn === "count" || fn === "exists") {
        return {
          summary: `Count ${attr.camel} with include: { _count: { select: { ${attr.camel}: true } } } instead of one count per row`,
          before: loop(
            ctx,
            `const n = await ${client(ctx.n.child)}.count({ where: { ${ctx.n.fk.camel}: ${parent.camel}.id } }); // one query per row`,
          ),
          after: `const ${ctx.n.parents.camel} = await ${client(parent)}.findMany({\n${optionLines(options(ctx))}  include: { _count: { select: { ${attr.camel}: true } } },\n});\n// ${parent.camel}._count.${attr.camel}`,
          tradeoff:
            "One statement: Prisma joins the parent rows to one count grouped by the foreign key (LEFT JOIN (... GROUP BY ...)).",
        };
      }
      const col = ctx.aggregate?.column?.camel ?? "id";
      return {
        summary: `Compute ${aggregateName(ctx).camel} for all ${ctx.n.parents.camel} with one groupBy`,
        before: loop(
          ctx,
          `await ${client(ctx.n.child)}.aggregate({ where: { ${ctx.n.fk.camel}: ${parent.camel}.id }, _${fn}: { ${col}: true } });`,
        ),
        after: `const totals = await ${client(ctx.n.child)}.groupBy({\n  by: ["${ctx.n.fk.camel}"],\n  where: { ${ctx.n.fk.camel}: { in: ${ctx.n.parents.camel}.map((${alias(parent)}) => ${alias(parent)}.id) } },\n  _${fn}: { ${col}: true },\n});`,
        tradeoff: "Two queries and a join in code (map the totals by foreign key).",
        expectedQueries: 2,
      };
    },
    "bulk-write": (ctx) => {
      const model = client(ctx.n.child);
      const after =
        ctx.write === "delete"
          ? `await ${model}.deleteMany({ where: { id: { in: ids } } });`
          : ctx.write === "update"
            ? `await ${model}.updateMany({ where: { id: { in: ids } }, data: { ... } });`
            : `await ${model}.createMany({ data: rows });`;
      return {
        summary: `Replace the per-row ${ctx.write ?? "insert"} of ${ctx.n.child.pascal} with ${ctx.write === "delete" ? "deleteMany" : ctx.write === "update" ? "updateMany" : "createMany"}`,
        before: `for (const row of rows) {\n  await ${model}.${ctx.write === "delete" ? "delete" : ctx.write === "update" ? "update" : "create"}({ ... }); // one statement per row\n}`,
        after,
        tradeoff:
          "createMany/updateMany return counts, not records, and cannot write nested relations; updateMany sets the same values on every row.",
        pitfalls: [COMMON.writeTransaction],
      };
    },
    "batch-ids": (ctx) => {
      const { child, children, key } = ctx.n;
      return {
        summary: `Load all ${children.camel} with one findMany({ where: { ${key.camel}: { in: ... } } })`,
        before: `for (const ${key.camel} of ${key.camel}s) {\n  await ${client(child)}.findUnique({ where: { ${key.camel} } }); // one query per key\n}`,
        after: `const ${children.camel} = await ${client(child)}.findMany({ where: { ${key.camel}: { in: ${key.camel}s } } });\nconst by${key.pascal} = new Map(${children.camel}.map((x) => [x.${key.camel}, x]));`,
        tradeoff:
          "Holds the rows in memory keyed by their key; for resolvers, a DataLoader does the same per request.",
        pitfalls: [COMMON.inList],
      };
    },
  },
};
