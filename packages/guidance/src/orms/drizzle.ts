import type { FixContext, Link, OrmCatalogEntry } from "../types.js";
import { aggregateColumn, aggregateName, aggregateSql, COMMON, JS_LOOP, nestedLoop } from "./helpers.js";

/**
 * Drizzle ORM relational queries: db.query.<table>.findMany({ with: { ... } }) loads relations declared with
 * relations() in the same SQL statement (related rows aggregated as JSON, so rows do not multiply). Drizzle
 * never lazy-loads: its N+1 is always an explicit query per row.
 */

/** Drizzle's table objects are named after the table in camelCase: "blog_posts" -> blogPosts. */
const table = (n: { camel: string }) => n.camel;

/** { comments: { with: { author: true } } } */
function withTree(links: readonly Link[]): string {
  return links.reduceRight(
    (inner, l) => `{ ${l.n.attr.camel}: ${inner === "true" ? "true" : `{ with: ${inner} }`} }`,
    "true",
  );
}

function loop(ctx: FixContext, body: string): string {
  const { parent, parents } = ctx.n;
  // Results get their own names: the table objects already own "posts", "comments".
  return `const rows = await db.select().from(${table(parents)});\nfor (const ${parent.camel} of rows) {\n  ${body}\n}`;
}

const perRowQuery = (l: Link) =>
  l.direction === "one-to-many"
    ? `await db.select().from(${table(l.n.children)}).where(eq(${table(l.n.children)}.${l.n.fk.camel}, ${l.n.parent.camel}.id))`
    : `await db.select().from(${table(l.n.children)}).where(eq(${table(l.n.children)}.id, ${l.n.parent.camel}.${l.n.fk.camel}))`;

