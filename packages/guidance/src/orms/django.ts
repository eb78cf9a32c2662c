import type { Direction, FixContext, Link, Names, OrmCatalogEntry } from "../types.js";
import { aggregateColumn, aggregateName, COMMON, chainLabel, nestedLoop, PYTHON_LOOP } from "./helpers.js";
import { djangoTail } from "./source-options.js";

/**
 * Django 4/5 ORM. Tables are "<app_label>_<model>" (blog_post -> Post), a reverse foreign key is
 * "<model>_set" unless the field sets related_name, and lookups across relations use "__".
 */

/** Django lower-cases the model class name for table and accessor names: OrderItem -> orderitem. */
const lower = (n: Names) => n.child.snake.replace(/_/g, "");
const relation = (n: Names, direction: Direction) =>
  direction === "one-to-many" ? `${lower(n)}_set` : n.attr.snake;
const linkName = (l: Link) => relation(l.n, l.direction);
const manager = (ctx: FixContext) => `${ctx.n.parent.pascal}.objects`;

/** The source query's ORDER BY and LIMIT, which the fixed queryset must keep. */
const tail = (ctx: FixContext) => djangoTail(ctx.source);

function loop(ctx: FixContext, body: string): string {
  return `for ${ctx.n.parent.snake} in ${manager(ctx)}.all()${tail(ctx)}:\n    ${body}`;
}

