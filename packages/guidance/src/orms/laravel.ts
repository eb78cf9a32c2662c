import type { FixContext, OrmCatalogEntry } from "../types.js";
import { COMMON, nestedLoop } from "./helpers.js";

/** Laravel Eloquent (10/11): with() per query, relation methods in camelCase, withCount()/withSum() for aggregates. */

function loop(ctx: FixContext, body: string): string {
  return `foreach (${ctx.n.parent.pascal}::all() as $${ctx.n.parent.camel}) {\n    ${body}\n}`;
}

const rel = (ctx: FixContext) => ctx.n.attr.camel;

export const laravel: OrmCatalogEntry = {
  id: "laravel",
  name: "Laravel Eloquent",
  language: "php",
  clues: [
    { on: "scope", pattern: /laravel|illuminate/i, weight: 0.75, label: "Laravel instrumentation" },
    {
      on: "code",
      pattern: /Illuminate\\Database|vendor\/laravel\/framework|\/app\/Models\//,
      weight: 0.55,
      label: "Laravel code",
    },
    // A lazy hasMany guards its key: where "comments"."post_id" = ? and "comments"."post_id" is not null.
    {
      on: "sql",
      pattern: /(["`])(\w+)\1\.\1(\w+)\1 = \? AND \1\2\1\.\1\3\1 IS NOT NULL/,
      weight: 0.7,
      label: "hasMany key repeated with IS NOT NULL",
    },
    {
      on: "sql",
      pattern: /^SELECT COUNT ?\(\*\) AS aggregate FROM/,
      weight: 0.6,
      label: "count(*) as aggregate",
    },
    // select * from "authors" where "authors"."id" = ? limit 1: unqualified star, qualified filter.
    {
      on: "sql",
      pattern: /^SELECT \* FROM (["`])(\w+)\1 WHERE \1\2\1\.\1\w+\1 (?:=|IN)/,
      weight: 0.25,
      label: "select * with a table-qualified where",
    },
    // Eloquent stamps writes in its own order: insert (..., "updated_at", "created_at"), and updates by bare "id".
    {
      on: "sql",
      pattern: /^INSERT INTO (["`])\w+\1 \(.*\1updated_at\1, \1created_at\1\) VALUES/,
      weight: 0.5,
      label: 'insert stamping "updated_at", "created_at" (Eloquent order)',
    },
    {
      on: "sql",
      pattern: /^UPDATE (["`])\w+\1 SET .*\1updated_at\1 = \? WHERE \1id\1 = \?$/,
      weight: 0.45,
      label: 'update touching "updated_at" by bare "id"',
    },
  ],
  implicitLazyLoading: true,
  relationName: (n) => n.attr.camel,
  verifyHow:
    "Log the queries of one request (DB::enableQueryLog() then count(DB::getQueryLog()), or Laravel Debugbar / Telescope).",
  pitfalls: [
    "API Resources and Blade views read relations per row: eager-load in the controller query they render (or use whenLoaded() in the resource).",
    "Call Model::preventLazyLoading(! app()->isProduction()) in AppServiceProvider::boot so a missed with() throws in development and tests.",
    "A $with property on the model eager-loads on every query; prefer with() per query, and $post->comments()->count() (the method) always queries: use withCount.",
  ],
  fixes: {
    "eager-many-to-one": (ctx) => ({
      summary: `Eager-load with('${rel(ctx)}') on the ${ctx.n.parent.pascal} query`,
      before: loop(ctx, `$${ctx.n.parent.camel}->${rel(ctx)}; // one query per row`),
      after: `$${ctx.n.parents.camel} = ${ctx.n.parent.pascal}::with('${rel(ctx)}')->get();`,
      tradeoff: `with() runs one more query (${ctx.n.childTable}.id IN (...)): 2 queries, no join.`,
      expectedQueries: 2,
    }),
    "eager-one-to-many": (ctx) => ({
      summary: `Eager-load with('${rel(ctx)}') on the ${ctx.n.parent.pascal} query`,
      before: loop(
        ctx,
        `foreach ($${ctx.n.parent.camel}->${rel(ctx)} as $${ctx.n.child.camel}) { ... } // one query per row`,
      ),
      after: `$${ctx.n.parents.camel} = ${ctx.n.parent.pascal}::with('${rel(ctx)}')->get();`,
      tradeoff: `with() loads all ${ctx.n.childTable} in one ${ctx.n.fkColumn} IN (...) query: 2 queries, no row multiplication.`,
      pitfalls: [COMMON.bigCollections],
    }),
    chained: (ctx) => {
      const root = ctx.links[0]?.n.parent ?? ctx.n.parent;
      const path = ctx.links.map((l) => l.n.attr.camel).join(".");
      return {
        summary: `Eager-load the nested relation with('${path}') on the ${root.pascal} query`,
        before: nestedLoop(`${root.pascal}::all()`, ctx.links, {
          open: (item, list) => `foreach (${list} as ${item}) {`,
          close: "}",
          get: (obj, attr) => `${obj}->${attr}`,
          assign: (name, value) => `${name} = ${value}`,
          comment: "//",
          end: ";",
          variable: (c) => `$${c.camel}`,
          attr: (l) => l.n.attr.camel,
        }),
        after: `$${root.camel}s = ${root.pascal}::with('${path}')->get();`,
        tradeoff: "One query per level, no row multiplication.",
      };
    },
    aggregate: (ctx) => {
      const fn = ctx.aggregate?.fn ?? "count";
      const col = ctx.aggregate?.column?.snake;
      const call =
        fn === "count" || fn === "exists"
          ? `withCount('${rel(ctx)}')`
          : `with${fn[0]?.toUpperCase()}${fn.slice(1)}('${rel(ctx)}', '${col ?? "id"}')`;
      const attr =
        fn === "count" || fn === "exists"
          ? `${ctx.n.attr.snake}_count`
          : `${ctx.n.attr.snake}_${fn}_${col ?? "id"}`;
      return {
        summary: `Use ${call} on the ${ctx.n.parent.pascal} query instead of one ${fn} per row`,
        before: loop(
          ctx,
          `$${ctx.n.parent.camel}->${rel(ctx)}()->${fn === "count" || fn === "exists" ? fn : `${fn}('${col ?? "id"}')`}(); // one query per row`,
        ),
        after: `$${ctx.n.parents.camel} = ${ctx.n.parent.pascal}::${call}->get();\n// each model now has $${ctx.n.parent.camel}->${attr}`,
        tradeoff: "A correlated subquery per row in one statement; index the foreign key.",
      };
    },
    "bulk-write": (ctx) => {
      const model = ctx.n.child.pascal;
      const after =
        ctx.write === "delete"
          ? `${model}::whereIn('id', $ids)->delete();`
          : ctx.write === "update"
            ? `${model}::whereIn('id', $ids)->update(['column' => $value]);\n// different values per row: ${model}::upsert($rows, ['id'], ['column']);`
            : `${model}::insert($rows); // one multi-row INSERT`;
      return {
        summary: `Replace the per-row ${ctx.write ?? "insert"} of ${model} with one bulk query`,
        before: `foreach ($rows as $row) {\n    ${ctx.write === "delete" ? `${model}::find($row['id'])->delete();` : ctx.write === "update" ? `${model}::find($row['id'])->update($row);` : `${model}::create($row);`} // one statement per row\n}`,
        after,
        tradeoff:
          "Query-builder bulk writes skip model events, mutators and timestamps (set created_at/updated_at yourself).",
        pitfalls: [COMMON.writeTransaction],
      };
    },
    "batch-ids": (ctx) => {
      const { child, key } = ctx.n;
      return {
        summary: `Load all ${child.pascal} rows with one whereIn('${ctx.n.keyColumn}', ...) instead of one query per key`,
        before: `foreach ($${key.camel}s as $${key.camel}) {\n    ${child.pascal}::where('${ctx.n.keyColumn}', $${key.camel})->first(); // one query per key\n}`,
        after: `$by${key.pascal} = ${child.pascal}::whereIn('${ctx.n.keyColumn}', $${key.camel}s)->get()->keyBy('${ctx.n.keyColumn}');`,
        tradeoff: "Holds the models in memory keyed by their key.",
        pitfalls: [COMMON.inList],
      };
    },
  },
};
