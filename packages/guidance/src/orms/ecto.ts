import type { FixContext, Link, OrmCatalogEntry } from "../types.js";
import { aggregateColumn, aggregateName, alias, COMMON, nestedLoop } from "./helpers.js";

/**
 * Ecto (Elixir). Associations are never lazy: the N+1 is an explicit Repo.get / Repo.preload per element.
 * Repo.preload on the whole list (or preload: in the query) loads each association with one query.
 */

/** [comments, author] -> "comments: :author"; [a, b, c] -> "a: [b: :c]". */
function preloadArg(links: readonly Link[]): string {
  const names = links.map((l) => l.n.attr.snake);
  const last = names.pop() ?? "";
  return names.reduceRight(
    (inner, name, i) => (i === 0 ? `${name}: ${inner}` : `[${name}: ${inner}]`),
    `:${last}`,
  );
}

function loop(ctx: FixContext, body: string): string {
  const { parent, parents } = ctx.n;
  return `${parents.snake} = Repo.all(${parent.pascal})\n\nEnum.map(${parents.snake}, fn ${parent.snake} ->\n  ${body}\nend)`;
}

export const ecto: OrmCatalogEntry = {
  id: "ecto",
  name: "Ecto",
  language: "erlang",
  clues: [
    { on: "scope", pattern: /ecto/i, weight: 0.85, label: "OpentelemetryEcto instrumentation" },
    // OpentelemetryEcto names spans "<app>.repo.query:<table>".
    {
      on: "span",
      pattern: /\.repo\.query(?::\w+)?$/,
      weight: 0.75,
      label: '"app.repo.query:table" span names',
    },
    { on: "code", pattern: /\.exs?$|Ecto\.Repo/, weight: 0.4, label: "Elixir code" },
    // SELECT a0."id", a0."name" FROM "authors" AS a0 WHERE (a0."id" = $1).
    {
      on: "sql",
      pattern: /\b[a-z]\d+\."\w+"/,
      weight: 0.55,
      label: 'unquoted a0 aliases with "quoted" columns',
    },
    { on: "sql", pattern: /= ANY ?\(\?\)/, weight: 0.3, label: "= ANY($1) preload filter" },
  ],
  implicitLazyLoading: false,
  relationName: (n) => n.attr.snake,
  verifyHow:
    "Log queries at debug (config :my_app, MyApp.Repo, log: :debug) and count them for one request, or attach to the repo's [:my_app, :repo, :query] telemetry event in a test.",
  pitfalls: [
    "Repo.preload inside Enum.map preloads one struct at a time; preload the whole list once.",
    "Templates and JSON views that hit %Ecto.Association.NotLoaded{} raise, which tempts code into a Repo.get per row; preload in the context function the controller calls.",
    "Task.async_stream of one query per row (a parallel fan-out) still costs a query and a pool checkout per row.",
  ],
  fixes: {
    "eager-many-to-one": (ctx) => ({
      summary: `Preload :${ctx.n.attr.snake} on the whole list of ${ctx.n.parents.snake} (Repo.preload or preload: in the query)`,
      before: loop(
        ctx,
        `Repo.get(${ctx.n.child.pascal}, ${ctx.n.parent.snake}.${ctx.n.fk.snake})  # one query per element`,
      ),
      after: `${ctx.n.parents.snake} = Repo.all(from ${alias(ctx.n.parent)} in ${ctx.n.parent.pascal}, preload: [:${ctx.n.attr.snake}])\n# one query instead: join: ${alias(ctx.n.child)} in assoc(${alias(ctx.n.parent)}, :${ctx.n.attr.snake}), preload: [${ctx.n.attr.snake}: ${alias(ctx.n.child)}]`,
      tradeoff:
        "A separate preload query (id IN ...) makes 2 queries; a join-preload makes one with the columns repeated.",
      expectedQueries: 2,
    }),
    "eager-one-to-many": (ctx) => ({
      summary: `Preload :${ctx.n.attr.snake} on the whole list: Repo.preload(${ctx.n.parents.snake}, :${ctx.n.attr.snake})`,
      before: loop(ctx, `Repo.preload(${ctx.n.parent.snake}, :${ctx.n.attr.snake})  # one query per element`),
      after: `${ctx.n.parents.snake} = ${ctx.n.parent.pascal} |> Repo.all() |> Repo.preload(:${ctx.n.attr.snake})`,
      tradeoff: `One more query (${ctx.n.fkColumn} = ANY(...)) for all ${ctx.n.parents.snake}: 2 queries, no row multiplication.`,
      pitfalls: [COMMON.bigCollections],
    }),
    chained: (ctx) => {
      const root = ctx.links[0]?.n ?? ctx.n;
      return {
        summary: `Preload the nested associations once: Repo.preload(${root.parents.snake}, ${preloadArg(ctx.links)})`,
        before: nestedLoop(root.parents.snake, ctx.links, {
          open: (item, list) => `for ${item} <- ${list} do`,
          close: "end",
          get: (obj, attr) => `Repo.preload(${obj}, :${attr}).${attr}`,
          assign: (name, value) => `${name} = ${value}`,
          comment: "#",
          indent: "  ",
          variable: (c) => c.snake,
          attr: (l) => l.n.attr.snake,
        }),
        after: `${root.parents.snake} = ${root.parent.pascal} |> Repo.all() |> Repo.preload(${preloadArg(ctx.links)})`,
        tradeoff: "One query per level, no row multiplication (Ecto runs sibling preloads in parallel).",
      };
    },
    aggregate: (ctx) => {
      const { parent, attr } = ctx.n;
      const p = alias(parent);
      const fn = ctx.aggregate?.fn === "exists" ? "count" : (ctx.aggregate?.fn ?? "count");
      const col = ctx.aggregate?.column ? aggregateColumn(ctx).snake : "id";
      return {
        summary: `Compute ${aggregateName(ctx).snake} for all ${ctx.n.parents.snake} in one grouped query`,
        before: loop(
          ctx,
          `Repo.aggregate(Ecto.assoc(${parent.snake}, :${attr.snake}), :${fn}${ctx.aggregate?.column ? `, :${col}` : ""})  # one query per element`,
        ),
        after: `from(${p} in ${parent.pascal},\n  left_join: c in assoc(${p}, :${attr.snake}),\n  group_by: ${p}.id,\n  select: {${p}, ${fn}(c.${col})}\n)\n|> Repo.all()`,
        tradeoff:
          "Returns tuples; put the value in a virtual field with select_merge if the struct should carry it.",
      };
    },
    "bulk-write": (ctx) => {
      const model = ctx.n.child.pascal;
      const after =
        ctx.write === "delete"
          ? `from(x in ${model}, where: x.id in ^ids) |> Repo.delete_all()`
          : ctx.write === "update"
            ? `from(x in ${model}, where: x.id in ^ids) |> Repo.update_all(set: [field: value])`
            : `Repo.insert_all(${model}, rows)  # rows: list of maps, timestamps set by you`;
      return {
        summary: `Replace the per-row ${ctx.write ?? "insert"} of ${model} with Repo.${ctx.write === "delete" ? "delete_all" : ctx.write === "update" ? "update_all" : "insert_all"}`,
        before: `Enum.each(rows, fn row ->\n  Repo.${ctx.write === "delete" ? "delete!" : ctx.write === "update" ? "update!" : "insert!"}(...)  # one statement per row\nend)`,
        after,
        tradeoff: "insert_all/update_all skip changesets (validations, autogenerated timestamps).",
        pitfalls: [COMMON.writeTransaction],
      };
    },
    "batch-ids": (ctx) => {
      const { child, key } = ctx.n;
      return {
        summary: `Load all ${ctx.n.children.snake} with one query (where: x.${key.snake} in ^${key.snake}s)`,
        before: `Enum.map(${key.snake}s, &Repo.get_by(${child.pascal}, ${key.snake}: &1))  # one query per key`,
        after: `from(x in ${child.pascal}, where: x.${key.snake} in ^${key.snake}s)\n|> Repo.all()\n|> Map.new(&{&1.${key.snake}, &1})`,
        tradeoff: "Holds the structs in memory keyed by their key.",
        pitfalls: [COMMON.inList],
      };
    },
  },
};
