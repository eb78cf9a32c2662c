import type { FixContext, Link, OrmCatalogEntry } from "../types.js";
import {
  aggregateColumn,
  aggregateName,
  COMMON,
  chainLabel,
  collectionLevels,
  nestedLoop,
  PYTHON_LOOP,
} from "./helpers.js";
import { sqlalchemyTail } from "./source-options.js";

/** SQLAlchemy 2.0 (select() style). Loaders per the source article: selectinload by default, joinedload for
 * many-to-one, chained loaders for nested relationships, strategies per query rather than on the model. */

const loader = (l: Link) => (l.direction === "many-to-one" ? "joinedload" : "selectinload");
const attr = (l: Link) => `${l.n.parent.pascal}.${l.n.attr.snake}`;

function chained(ctx: FixContext): string {
  return ctx.links.map((l, i) => `${i === 0 ? "" : "."}${loader(l)}(${attr(l)})`).join("");
}

/** The source query's ORDER BY and LIMIT, which the fixed select must keep. */
const tail = (ctx: FixContext, model: string) => sqlalchemyTail(ctx.source, model);

function loop(ctx: FixContext, body: string): string {
  const { parent, parents } = ctx.n;
  return `${parents.snake} = session.scalars(select(${parent.pascal})${tail(ctx, parent.pascal)}).all()\nfor ${parent.snake} in ${parents.snake}:\n    ${body}`;
}

