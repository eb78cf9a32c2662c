import type { Guidance, GuidanceRelationship } from "@n1radar/core";
import { cased } from "@n1radar/sql";
import { isGraphqlEndpoint, withDataLoader } from "./graphql.js";
import { ORMS } from "./orms/index.js";
import { opaqueFix, plainSql } from "./orms/plain-sql.js";
import { languageOf, recognizeOrm } from "./recognize.js";
import {
  inferChain,
  inferRelationship,
  nameChain,
  nameRelationship,
  type Relationship,
} from "./relationship.js";
import { relationScope, scopePitfall, sourceQuery } from "./scope.js";
import type { ServiceOrms } from "./service-orm.js";
import { type ParsedStatement, parseStatement } from "./sql.js";
import { chooseStrategy, defaultExpectedQueries } from "./strategy.js";
import type { FixCatalog, FixContext, GuidanceInput, Link, StrategyId, WriteOp } from "./types.js";

/**
 * Composes recognition, relationship inference, the rule book and the ORM's catalog into the guidance a
 * finding carries. Pure and total: any statement, even garbage, yields guidance (plain SQL at worst).
 */

const LAZY =
  "Lazy loading is the default and fine for one object; in a loop it costs one round trip per row, and the count grows with the data.";
const EXPLICIT =
  "A query per object is fine for one object; in a loop it costs one round trip per row, and the count grows with the data.";

const REASONS: Record<StrategyId, string> = {
  "eager-many-to-one": LAZY,
  "eager-one-to-many": LAZY,
  chained:
    "Each level multiplies the queries of the level above; loaders chained on the outer query read each level once.",
  aggregate:
    "An aggregate computed per row costs a query per row; one grouped query (or an annotation on the parent query) computes them all at once.",
  "bulk-write":
    "A write per row pays a round trip (and often a commit) per row; one bulk statement does the same work at once.",
  "batch-ids": "Looking rows up one key at a time costs a round trip per key; one IN query fetches them all.",
};

const ms = (value: number) => `${value < 10 ? value.toFixed(1) : Math.round(value)} ms`;

function why(
  catalog: FixCatalog,
  input: GuidanceInput,
  repeated: ParsedStatement,
  strategy: StrategyId,
  rel: Relationship,
  links: readonly Link[],
): string {
  const what =
    repeated.op === "other"
      ? "statement"
      : `${repeated.op.toUpperCase()}${rel.childTable ? ` on ${rel.childTable}` : ""}`;
  const perRow = input.sourceStatement && rel.parentTable ? `, once per ${rel.parentTable} row` : "";
  // totalMs is this level's time; a nested finding's wastedMs sums every level, so it can exceed totalMs and
  // is stated on its own: this level's waste is derived from this level's time, never more than it.
  const total = Math.max(0, input.totalMs);
  const wasted = total - total / Math.max(1, input.repeats);
  const parts = [
    `This request ran the same ${what} ${input.repeats} times${perRow}: ${ms(total)} in all, ${ms(wasted)} more than one query would have taken.`,
  ];
  if (strategy === "chained") {
    const first = links[0];
    if (first)
      parts.push(
        `The loop is nested (${[first.n.parentTable, ...links.map((l) => l.n.childTable)].join(" -> ")}).`,
      );
  }
  const loopWasted = input.wastedMs ?? wasted;
  if ((input.chain?.length ?? 0) > 0 && loopWasted > wasted)
    parts.push(
      `Counting every level, the nested loop took ${ms(loopWasted)} more than one query per level would have.`,
    );
  const eager = strategy === "eager-many-to-one" || strategy === "eager-one-to-many";
  parts.push(eager && !catalog.implicitLazyLoading ? EXPLICIT : REASONS[strategy]);
  if (input.parallel)
    parts.push(
      "Running the repeats concurrently hides the latency, not the load: each still takes a connection and a round trip.",
    );
  if (strategy === "batch-ids" && rel.direction === "many-to-one") {
    parts.push(
      "The query that produced the keys was not found, so the fix batches the lookups rather than eager-loading them.",
    );
  }
  return parts.join(" ");
}

function verify(catalog: FixCatalog, input: GuidanceInput, strategy: StrategyId, expected: number): string {
  const hasSource = input.sourceStatement !== null;
  const now =
    strategy === "chained"
      ? `the ${input.repeats} this level alone ran`
      : hasSource
        ? `1 + ${input.repeats}`
        : `${input.repeats}`;
  const unit = expected === 1 ? "query" : "queries";
  const what = strategy === "bulk-write" ? "statement" : unit;
  return `${catalog.verifyHow} Expect ${expected} ${expected === 1 ? what : unit} for this loop instead of ${now}, whatever the number of rows; the finding should stop appearing in new traces.`;
}