export const django: OrmCatalogEntry = {
  id: "django",
  name: "Django ORM",
  language: "python",
  naming: { appLabelTables: true },
  clues: [
    { on: "scope", pattern: /django/i, weight: 0.75, label: "Django instrumentation" },
    {
      on: "code",
      pattern: /django[/.]db[/.]|\/views\.py$|\/serializers\.py$/,
      weight: 0.5,
      label: "Django code",
    },
    // SELECT "blog_post"."id", "blog_post"."title": every column qualified with an app_model table name.
    {
      on: "sql",
      pattern:
        /^SELECT (?:DISTINCT )?(["`])[a-z0-9]+_[a-z0-9_]+\1\.\1\w+\1, \1[a-z0-9]+_[a-z0-9_]+\1\.\1\w+\1/,
      weight: 0.55,
      label: 'columns listed as "app_model"."column"',
    },
    // Writes and lookups on "<app_label>_<model>" tables, quoted (SQLAlchemy, the other Python ORM, does not quote).
    // The app label may hold underscores itself ("django_blog_posttag": app django_blog, model PostTag).
    {
      on: "sql",
      pattern: /^(?:UPDATE|INSERT INTO|DELETE FROM|SELECT .* FROM) (["`])[a-z0-9]+_[a-z0-9_]+\1/,
      weight: 0.3,
      label: 'quoted "app_model" table',
    },
    { on: "sql", pattern: /\bAS "__count"/, weight: 0.6, label: 'COUNT(*) AS "__count"' },
    { on: "sql", pattern: /^SELECT \? AS "a" FROM/, weight: 0.5, label: 'exists() as SELECT 1 AS "a"' },
  ],
  implicitLazyLoading: true,
  relationName: relation,
  verifyHow:
    "Wrap the view in self.assertNumQueries(n) in a test, or log django.db.backends at DEBUG (django-debug-toolbar shows the count).",
  pitfalls: [
    "A DRF serializer that nests the related model (or a SerializerMethodField reading it) queries per row: put select_related/prefetch_related in the view's get_queryset.",
    "Filtering or ordering a prefetched relation (obj.comment_set.filter(...)) runs a new query per row; use Prefetch(..., queryset=..., to_attr=...) instead.",
    ".iterator() drops prefetch_related unless you pass chunk_size (Django 4.1+); a default manager that always adds select_related hides the cost on every query: set it per queryset.",
  ],
  fixes: {
    "eager-many-to-one": (ctx) => ({
      summary: `Use select_related("${ctx.n.attr.snake}") on the ${ctx.n.parent.pascal} queryset`,
      before: loop(ctx, `${ctx.n.parent.snake}.${ctx.n.attr.snake}  # one query per row`),
      after: `for ${ctx.n.parent.snake} in ${manager(ctx)}.select_related("${ctx.n.attr.snake}")${tail(ctx)}:\n    ${ctx.n.parent.snake}.${ctx.n.attr.snake}  # already loaded by the JOIN`,
      tradeoff: `select_related adds a JOIN to the ${ctx.n.parentTable} query (one query); use prefetch_related("${ctx.n.attr.snake}") instead when many rows share few ${ctx.n.children.snake}.`,
    }),
    "eager-one-to-many": (ctx) => {
      const name = relation(ctx.n, "one-to-many");
      return {
        summary: `Use prefetch_related("${name}") on the ${ctx.n.parent.pascal} queryset`,
        before: loop(ctx, `${ctx.n.parent.snake}.${name}.all()  # one query per row`),
        after: `# "${name}" is the default reverse name; use the ForeignKey's related_name if it sets one\nfor ${ctx.n.parent.snake} in ${manager(ctx)}.prefetch_related("${name}")${tail(ctx)}:\n    ${ctx.n.parent.snake}.${name}.all()  # served from the prefetch cache`,
        tradeoff: `prefetch_related runs one more query (${ctx.n.fkColumn} IN (...)) and joins in Python: 2 queries, no row multiplication.`,
        pitfalls: [COMMON.bigCollections],
      };
    },
    chained: (ctx) => {
      const path = ctx.links.map(linkName).join("__");
      const allJoins = ctx.links.every((l) => l.direction === "many-to-one");
      const root = ctx.links[0]?.n.parent ?? ctx.n.parent;
      const method = allJoins ? "select_related" : "prefetch_related";
      return {
        summary: `Use ${method}("${path}") on the ${root.pascal} queryset`,
        before: nestedLoop(`${root.pascal}.objects.all()`, ctx.links, {
          ...PYTHON_LOOP,
          attr: (l) => (l.direction === "one-to-many" ? `${linkName(l)}.all()` : linkName(l)),
        }),
        after: `${root.pascal}.objects.${method}("${path}")`,
        tradeoff: allJoins
          ? "One query with a JOIN per level."
          : `One query per level (${chainLabel(ctx.links, linkName)}); Prefetch("...", queryset=X.objects.select_related(...)) folds a many-to-one level into the level above.`,
        expectedQueries: allJoins ? 1 : ctx.links.length + 1,
      };
    },
    aggregate: (ctx) => {
      const fn = ctx.aggregate?.fn ?? "count";
      const lookup = ctx.aggregate?.column ? `${lower(ctx.n)}__${aggregateColumn(ctx).snake}` : lower(ctx.n);
      const name = aggregateName(ctx).snake;
      const expr =
        fn === "exists"
          ? `Exists(${ctx.n.child.pascal}.objects.filter(${ctx.n.fk.snake.replace(/_id$/, "")}=OuterRef("pk")))`
          : `${fn === "count" ? "Count" : fn[0]?.toUpperCase() + fn.slice(1)}("${lookup}")`;
      const fnName = expr.slice(0, expr.indexOf("("));
      return {
        summary: `Annotate the ${ctx.n.parent.pascal} queryset with ${name} instead of one query per row`,
        before: loop(
          ctx,
          `${ctx.n.parent.snake}.${relation(ctx.n, "one-to-many")}.${fn === "exists" ? "exists" : "count"}()  # one query per row`,
        ),
        after: `from django.db.models import ${fnName}${fn === "exists" ? ", OuterRef" : ""}\n\nfor ${ctx.n.parent.snake} in ${manager(ctx)}.annotate(${name}=${expr}):\n    ${ctx.n.parent.snake}.${name}`,
        tradeoff:
          "The annotation adds a JOIN and GROUP BY to the parent query; two annotations over different relations multiply rows, so use Subquery for the second.",
      };
    },
    "bulk-write": (ctx) => {
      const model = ctx.n.child.pascal;
      const after =
        ctx.write === "delete"
          ? `${model}.objects.filter(pk__in=ids).delete()`
          : ctx.write === "update"
            ? `${model}.objects.bulk_update(objs, ["field"], batch_size=500)\n# same value for all: ${model}.objects.filter(pk__in=ids).update(field=value)`
            : `${model}.objects.bulk_create([${model}(...) for row in rows], batch_size=500)`;
      return {
        summary: `Replace the per-row ${ctx.write ?? "insert"} of ${model} with one bulk call`,
        before: `for row in rows:\n    ${ctx.write === "insert" || !ctx.write ? `${model}.objects.create(...)` : "obj.save()"}  # one statement per row`,
        after,
        tradeoff: "bulk_create/bulk_update/update() skip save() and the pre_save/post_save signals.",
        pitfalls: [COMMON.writeTransaction],
      };
    },
    "batch-ids": (ctx) => {
      const { child, key } = ctx.n;
      const byPk = key.snake === "id";
      return {
        summary: `Fetch all ${child.pascal} rows at once with in_bulk() instead of one get() per ${key.snake}`,
        before: `for ${key.snake} in ${key.snake}s:\n    ${child.pascal}.objects.get(${key.snake}=${key.snake})  # one query per ${key.snake}`,
        after: `by_${key.snake} = ${child.pascal}.objects.in_bulk(${key.snake}s${byPk ? "" : `, field_name="${key.snake}"`})`,
        tradeoff: byPk
          ? "Holds the rows in memory keyed by pk."
          : `in_bulk by ${key.snake} needs a unique field; otherwise filter(${key.snake}__in=...) and group in Python.`,
        pitfalls: [COMMON.inList],
      };
    },
  },
};