export const drizzle: OrmCatalogEntry = {
  id: "drizzle",
  name: "Drizzle ORM",
  language: "nodejs",
  clues: [
    { on: "scope", pattern: /drizzle/i, weight: 0.85, label: "Drizzle instrumentation" },
    { on: "span", pattern: /^drizzle\./, weight: 0.8, label: "drizzle.* spans" },
    { on: "code", pattern: /node_modules\/drizzle-orm\//, weight: 0.6, label: "Drizzle in the call stack" },
    // Relational queries alias each table as itself: select "id", "name" from "users" "users" where ...
    {
      on: "sql",
      pattern: /^SELECT (["`])\w+\1(?:, \1\w+\1)* FROM (["`])(\w+)\2 \2\3\2/,
      weight: 0.5,
      label: 'FROM "table" "table" with bare columns',
    },
    {
      on: "sql",
      pattern: /LEFT JOIN LATERAL \(SELECT .*JSON_?(?:BUILD_ARRAY|AGG)/i,
      weight: 0.4,
      label: "lateral JSON relation join",
    },
    // The query builder names bare columns, never aliases the table, and qualifies every filter and sort column:
    // select "id", "name" from "authors" where "authors"."id" = ? (Sequelize aliases, Django qualifies columns).
    {
      on: "sql",
      pattern: /^SELECT (["`])\w+\1(?:, \1\w+\1)* FROM (["`])(\w+)\2 (?:WHERE|ORDER BY) \2\3\2\./,
      weight: 0.45,
      label: 'bare column list, unaliased table, qualified "table"."column" filter',
    },
    {
      on: "sql",
      pattern:
        /^UPDATE (["`])(\w+)\1 SET (?:(?!updated_?at)[^,])*(?:, (?:(?!updated_?at)[^,])*)* WHERE \1\2\1\./i,
      weight: 0.35,
      label: 'update with a qualified "table"."column" filter and no timestamp',
    },
    // SQLite has no DEFAULT keyword in VALUES: the builder sends null for the omitted primary key.
    {
      on: "sql",
      pattern: /^INSERT INTO (["`])\w+\1 \([^)]*\) VALUES \((?:NULL|DEFAULT), /,
      weight: 0.4,
      label: "insert passing null/default for the omitted key",
    },
    // The same insert in the detector's display form, where the VALUES list is folded to (?): the key column
    // still leads the column list, and nothing follows the VALUES (no RETURNING, no ";"). Rails, Django and
    // SQLAlchemy leave the key out; Sequelize adds it but quotes with backticks on SQLite and ends in ";" or
    // RETURNING; Prisma qualifies the table; TypeORM writes no space before "(".
    {
      on: "sql",
      pattern: /^INSERT INTO "\w+" \("id", [^)]*\) VALUES \(\?\)(?:, \(\?\))*$/,
      weight: 0.35,
      label: 'insert listing the "id" key first, nothing after VALUES',
    },
  ],
  implicitLazyLoading: false,
  relationName: (n) => n.attr.camel,
  verifyHow:
    "Turn on the query logger (drizzle(client, { logger: true })) and count the queries for one request.",
  pitfalls: [
    "Drizzle never lazy-loads: the N+1 is an explicit await in a for loop or a Promise.all(rows.map(...)) of queries; move the relation into with.",
    "with only sees relations declared with relations() (or defineRelations) and passed in the schema to drizzle(); declare the one this loop reads.",
    "GraphQL resolvers that query per parent need a DataLoader (or one inArray query) even with with on the root query.",
  ],
  fixes: {
    "eager-many-to-one": (ctx) => ({
      summary: `Load ${ctx.n.attr.camel} with db.query.${table(ctx.n.parents)}.findMany({ with: { ${ctx.n.attr.camel}: true } })`,
      before: loop(
        ctx,
        `const [${ctx.n.child.camel}] = ${perRowQuery(ctx.links[0] ?? { direction: "many-to-one", n: ctx.n })}; // one query per row`,
      ),
      after: `const result = await db.query.${table(ctx.n.parents)}.findMany({\n  with: { ${ctx.n.attr.camel}: true },\n});`,
      tradeoff:
        "One SQL statement with a lateral join per relation; the relation must be declared with relations().",
    }),
    "eager-one-to-many": (ctx) => ({
      summary: `Load ${ctx.n.attr.camel} with db.query.${table(ctx.n.parents)}.findMany({ with: { ${ctx.n.attr.camel}: true } })`,
      before: loop(
        ctx,
        `const ${ctx.n.parent.camel}${ctx.n.children.pascal} = ${perRowQuery(ctx.links[0] ?? { direction: "one-to-many", n: ctx.n })}; // one query per row`,
      ),
      after: `const result = await db.query.${table(ctx.n.parents)}.findMany({\n  with: { ${ctx.n.attr.camel}: true },\n});`,
      tradeoff: `One statement: the ${ctx.n.children.camel} of each ${ctx.n.parent.camel} come back aggregated as JSON (no row multiplication), so large collections make large rows; limit them inside with.`,
      expectedQueries: 1,
      pitfalls: [COMMON.bigCollections],
    }),
    chained: (ctx) => {
      const root = ctx.links[0]?.n.parents ?? ctx.n.parents;
      return {
        summary: `Nest with along the loop: db.query.${table(root)}.findMany({ with: ${withTree(ctx.links)} })`,
        before: nestedLoop(`await db.select().from(${table(root)})`, ctx.links, {
          ...JS_LOOP,
          get: (_obj, query) => query,
          attr: perRowQuery,
        }),
        after: `const result = await db.query.${table(root)}.findMany({\n  with: ${withTree(ctx.links)},\n});`,
        tradeoff: "One SQL statement for every level; deep or large nests make large JSON rows.",
        expectedQueries: 1,
      };
    },
    aggregate: (ctx) => {
      const { parents, children, fk } = ctx.n;
      const name = aggregateName(ctx).camel;
      const fn = aggregateSql(ctx).toLowerCase();
      const col = ctx.aggregate?.column ? aggregateColumn(ctx).camel : "id";
      return {
        summary: `Compute ${name} for all ${parents.camel} in one grouped query instead of one per row`,
        before: loop(
          ctx,
          `const [{ n }] = await db.select({ n: count() }).from(${table(children)}).where(eq(${table(children)}.${fk.camel}, ${ctx.n.parent.camel}.id)); // one query per row`,
        ),
        after: `import { ${fn}, eq } from "drizzle-orm";\n\nconst rows = await db\n  .select({ ${ctx.n.parent.camel}: ${table(parents)}, ${name}: ${fn}(${table(children)}.${col}) })\n  .from(${table(parents)})\n  .leftJoin(${table(children)}, eq(${table(children)}.${fk.camel}, ${table(parents)}.id))\n  .groupBy(${table(parents)}.id);`,
        tradeoff:
          "GROUP BY on the parent's primary key; PostgreSQL accepts the other parent columns because they depend on it.",
      };
    },
    "bulk-write": (ctx) => {
      const t = table(ctx.n.children);
      const after =
        ctx.write === "delete"
          ? `await db.delete(${t}).where(inArray(${t}.id, ids));`
          : ctx.write === "update"
            ? `await db.update(${t}).set({ ... }).where(inArray(${t}.id, ids));`
            : `await db.insert(${t}).values(rows); // one multi-row INSERT`;
      return {
        summary: `Replace the per-row ${ctx.write ?? "insert"} on ${t} with one statement over all rows`,
        before: `for (const row of rows) {\n  await db.${ctx.write ?? "insert"}(${t})...; // one statement per row\n}`,
        after,
        tradeoff:
          "One statement for all rows; chunk very large batches to stay under the driver's parameter limit.",
        pitfalls: [COMMON.writeTransaction],
      };
    },
    "batch-ids": (ctx) => {
      const { children, key } = ctx.n;
      const t = table(children);
      return {
        summary: `Load all ${children.camel} with one inArray(${t}.${key.camel}, ...) query`,
        before: `for (const ${key.camel} of ${key.camel}s) {\n  await db.select().from(${t}).where(eq(${t}.${key.camel}, ${key.camel})); // one query per key\n}`,
        after: `import { inArray } from "drizzle-orm";\n\nconst rows = await db.select().from(${t}).where(inArray(${t}.${key.camel}, ${key.camel}s));\nconst by${key.pascal} = new Map(rows.map((x) => [x.${key.camel}, x]));`,
        tradeoff: "Holds the rows in memory keyed by their key.",
        pitfalls: [COMMON.inList],
      };
    },
  },
};
