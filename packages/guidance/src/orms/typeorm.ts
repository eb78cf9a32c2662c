import type { FixContext, Link, OrmCatalogEntry } from "../types.js";
import {
  aggregateColumn,
  aggregateName,
  aggregateSql,
  alias,
  COMMON,
  JS_LOOP,
  nestedLoop,
} from "./helpers.js";
import { inlineOptions, optionLines, sourceOptions, TYPEORM_OPTIONS } from "./source-options.js";

/**
 * TypeORM 0.3: relations in find options (or leftJoinAndSelect in a QueryBuilder), relationLoadStrategy
 * "query" to load a collection with a separate IN query instead of a row-multiplying join.
 */

const repo = (model: { camel: string }) => `${model.camel}Repository`;

/** The source query's order (and limit) as find options: the fix must keep them. */
const options = (ctx: FixContext) => sourceOptions(ctx.source, TYPEORM_OPTIONS);

function loop(ctx: FixContext, body: string): string {
  const { parent, parents } = ctx.n;
  return `const ${parents.camel} = await ${repo(parent)}.find(${inlineOptions(options(ctx))});\nfor (const ${parent.camel} of ${parents.camel}) {\n  ${body}\n}`;
}

/** { comments: { author: true } } */
function relationsTree(links: readonly Link[]): string {
  return links.reduceRight((inner, l) => `{ ${l.n.attr.camel}: ${inner} }`, "true");
}

