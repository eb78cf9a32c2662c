import type { Relationship } from "./relationship.js";
import type { ParsedStatement } from "./sql.js";
import type { FindingKindInput, StrategyId } from "./types.js";

/**
 * The rule book, the same for every ORM:
 * - a write per row                   -> one bulk statement                       ("bulk-write")
 * - an aggregate per row (COUNT ...)  -> one grouped query or an annotation       ("aggregate")
 * - a nested loop (posts -> comments -> authors) -> chained loaders               ("chained")
 * - many-to-one (WHERE authors.id = ?) with a known parent -> join it into the parent query
 * - one-to-many (WHERE comments.post_id = ?) -> one extra IN query, never a join that multiplies rows
 * - anything else (lookup by some key, or no parent to attach a loader to) -> fetch the keys in one IN query
 */
export function chooseStrategy(
  kind: FindingKindInput,
  repeated: ParsedStatement,
  relationship: Relationship,
  chain: readonly Relationship[],
): StrategyId {
  if (
    kind === "repeated_write" ||
    repeated.op === "insert" ||
    repeated.op === "update" ||
    repeated.op === "delete"
  )
    return "bulk-write";
  if (repeated.aggregate) return "aggregate";
  if (chain.length >= 2 && chain.every((link) => link.direction !== "unknown" && link.childTable))
    return "chained";
  // Many-to-one needs the parent query to attach the loader to; without it, batch the ids.
  if (relationship.direction === "many-to-one" && relationship.parentTable) return "eager-many-to-one";
  if (relationship.direction === "one-to-many") return "eager-one-to-many";
  return "batch-ids";
}

/**
 * Queries the loop should take after each fix, when the ORM's entry does not say otherwise: a join adds none
 * to the parent query, an IN query adds one, each chained level adds at most one.
 */
export function defaultExpectedQueries(strategy: StrategyId, hasSource: boolean, links: number): number {
  switch (strategy) {
    case "eager-many-to-one":
      return 1;
    case "eager-one-to-many":
      return 2;
    case "chained":
      return links + 1;
    case "aggregate":
      return 1;
    case "bulk-write":
      return 1;
    case "batch-ids":
      return hasSource ? 2 : 1;
  }
}
