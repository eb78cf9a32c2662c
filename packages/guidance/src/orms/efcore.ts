import type { FixContext, Link, OrmCatalogEntry } from "../types.js";
import {
  aggregateColumn,
  aggregateName,
  alias,
  COMMON,
  chainAliases,
  collectionLevels,
  nestedLoop,
} from "./helpers.js";

/** Entity Framework Core 8: Include/ThenInclude per query, AsSplitQuery for collections, PascalCase navigations. */

const set = (ctx: FixContext) => `db.${ctx.n.parents.pascal}`;

function loop(ctx: FixContext, body: string): string {
  return `foreach (var ${ctx.n.parent.camel} in await ${set(ctx)}.ToListAsync())\n{\n    ${body}\n}`;
}

function includes(links: readonly Link[]): string {
  const names = chainAliases(links);
  return links
    .map((l, i) => `.${i === 0 ? "Include" : "ThenInclude"}(${names[i]} => ${names[i]}.${l.n.attr.pascal})`)
    .join("\n    ");
}

export const efcore: OrmCatalogEntry = {
  id: "efcore",
  name: "Entity Framework Core",
  language: "dotnet",
  clues: [
    { on: "scope", pattern: /EntityFrameworkCore/i, weight: 0.85, label: "EF Core instrumentation" },
    {
      on: "code",
      pattern: /Microsoft\.EntityFrameworkCore/,
      weight: 0.6,
      label: "EF Core in the call stack",
    },
    // SQL Server: SELECT [a].[Id], [a].[Name] FROM [Authors] AS [a].
    { on: "sql", pattern: /\[[a-z]\d?\]\.\[[A-Z]\w*\]/, weight: 0.6, label: "[a].[Column] aliases" },
    // PostgreSQL (Npgsql): SELECT a."Id", a."Name" FROM "Authors" AS a.
    {
      on: "sql",
      pattern: /\b[a-z]\d?\."[A-Z]\w*" *(?:,|FROM|=)/,
      weight: 0.5,
      label: 'a."PascalCase" columns',
    },
    { on: "sql", pattern: /^SELECT TOP ?\(\?\) \[/, weight: 0.4, label: "SELECT TOP(1) [" },
  ],
  implicitLazyLoading: false,
  relationName: (n) => n.attr.pascal,
  verifyHow:
    'Log the SQL (optionsBuilder.LogTo(Console.WriteLine, LogLevel.Information)) and count the "Executed DbCommand" lines per request.',
  pitfalls: [
    "Lazy-loading proxies (UseLazyLoadingProxies) plus System.Text.Json serializing entities loads each navigation per row: project to DTOs with Select, or Include what the response needs.",
    "Include is ignored when the query ends in a projection; read the navigation inside the Select instead.",
    "A navigation read after the DbContext is disposed throws (lazy loading) or is silently empty: load it in the query, not in the view.",
  ],
  fixes: {
    "eager-many-to-one": (ctx) => ({
      summary: `Use .Include(${alias(ctx.n.parent)} => ${alias(ctx.n.parent)}.${ctx.n.attr.pascal}) on the ${ctx.n.parents.pascal} query`,
      before: loop(
        ctx,
        `var ${ctx.n.child.camel} = ${ctx.n.parent.camel}.${ctx.n.attr.pascal}; // lazy load: one query per row`,
      ),
      after: `var ${ctx.n.parents.camel} = await ${set(ctx)}\n    ${includes(ctx.links)}\n    .ToListAsync();`,
      tradeoff: `Include of a reference navigation is a JOIN: one query, ${ctx.n.child.pascal} columns repeated per row.`,
    }),
    "eager-one-to-many": (ctx) => ({
      summary: `Use .Include(${alias(ctx.n.parent)} => ${alias(ctx.n.parent)}.${ctx.n.attr.pascal}).AsSplitQuery() on the ${ctx.n.parents.pascal} query`,
      before: loop(
        ctx,
        `foreach (var ${ctx.n.child.camel} in ${ctx.n.parent.camel}.${ctx.n.attr.pascal}) { } // lazy load: one query per row`,
      ),
      after: `var ${ctx.n.parents.camel} = await ${set(ctx)}\n    ${includes(ctx.links)}\n    .AsSplitQuery()\n    .ToListAsync();`,
      tradeoff:
        "AsSplitQuery sends a second query instead of a JOIN that repeats each parent per child; the two queries are not one snapshot unless they run in a transaction.",
      pitfalls: [COMMON.bigCollections],
    }),
    chained: (ctx) => {
      const root = ctx.links[0]?.n.parent ?? ctx.n.parent;
      const split = collectionLevels(ctx.links) > 0;
      return {
        summary: `Chain .Include(...).ThenInclude(...) along the nested loop on the ${root.pascal} query`,
        before: nestedLoop(`await db.${ctx.links[0]?.n.parents.pascal}.ToListAsync()`, ctx.links, {
          open: (item, list) => `foreach (var ${item} in ${list}) {`,
          close: "}",
          get: (obj, attr) => `${obj}.${attr}`,
          assign: (name, value) => `var ${name} = ${value}`,
          comment: "//",
          end: ";",
          variable: (c) => c.camel,
          attr: (l) => l.n.attr.pascal,
        }),
        after: `var ${root.camel}s = await db.${ctx.links[0]?.n.parents.pascal}\n    ${includes(ctx.links)}${split ? "\n    .AsSplitQuery()" : ""}\n    .ToListAsync();`,
        tradeoff: split
          ? "With AsSplitQuery, one query per collection level (references are joined); without it, one query whose rows multiply."
          : "One query joining every level.",
        expectedQueries: 1 + (split ? collectionLevels(ctx.links) : 0),
      };
    },
    aggregate: (ctx) => {
      const { parent, attr } = ctx.n;
      const p = alias(parent);
      const fn = ctx.aggregate?.fn ?? "count";
      const col = aggregateColumn(ctx).pascal;
      const expr =
        fn === "count"
          ? `${p}.${attr.pascal}.Count()`
          : fn === "exists"
            ? `${p}.${attr.pascal}.Any()`
            : `${p}.${attr.pascal}.${fn[0]?.toUpperCase()}${fn.slice(1)}(c => c.${col})`;
      return {
        summary: `Project ${aggregateName(ctx).pascal} in the ${parent.pascal} query instead of one query per row`,
        before: loop(
          ctx,
          `var n = await db.${ctx.n.children.pascal}.CountAsync(c => c.${ctx.n.fk.pascal} == ${parent.camel}.Id); // one query per row`,
        ),
        after: `var rows = await ${set(ctx)}\n    .Select(${p} => new { ${parent.pascal} = ${p}, ${aggregateName(ctx).pascal} = ${expr} })\n    .ToListAsync();`,
        tradeoff:
          "A projection returns untracked anonymous objects or DTOs rather than entities with the value on them.",
      };
    },
    "bulk-write": (ctx) => {
      const { child, children } = ctx.n;
      const after =
        ctx.write === "delete"
          ? `await db.${children.pascal}.Where(c => ids.Contains(c.Id)).ExecuteDeleteAsync();`
          : ctx.write === "update"
            ? `await db.${children.pascal}\n    .Where(c => ids.Contains(c.Id))\n    .ExecuteUpdateAsync(s => s.SetProperty(c => c.Field, value));`
            : `db.${children.pascal}.AddRange(${children.camel});\nawait db.SaveChangesAsync(); // one round trip, batched`;
      return {
        summary: `Replace the per-row ${ctx.write ?? "insert"} of ${child.pascal} with ${ctx.write === "insert" || !ctx.write ? "one SaveChangesAsync for the batch" : ctx.write === "update" ? "ExecuteUpdateAsync" : "ExecuteDeleteAsync"}`,
        before: `foreach (var ${child.camel} in ${children.camel})\n{\n    db.${children.pascal}.${ctx.write === "delete" ? "Remove" : ctx.write === "update" ? "Update" : "Add"}(${child.camel});\n    await db.SaveChangesAsync(); // one round trip per row\n}`,
        after,
        tradeoff:
          ctx.write === "insert" || !ctx.write
            ? "SaveChanges sends the INSERTs in a few batched round trips but still tracks every entity; for very large imports use SqlBulkCopy or COPY."
            : "ExecuteUpdate/ExecuteDelete bypass the change tracker: entities already loaded do not see the change.",
        pitfalls: [COMMON.writeTransaction],
      };
    },
    "batch-ids": (ctx) => {
      const { child, children, key } = ctx.n;
      const c = alias(child);
      return {
        summary: `Load all ${children.pascal} with one Contains() query instead of one per key`,
        before: `foreach (var ${key.camel} in ${key.camel}s)\n{\n    var ${child.camel} = await db.${children.pascal}.FirstOrDefaultAsync(${c} => ${c}.${key.pascal} == ${key.camel});\n}`,
        after: `var by${key.pascal} = await db.${children.pascal}\n    .Where(${c} => ${key.camel}s.Contains(${c}.${key.pascal}))\n    .ToDictionaryAsync(${c} => ${c}.${key.pascal});`,
        tradeoff: "Holds the entities in memory keyed by their key.",
        pitfalls: [COMMON.inList],
      };
    },
  },
};
