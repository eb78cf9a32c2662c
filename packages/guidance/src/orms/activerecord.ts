import type { FixContext, Link, OrmCatalogEntry } from "../types.js";
import { aggregateColumn, aggregateName, aggregateSql, COMMON, nestedLoop } from "./helpers.js";
import { activeRecordTail } from "./source-options.js";

/** ActiveRecord (Rails 7): includes/preload/eager_load per relation, associations in snake_case symbols. */

const RUBY_LOOP = {
  open: (item: string, list: string) => `${list}.each do |${item}|`,
  close: "end",
  get: (obj: string, attr: string) => `${obj}.${attr}`,
  assign: (name: string, value: string) => `${name} = ${value}`,
  comment: "#",
  indent: "  ",
  variable: (c: { snake: string }) => c.snake,
  attr: (l: Link) => l.n.attr.snake,
};

/** Nested includes argument: [comments, author] -> "comments: :author"; deeper -> "comments: { author: :x }". */
function includesArg(links: readonly Link[]): string {
  const names = links.map((l) => l.n.attr.snake);
  const last = names.pop() ?? "";
  return names.reduceRight(
    (inner, name, i) => (i === 0 ? `${name}: ${inner}` : `{ ${name}: ${inner} }`),
    `:${last}`,
  );
}

const RUBY_AGGREGATE = {
  count: "count",
  exists: "exists?",
  sum: "sum",
  avg: "average",
  min: "minimum",
  max: "maximum",
};

/** The source query's ORDER BY and LIMIT, which the fixed relation must keep. */
const tail = (ctx: FixContext) => activeRecordTail(ctx.source);

function loop(ctx: FixContext, body: string): string {
  return `${ctx.n.parent.pascal}.all${tail(ctx)}.each do |${ctx.n.parent.snake}|\n  ${body}\nend`;
}

