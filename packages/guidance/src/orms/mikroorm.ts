import type { FixContext, OrmCatalogEntry } from "../types.js";
import {
  aggregateColumn,
  aggregateName,
  aggregateSql,
  alias,
  COMMON,
  JS_LOOP,
  nestedLoop,
} from "./helpers.js";

/**
 * MikroORM 6: populate per query. SQL drivers default to the "joined" load strategy in v6; "select-in"
 * loads a collection with one IN query per level instead of multiplying rows.
 */

function loop(ctx: FixContext, body: string): string {
  const { parent, parents } = ctx.n;
  return `const ${parents.camel} = await em.find(${parent.pascal}, {});\nfor (const ${parent.camel} of ${parents.camel}) {\n  ${body}\n}`;
}

export const mikroorm: OrmCatalogEntry = {
  id: "mikroorm",
  name: "MikroORM",
  language: "nodejs",
  clues: [
    { on: "scope", pattern: /mikro-?orm/i, weight: 0.85, label: "MikroORM instrumentation" },
    { on: "code", pattern: /node_modules\/@mikro-orm\//, weight: 0.6, label: "MikroORM in the call stack" },
    // select "a0".* from "author" as "a0": quoted <letter><n> aliases with a qualified star.
    {
      on: "sql",
      pattern: /^SELECT (["`])[a-z]\d+\1\.\*.* AS (["`])[a-z]\d+\2/,
      weight: 0.65,
      label: '"a0".* with AS "a0" aliases',
    },
    { on: "sql", pattern: /(["`])[a-z]\d+\1\.(["`])\w+\2/, weight: 0.3, label: '"a0"."column" aliases' },
    // knex on SQLite: backticks, and the generated key read back with RETURNING `id` (Prisma qualifies the
    // table with `main`. and aliases the column; Sequelize on SQLite sends no RETURNING and ends in ";").
    {
      on: "sql",
      pattern: /^INSERT INTO `\w+` \([^)]*\) VALUES \(\?\)(?:, \(\?\))* RETURNING `\w+`$/,
      weight: 0.4,
      label: "insert into `table` ... returning `id`",
    },
  ],
  implicitLazyLoading: false,
  relationName: (n) => n.attr.camel,
  verifyHow:
    'Turn on query logging (MikroORM.init({ debug: ["query"] })) and count the queries for one request.',
  pitfalls: [
    "ref.load(), wrap(entity).init() or collection.load() inside a loop run a query each; call em.populate(rows, [...]) once, or enable the v6 dataloader option to batch them.",
    "Serializing with wrap(entity).toObject() / serialize() only includes loaded relations, which tempts code into loading them per row; populate them in the query.",
    "eager: true on a property loads it on every query of the entity; prefer populate per query.",
  ],
  fixes: {
    "eager-many-to-one": (ctx) => ({
      summary: `Populate ${ctx.n.attr.camel} on the ${ctx.n.parent.pascal} query: populate: ["${ctx.n.attr.camel}"]`,
      before: loop(ctx, `await ${ctx.n.parent.camel}.${ctx.n.attr.camel}.load(); // one query per row`),
      after: `const ${ctx.n.parents.camel} = await em.find(${ctx.n.parent.pascal}, {}, {\n  populate: ["${ctx.n.attr.camel}"],\n});`,
      tradeoff:
        'The default joined strategy makes it one query; strategy: "select-in" makes it two without repeating columns.',
    }),
    "eager-one-to-many": (ctx) => ({
      summary: `Populate ${ctx.n.attr.camel} with the select-in strategy: populate: ["${ctx.n.attr.camel}"], strategy: "select-in"`,
      before: loop(ctx, `await ${ctx.n.parent.camel}.${ctx.n.attr.camel}.load(); // one query per row`),
      after: `const ${ctx.n.parents.camel} = await em.find(${ctx.n.parent.pascal}, {}, {\n  populate: ["${ctx.n.attr.camel}"],\n  strategy: "select-in", // one ${ctx.n.fkColumn} IN (...) query, no row multiplication\n});`,
      tradeoff: `select-in adds one query for all ${ctx.n.children.camel} (2 queries); the joined default repeats each ${ctx.n.parent.camel} per ${ctx.n.child.camel}.`,
      pitfalls: [COMMON.bigCollections],
    }),
    chained: (ctx) => {
      const root = ctx.links[0]?.n.parent ?? ctx.n.parent;
      const path = ctx.links.map((l) => l.n.attr.camel).join(".");
      return {
        summary: `Populate the whole path in one call: populate: ["${path}"]`,
        before: nestedLoop(`await em.find(${root.pascal}, {})`, ctx.links, {
          ...JS_LOOP,
          get: (obj, attr) => `await ${obj}.${attr}.load()`,
          attr: (l) => l.n.attr.camel,
        }),
        after: `const ${root.camel}s = await em.find(${root.pascal}, {}, {\n  populate: ["${path}"],\n  strategy: "select-in",\n});`,
        tradeoff:
          "select-in runs one query per level with no row multiplication; the joined strategy does it in one query whose rows multiply.",
      };
    },
    aggregate: (ctx) => {
      const { parent, attr } = ctx.n;
      const p = alias(parent);
      const name = aggregateName(ctx).snake;
      const col = ctx.aggregate?.column ? aggregateColumn(ctx).snake : "id";
      return {
        summary: `Compute ${name} for all ${ctx.n.parents.camel} in one grouped query instead of one per row`,
        before: loop(ctx, `const n = await ${parent.camel}.${attr.camel}.loadCount(); // one query per row`),
        after: `import { raw } from "@mikro-orm/core";\n\nconst rows = await em.createQueryBuilder(${parent.pascal}, "${p}")\n  .select(["${p}.*", raw("${aggregateSql(ctx).toLowerCase()}(c.${col}) as ${name}")])\n  .leftJoin("${p}.${attr.camel}", "c")\n  .groupBy("${p}.id")\n  .execute();`,
        tradeoff:
          "execute() returns plain rows; a @Formula property gives the same value on the entity for every query.",
      };
    },
    "bulk-write": (ctx) => {
      const model = ctx.n.child.pascal;
      const after =
        ctx.write === "delete"
          ? `await em.nativeDelete(${model}, { id: { $in: ids } });`
          : ctx.write === "update"
            ? `await em.nativeUpdate(${model}, { id: { $in: ids } }, { ... });`
            : `for (const row of rows) em.persist(em.create(${model}, row));\nawait em.flush(); // the unit of work sends one multi-row INSERT\n\n// or, without entities and hooks:\nawait em.insertMany(${model}, rows);`;
      return {
        summary: `Replace the per-row ${ctx.write ?? "insert"} of ${model} with ${ctx.write === "delete" ? "one nativeDelete" : ctx.write === "update" ? "one nativeUpdate" : "one flush for all rows"}`,
        before: `for (const row of rows) {\n  await em.persistAndFlush(em.create(${model}, row)); // one flush per row\n}`,
        after,
        tradeoff:
          "nativeUpdate/nativeDelete bypass the identity map and lifecycle hooks; entities already loaded go stale.",
        pitfalls: [COMMON.writeTransaction],
      };
    },
    "batch-ids": (ctx) => {
      const { child, children, key } = ctx.n;
      return {
        summary: `Load all ${children.camel} with one em.find(${child.pascal}, { ${key.camel}: { $in: ... } })`,
        before: `for (const ${key.camel} of ${key.camel}s) {\n  await em.findOne(${child.pascal}, { ${key.camel} }); // one query per key\n}`,
        after: `const ${children.camel} = await em.find(${child.pascal}, { ${key.camel}: { $in: ${key.camel}s } });\nconst by${key.pascal} = new Map(${children.camel}.map((x) => [x.${key.camel}, x]));`,
        tradeoff: "Holds the entities in memory (they are in the identity map anyway).",
        pitfalls: [COMMON.inList],
      };
    },
  },
};
