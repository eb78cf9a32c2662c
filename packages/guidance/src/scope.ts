/**
 * What a per-row relation load adds beyond its join key: extra conditions and an order. An N+1 written as
 * `post.comments.where(approved: true).order(created_at: :desc)` (or Prisma's `findMany({ where, orderBy })`)
 * repeats a query that filters and sorts; an eager load that drops them returns rows, or an order, the loop
 * never had. Guidance names them so the fix keeps them. The SQL is read once, by sql.ts.
 */
import { cased } from "@n1radar/sql";
import type { ParsedStatement } from "./sql.js";
import type { SourceQuery } from "./types.js";

export interface RelationScope {
  /** Columns compared with a parameter, other than the relation's own key. */
  conditions: string[];
  /** "created_at DESC, id": the ORDER BY with table qualifiers and quoting removed, or null. */
  orderBy: string | null;
}

export function relationScope(statement: ParsedStatement, key: string | null): RelationScope {
  const own = key?.toLowerCase();
  return {
    conditions: statement.conditions.filter((column) => column.toLowerCase() !== own),
    orderBy: statement.orderBy,
  };
}

/** The pitfall to show when a relation load carries conditions or an order; null when it carries none. */
export function scopePitfall(scope: RelationScope): string | null {
  const parts: string[] = [];
  if (scope.conditions.length > 0) parts.push(`filters on ${scope.conditions.join(", ")}`);
  if (scope.orderBy) parts.push(`sorts by ${scope.orderBy}`);
  if (parts.length === 0) return null;
  return `The per-row query also ${parts.join(" and ")}: keep that in the eager load (a filtered include, or a relationship defined with the same condition and order), or the fix returns rows, or an order, the loop never had.`;
}

const NO_SOURCE: SourceQuery = { order: [], limit: null };

/**
 * The order and limit of the query an eager-loading fix rewrites (`findAll({ order, limit, include })`), read
 * only when that query reads `table` (the loop's parent): a fix that drops them lists other rows.
 */
export function sourceQuery(parsed: ParsedStatement | null, table: string | null): SourceQuery {
  if (!parsed || !table) return NO_SOURCE;
  if (parsed.op !== "select" || parsed.table?.toLowerCase() !== table.toLowerCase()) return NO_SOURCE;
  const order: SourceQuery["order"] = [];
  for (const term of parsed.orderBy?.split(", ") ?? []) {
    const m = /^([A-Za-z_]\w*)(?:\s+(ASC|DESC))?(?:\s+NULLS\s+(?:FIRST|LAST))?$/i.exec(term.trim());
    if (m?.[1]) order.push({ column: cased(m[1]), desc: m[2]?.toUpperCase() === "DESC" });
  }
  return { order, limit: parsed.limit };
}