export const typeorm: OrmCatalogEntry = {
  id: "typeorm",
  name: "TypeORM",
  language: "nodejs",
  clues: [
    { on: "scope", pattern: /typeorm/i, weight: 0.85, label: "TypeORM instrumentation" },
    // opentelemetry-instrumentation-typeorm names spans "TypeORM find", "TypeORM select authors".
    { on: "span", pattern: /^TypeORM \w+/, weight: 0.75, label: '"TypeORM find" span names' },
    // The same instrumentation records calls as JSON: {"entityClass":"Post",...}.
    {
      on: "sql",
      pattern: /^\{ ?"(?:entityClass|targetOrEntity|target)" ?:/,
      weight: 0.7,
      label: "TypeORM call recorded as JSON",
    },
    { on: "code", pattern: /node_modules\/typeorm\//, weight: 0.6, label: "TypeORM in the call stack" },
    // SELECT "Author"."id" AS "Author_id": every column aliased "<Alias>_<column>".
    {
      on: "sql",
      pattern: /(["`])(\w+)\1\.\1(\w+)\1 AS \1\2_\3\1/,
      weight: 0.65,
      label: '"Alias"."col" AS "Alias_col"',
    },
    // FROM "author" "Author": table followed by a quoted alias without AS.
    { on: "sql", pattern: /FROM (["`])\w+\1 \1[A-Z]\w*\1/, weight: 0.3, label: 'FROM "table" "Alias"' },
  ],
  implicitLazyLoading: false,
  relationName: (n) => n.attr.camel,
  verifyHow: 'Log the queries (new DataSource({ ..., logging: ["query"] })) and count them for one request.',
  pitfalls: [
    "Lazy relations (Promise<Author> properties) awaited in a loop or a serializer run a query each: load them with relations instead.",
    "eager: true on the entity loads the relation on every find* (and is ignored by QueryBuilder): set relations per query.",
    "A findOne/findOneBy per parent in a GraphQL resolver is the same N+1: batch with a DataLoader or one findBy({ id: In(ids) }).",
  ],
  fixes: {
    "eager-many-to-one": (ctx) => {
      const p = alias(ctx.n.parent);
      return {
        summary: `Load ${ctx.n.attr.camel} with relations: { ${ctx.n.attr.camel}: true } on the ${ctx.n.parent.pascal} query`,
        before: loop(
          ctx,
          `const ${ctx.n.child.camel} = await ${repo(ctx.n.child)}.findOneBy({ id: ${ctx.n.parent.camel}.${ctx.n.fk.camel} }); // one query per row`,
        ),
        after: `const ${ctx.n.parents.camel} = await ${repo(ctx.n.parent)}.find({\n${optionLines(options(ctx))}  relations: { ${ctx.n.attr.camel}: true },\n});\n\n// QueryBuilder:\n${repo(ctx.n.parent)}.createQueryBuilder("${p}").leftJoinAndSelect("${p}.${ctx.n.attr.camel}", "${alias(ctx.n.child)}").getMany();`,
        tradeoff: `relations is a LEFT JOIN: one query, ${ctx.n.child.pascal} columns repeated per row.`,
      };
    },
    "eager-one-to-many": (ctx) => ({
      summary: `Load ${ctx.n.attr.camel} with relations and relationLoadStrategy: "query" on the ${ctx.n.parent.pascal} query`,
      before: loop(
        ctx,
        `const ${ctx.n.children.camel} = await ${repo(ctx.n.child)}.findBy({ ${ctx.n.fk.camel.replace(/Id$/, "")}: { id: ${ctx.n.parent.camel}.id } }); // one query per row`,
      ),
      after: `const ${ctx.n.parents.camel} = await ${repo(ctx.n.parent)}.find({\n${optionLines(options(ctx))}  relations: { ${ctx.n.attr.camel}: true },\n  relationLoadStrategy: "query", // a second IN query, not a row-multiplying JOIN\n});`,
      tradeoff: `"query" loads all ${ctx.n.children.camel} with one more query (2 queries); the default "join" repeats each ${ctx.n.parent.camel} per ${ctx.n.child.camel} and breaks take/skip paging.`,
      pitfalls: [COMMON.bigCollections],
    }),
    chained: (ctx) => {
      const root = ctx.links[0]?.n.parent ?? ctx.n.parent;
      const collections = ctx.links.some((l) => l.direction === "one-to-many");
      return {
        summary: `Load the nested relations in one find: relations: ${relationsTree(ctx.links)}`,
        before: nestedLoop(`await ${repo(root)}.find(${inlineOptions(options(ctx))})`, ctx.links, {
          ...JS_LOOP,
          get: (obj, attr) => `await ${obj}.${attr}`,
          attr: (l) => l.n.attr.camel,
        }),
        after: `const ${root.camel}s = await ${repo(root)}.find({\n${optionLines(options(ctx))}  relations: ${relationsTree(ctx.links)},${collections ? `\n  relationLoadStrategy: "query",` : ""}\n});`,
        tradeoff: collections
          ? 'With "query", one query per relation, no row multiplication.'
          : "One query joining every level.",
        expectedQueries: collections ? 1 + ctx.links.length : 1,
      };
    },
    aggregate: (ctx) => {
      const { parent, attr } = ctx.n;
      const p = alias(parent);
      const name = aggregateName(ctx).camel;
      const count = ctx.aggregate?.fn === "count" || ctx.aggregate?.fn === "exists";
      return {
        summary: `Compute ${name} for all ${ctx.n.parents.camel} in the ${parent.pascal} query instead of one query per row`,
        before: loop(
          ctx,
          `const n = await ${repo(ctx.n.child)}.countBy({ ${ctx.n.fk.camel.replace(/Id$/, "")}: { id: ${parent.camel}.id } }); // one query per row`,
        ),
        after: count
          ? `const ${ctx.n.parents.camel} = await ${repo(parent)}\n  .createQueryBuilder("${p}")\n  .loadRelationCountAndMap("${p}.${name}", "${p}.${attr.camel}")\n  .getMany();`
          : `const rows = await ${repo(parent)}\n  .createQueryBuilder("${p}")\n  .leftJoin("${p}.${attr.camel}", "c")\n  .select("${p}.id", "id")\n  .addSelect("${aggregateSql(ctx)}(c.${aggregateColumn(ctx).camel})", "${name}")\n  .groupBy("${p}.id")\n  .getRawMany();`,
        tradeoff: count
          ? "loadRelationCountAndMap runs one extra grouped COUNT query for all rows."
          : "getRawMany returns plain rows, not entities; join them to the entities by id.",
        expectedQueries: count ? 2 : 1,
      };
    },
    "bulk-write": (ctx) => {
      const r = repo(ctx.n.child);
      const after =
        ctx.write === "delete"
          ? `await ${r}.delete(ids); // one DELETE ... WHERE id IN (...)`
          : ctx.write === "update"
            ? `await ${r}.update({ id: In(ids) }, { ... });`
            : `await ${r}.insert(rows); // one multi-row INSERT`;
      return {
        summary: `Replace the per-row ${ctx.write ?? "insert"} of ${ctx.n.child.pascal} with one ${ctx.write ?? "insert"} over all rows`,
        before: `for (const row of rows) {\n  await ${r}.${ctx.write === "delete" ? "remove(row)" : "save(row)"}; // one statement per row\n}`,
        after,
        tradeoff: "insert/update/delete skip entity listeners and subscribers and do not cascade relations.",
        pitfalls: [COMMON.writeTransaction],
      };
    },
    "batch-ids": (ctx) => {
      const { child, children, key } = ctx.n;
      return {
        summary: `Load all ${children.camel} with one findBy({ ${key.camel}: In(...) })`,
        before: `for (const ${key.camel} of ${key.camel}s) {\n  await ${repo(child)}.findOneBy({ ${key.camel} }); // one query per key\n}`,
        after: `import { In } from "typeorm";\n\nconst ${children.camel} = await ${repo(child)}.findBy({ ${key.camel}: In(${key.camel}s) });\nconst by${key.pascal} = new Map(${children.camel}.map((x) => [x.${key.camel}, x]));`,
        tradeoff: "Holds the entities in memory keyed by their key.",
        pitfalls: [COMMON.inList],
      };
    },
  },
};