export const sqlalchemy: OrmCatalogEntry = {
  id: "sqlalchemy",
  name: "SQLAlchemy",
  language: "python",
  clues: [
    { on: "scope", pattern: /sqlalchemy/i, weight: 0.85, label: "SQLAlchemy's own instrumentation" },
    { on: "code", pattern: /sqlalchemy[/.]/i, weight: 0.6, label: "SQLAlchemy in the call stack" },
    // Every column labelled <table>_<column>: SQLAlchemy's select() of an ORM entity.
    { on: "sql", pattern: /\b(\w+)\.(\w+) AS \1_\2\b/, weight: 0.6, label: "columns labelled table_column" },
    // SQLAlchemy 2.1 no longer labels them: every column still qualified by its table, unquoted
    // (SELECT authors.id, authors.name FROM authors). Seen through a driver's instrumentation when
    // opentelemetry-instrumentation-sqlalchemy 0.66b1 refuses 2.1 ("nothing can be instrumented").
    {
      on: "sql",
      pattern: /^SELECT (?:DISTINCT )?([a-z_][a-z0-9_]*)\.[a-z_][a-z0-9_]*, \1\.[a-z_][a-z0-9_]* FROM \1\b/,
      weight: 0.4,
      label: "every column qualified by its unquoted table",
    },
    // A lazy load or selectin of a one-to-many puts the bound parameter on the left.
    { on: "sql", pattern: /WHERE \? = \w+\.\w+/, weight: 0.35, label: "bound parameter on the left of =" },
    {
      on: "sql",
      pattern: /\bAS (?:count|sum|max|min|avg|anon)_\d+\b/i,
      weight: 0.5,
      label: "count_1/anon_1 labels",
    },
  ],
  implicitLazyLoading: true,
  relationName: (n) => n.attr.snake,
  verifyHow:
    'Turn on query logging (create_engine(..., echo=True), or logging.getLogger("sqlalchemy.engine").setLevel(logging.INFO)) and count the statements for one request.',
  pitfalls: [
    "A Pydantic or Marshmallow schema that reads the relationship after the query lazy-loads it again per row: add the loader option for every relationship the schema serializes.",
    "Touching the attribute after the session closed raises DetachedInstanceError; load it eagerly inside the session rather than keeping sessions open or turning off expire_on_commit.",
    'Setting lazy="joined" or lazy="selectin" on relationship() makes every query pay for it; keep the model lazy (lazy="raise" in tests catches misses) and choose the loader per query.',
  ],
  fixes: {
    "eager-many-to-one": (ctx) => ({
      summary: `Eager-load ${ctx.n.parent.pascal}.${ctx.n.attr.snake} with joinedload() on the query that loads ${ctx.n.parents.snake}`,
      before: loop(ctx, `${ctx.n.parent.snake}.${ctx.n.attr.snake}  # lazy load: one SELECT per row`),
      after: `from sqlalchemy.orm import joinedload\n\n${ctx.n.parents.snake} = session.scalars(\n    select(${ctx.n.parent.pascal}).options(joinedload(${ctx.n.parent.pascal}.${ctx.n.attr.snake}))${tail(ctx, ctx.n.parent.pascal)}\n).all()`,
      tradeoff: `joinedload adds a LEFT OUTER JOIN to the ${ctx.n.parentTable} query (one query, ${ctx.n.child.snake} columns repeated per row); use selectinload(${ctx.n.parent.pascal}.${ctx.n.attr.snake}) instead when few ${ctx.n.children.snake} are shared by many rows or their rows are wide.`,
    }),
    "eager-one-to-many": (ctx) => ({
      summary: `Eager-load ${ctx.n.parent.pascal}.${ctx.n.attr.snake} with selectinload() on the query that loads ${ctx.n.parents.snake}`,
      before: loop(ctx, `${ctx.n.parent.snake}.${ctx.n.attr.snake}  # lazy load: one SELECT per row`),
      after: `from sqlalchemy.orm import selectinload\n\n${ctx.n.parents.snake} = session.scalars(\n    select(${ctx.n.parent.pascal}).options(selectinload(${ctx.n.parent.pascal}.${ctx.n.attr.snake}))${tail(ctx, ctx.n.parent.pascal)}\n).all()`,
      tradeoff: `selectinload runs one more SELECT ... WHERE ${ctx.n.fkColumn} IN (...) for all ${ctx.n.parents.snake} (2 queries, no row multiplication); joinedload on a collection would repeat each ${ctx.n.parent.snake} per ${ctx.n.child.snake}, and subqueryload is only worth it when profiling says so.`,
      pitfalls: [COMMON.bigCollections],
    }),
    chained: (ctx) => {
      const root = ctx.links[0]?.n.parent ?? ctx.n.parent;
      const loaders = [...new Set(ctx.links.map(loader))].sort().join(", ");
      return {
        summary: `Chain the loaders along ${chainLabel(ctx.links, (l) => l.n.attr.snake)} on the query that loads ${root.pascal}`,
        before: nestedLoop(`session.scalars(select(${root.pascal})${tail(ctx, root.pascal)})`, ctx.links, {
          ...PYTHON_LOOP,
          attr: (l) => l.n.attr.snake,
        }),
        after: `from sqlalchemy.orm import ${loaders}\n\nstmt = select(${root.pascal}).options(\n    ${chained(ctx)}\n)${tail(ctx, root.pascal)}\n${ctx.links[0]?.n.parents.snake ?? "rows"} = session.scalars(stmt).all()`,
        tradeoff:
          "One query per collection level (many-to-one levels join into the level above); use selectinload for a many-to-one level too when its rows repeat a lot.",
        expectedQueries: 1 + collectionLevels(ctx.links),
      };
    },
    aggregate: (ctx) => {
      const { parent, child, parents } = ctx.n;
      const label = aggregateName(ctx).snake;
      const fn = ctx.aggregate?.fn === "exists" ? "count" : (ctx.aggregate?.fn ?? "count");
      return {
        summary: `Compute ${label} for all ${parents.snake} in one grouped query instead of one ${fn.toUpperCase()} per row`,
        before: loop(
          ctx,
          `session.scalar(select(func.${fn}(${child.pascal}.${aggregateColumn(ctx).snake})).where(${child.pascal}.${ctx.n.fk.snake} == ${parent.snake}.id))`,
        ),
        after: `from sqlalchemy import func\n\nstmt = (\n    select(${parent.pascal}, func.${fn}(${child.pascal}.${aggregateColumn(ctx).snake}).label("${label}"))\n    .outerjoin(${parent.pascal}.${ctx.n.attr.snake})\n    .group_by(${parent.pascal}.id)\n)\nfor ${parent.snake}, ${label} in session.execute(stmt):\n    ...`,
        tradeoff:
          "The grouped join makes the parent query heavier; for a value read on every page, a column_property() or a maintained counter column avoids recomputing it.",
      };
    },
    "bulk-write": (ctx) => {
      const { child } = ctx.n;
      const after =
        ctx.write === "delete"
          ? `session.execute(delete(${child.pascal}).where(${child.pascal}.id.in_(ids)))`
          : ctx.write === "update"
            ? `# one executemany UPDATE by primary key\nsession.execute(update(${child.pascal}), [{"id": 1, ...}, {"id": 2, ...}])`
            : `# one multi-row INSERT (insertmanyvalues)\nsession.execute(insert(${child.pascal}), [{...}, {...}])`;
      return {
        summary: `Replace the per-row ${ctx.write ?? "insert"} of ${child.pascal} with one bulk statement`,
        before: `for row in rows:\n    ...  # one ${(ctx.write ?? "insert").toUpperCase()} ${ctx.n.childTable} per row\n    session.commit()`,
        after: `${after}\nsession.commit()`,
        tradeoff: COMMON.bulkHooks,
        pitfalls: [COMMON.writeTransaction],
      };
    },
    "batch-ids": (ctx) => {
      const { child, children, key } = ctx.n;
      return {
        summary: `Load all ${children.snake} in one query with ${child.pascal}.${key.snake}.in_(...) instead of one per ${key.snake}`,
        before: `for ${key.snake} in ${key.snake}s:\n    session.scalars(select(${child.pascal}).where(${child.pascal}.${key.snake} == ${key.snake})).first()`,
        after: `${children.snake} = session.scalars(select(${child.pascal}).where(${child.pascal}.${key.snake}.in_(${key.snake}s))).all()\nby_${key.snake} = {x.${key.snake}: x for x in ${children.snake}}`,
        tradeoff: "Holds the rows in memory keyed by their id; chunk the list if it can reach thousands.",
        pitfalls: [COMMON.inList],
      };
    },
  },
};