export const activerecord: OrmCatalogEntry = {
  id: "activerecord",
  name: "ActiveRecord",
  language: "ruby",
  clues: [
    { on: "scope", pattern: /active_?record/i, weight: 0.85, label: "ActiveRecord instrumentation" },
    // The ActiveRecord instrumentation names spans "Post query", "Post#save"; Rails' own SQL notifications
    // are "Author Load", "Post Count", "Post Exists?".
    {
      on: "span",
      pattern:
        /^[A-Z]\w*(?:::[A-Z]\w*)*(?: (?:query|Load|Count|Exists\?|Pluck|Sum|Create|Update|Destroy|Insert|Upsert)\b|#(?:save|update|destroy|create)!?$)/,
      weight: 0.75,
      label: 'ActiveRecord span name ("Post query", "Author Load")',
    },
    {
      on: "code",
      pattern: /active_record|\/app\/(?:models|controllers|views)\/.*\.(?:rb|erb)$/,
      weight: 0.5,
      label: "Rails code",
    },
    // SELECT "authors".* FROM "authors": the star qualified with the table itself.
    {
      on: "sql",
      pattern: /^SELECT (["`])(\w+)\1\.\* FROM \1\2\1/,
      weight: 0.5,
      label: '"table".* select list',
    },
    { on: "sql", pattern: /^SELECT \? AS one FROM/, weight: 0.6, label: "exists? as SELECT 1 AS one" },
  ],
  implicitLazyLoading: true,
  relationName: (n) => n.attr.snake,
  verifyHow:
    "Count the SQL lines for one request in the development log (the Bullet gem flags N+1s; assert_queries_count(n) in Rails 7.2+ tests).",
  pitfalls: [
    "Serializers and views (ActiveModel::Serializers, Jbuilder, partials) read associations per row: preload in the controller query they render.",
    "Chaining .where/.order on a preloaded association (post.comments.where(...)) or calling .count on it queries again; filter in Ruby or preload a scoped association, and use .size.",
    "Turn on strict_loading (per relation, per model, or config.active_record.strict_loading_by_default in development) so a missed preload raises instead of querying.",
  ],
  fixes: {
    "eager-many-to-one": (ctx) => ({
      summary: `Use includes(:${ctx.n.attr.snake}) on the ${ctx.n.parent.pascal} relation`,
      before: loop(ctx, `${ctx.n.parent.snake}.${ctx.n.attr.snake}  # one SELECT per row`),
      after: `${ctx.n.parent.pascal}.includes(:${ctx.n.attr.snake})${tail(ctx)}.each do |${ctx.n.parent.snake}|\n  ${ctx.n.parent.snake}.${ctx.n.attr.snake}\nend`,
      tradeoff: `includes preloads with one extra SELECT ... WHERE id IN (...) (2 queries); eager_load(:${ctx.n.attr.snake}) makes it one LEFT OUTER JOIN when you also filter or sort on ${ctx.n.childTable}.`,
      expectedQueries: 2,
    }),
    "eager-one-to-many": (ctx) => ({
      summary: `Use includes(:${ctx.n.attr.snake}) on the ${ctx.n.parent.pascal} relation`,
      before: loop(ctx, `${ctx.n.parent.snake}.${ctx.n.attr.snake}.each { ... }  # one SELECT per row`),
      after: `${ctx.n.parent.pascal}.includes(:${ctx.n.attr.snake})${tail(ctx)}.each do |${ctx.n.parent.snake}|\n  ${ctx.n.parent.snake}.${ctx.n.attr.snake}.each { ... }\nend`,
      tradeoff: `includes (like preload) loads all ${ctx.n.childTable} with one ${ctx.n.fkColumn} IN (...) query; eager_load would JOIN and repeat each ${ctx.n.parent.snake} per ${ctx.n.child.snake}.`,
      pitfalls: [COMMON.bigCollections],
    }),
    chained: (ctx) => {
      const root = ctx.links[0]?.n.parent ?? ctx.n.parent;
      return {
        summary: `Use includes(${includesArg(ctx.links)}) on the ${root.pascal} relation`,
        before: nestedLoop(`${root.pascal}.all`, ctx.links, RUBY_LOOP),
        after: `${root.pascal}.includes(${includesArg(ctx.links)})${tail(ctx)}.each do |${root.snake}|\n  ...\nend`,
        tradeoff: "One preload query per level, no row multiplication.",
      };
    },
    aggregate: (ctx) => {
      const { parent, parentTable: p, childTable: c, fkColumn } = ctx.n;
      const name = aggregateName(ctx).snake;
      const col = aggregateColumn(ctx).snake;
      return {
        summary: `Compute ${name} in the ${parent.pascal} query (or keep a counter_cache) instead of one ${aggregateSql(ctx)} per row`,
        before: loop(
          ctx,
          `${parent.snake}.${ctx.n.attr.snake}.${RUBY_AGGREGATE[ctx.aggregate?.fn ?? "count"]}${ctx.aggregate?.column ? `(:${col})` : ""}  # one query per row`,
        ),
        after: `${parent.pascal}.left_joins(:${ctx.n.attr.snake})\n  .select("${p}.*, ${aggregateSql(ctx)}(${c}.${col}) AS ${name}")\n  .group("${p}.id")\n  .each { |${parent.snake}| ${parent.snake}.${name} }\n# counts read on every page: belongs_to :${parent.snake}, counter_cache: true (column ${ctx.n.attr.snake}_count on ${p}; uses ${fkColumn})`,
        tradeoff:
          "The grouped join makes the parent query heavier; a counter_cache column costs an UPDATE per write instead.",
      };
    },
    "bulk-write": (ctx) => {
      const model = ctx.n.child.pascal;
      const after =
        ctx.write === "delete"
          ? `${model}.where(id: ids).delete_all`
          : ctx.write === "update"
            ? `${model}.where(id: ids).update_all(attribute: value)\n# different values per row: ${model}.upsert_all(rows)`
            : `${model}.insert_all(rows)  # rows: array of attribute hashes`;
      return {
        summary: `Replace the per-row ${ctx.write ?? "insert"} of ${model} with one bulk statement`,
        before: `rows.each do |attrs|\n  ${ctx.write === "delete" ? `${model}.find(attrs[:id]).destroy` : ctx.write === "update" ? `${model}.find(attrs[:id]).update!(attrs)` : `${model}.create!(attrs)`}  # one statement per row\nend`,
        after,
        tradeoff:
          "insert_all/update_all/delete_all skip validations and callbacks and do not touch updated_at unless you set it.",
        pitfalls: [COMMON.writeTransaction],
      };
    },
    "batch-ids": (ctx) => {
      const { child, key } = ctx.n;
      return {
        summary: `Load all ${child.pascal} rows with one where(${key.snake}: ...) instead of one find per ${key.snake}`,
        before: `${key.snake}s.each do |${key.snake}|\n  ${child.pascal}.find_by(${key.snake}: ${key.snake})  # one query per key\nend`,
        after: `by_${key.snake} = ${child.pascal}.where(${key.snake}: ${key.snake}s).index_by(&:${key.snake})`,
        tradeoff: "Holds the rows in memory keyed by their key.",
        pitfalls: [COMMON.inList],
      };
    },
  },
};