function relationshipOut(
  catalog: FixCatalog,
  rel: Relationship,
  ctx: FixContext,
): GuidanceRelationship | null {
  if (!rel.childTable && !rel.column) return null;
  const parentKnown = rel.parentTable !== null || rel.foreignKeyOf !== null;
  return {
    parentTable: rel.parentTable,
    childTable: rel.childTable,
    column: rel.column,
    direction: rel.direction,
    parentModel: parentKnown ? ctx.n.parent.pascal : null,
    attribute: parentKnown && rel.direction !== "unknown" ? catalog.relationName(ctx.n, rel.direction) : null,
  };
}

/**
 * `serviceOrms`, when given, reads the statement in the light of its service's other statements
 * (service-orm.ts): the caller feeds it (`observe`) with the findings before asking.
 */
export function guidanceFor(input: GuidanceInput, serviceOrms?: ServiceOrms): Guidance {
  const own = recognizeOrm(input);
  const match = serviceOrms ? serviceOrms.resolve(input.service, own) : own;
  const catalog: FixCatalog = match.orm ? ORMS[match.orm] : plainSql;
  // Each statement is read once: statements can be 64 KB of hostile text, and the same one often plays two
  // parts (source and chain root).
  const parsed = new Map<string, ParsedStatement>();
  const parse = (sql: string) =>
    parsed.get(sql) ?? (parsed.set(sql, parseStatement(sql)).get(sql) as ParsedStatement);
  const repeated = parse(input.statement);
  const rel = inferRelationship(input.statement, input.sourceStatement);
  const chain = inferChain(input.chain ?? [], input.statement);
  const strategy = chooseStrategy(input.kind, repeated, rel, chain);
  const sourceNames = input.sourceStatement ? parse(input.sourceStatement).names : [];
  const n = nameRelationship(rel, catalog.naming, sourceNames);
  const write: WriteOp | null = repeated.op === "select" || repeated.op === "other" ? null : repeated.op;
  const agg = repeated.aggregate;
  const links = strategy === "chained" ? nameChain(chain, catalog.naming) : [{ direction: rel.direction, n }];
  // The query the fix rewrites: a nested loop's outermost source, else the loop's own source.
  const root = strategy === "chained" ? input.chain?.[0] : input.sourceStatement;
  const ctx: FixContext = {
    strategy,
    direction: rel.direction,
    n,
    links,
    aggregate: agg ? { fn: agg.fn, column: agg.column ? cased(agg.column) : null } : null,
    write: write ?? (strategy === "bulk-write" ? "insert" : null),
    repeats: input.repeats,
    hasSource: input.sourceStatement !== null,
    source: sourceQuery(root ? parse(root) : null, links[0]?.n.parentTable ?? null),
  };
  // A statement we could not read gets the rule without invented table or model names.
  const ormFix = rel.childTable ? catalog.fixes[strategy](ctx) : opaqueFix(ctx);
  const graphql = isGraphqlEndpoint(input.endpoint) && write === null && strategy !== "bulk-write";
  const fix = graphql ? withDataLoader(ormFix, languageOf(input)?.language ?? null, ctx.links) : ormFix;
  const expected = fix.expectedQueries ?? defaultExpectedQueries(strategy, ctx.hasSource, ctx.links.length);
  // Read-side pitfalls (serializers, closed sessions, lazy settings) do not apply to a write loop.
  const general = strategy === "bulk-write" ? [] : catalog.pitfalls;
  const eager = strategy === "eager-one-to-many" || strategy === "eager-many-to-one";
  const scoped = eager ? scopePitfall(relationScope(repeated, rel.column)) : null;
  return {
    orm: match.orm,
    ormName: catalog.name,
    confidence: match.confidence,
    summary: fix.summary,
    why: why(catalog, input, repeated, strategy, rel, ctx.links),
    before: fix.before || null,
    after: fix.after || null,
    verify: verify(catalog, input, strategy, expected),
    strategy,
    tradeoff: fix.tradeoff,
    pitfalls: [...new Set([...(scoped ? [scoped] : []), ...(fix.pitfalls ?? []), ...general])],
    evidence: match.evidence,
    relationship: relationshipOut(catalog, rel, ctx),
    expectedQueries: expected,
  };
}
