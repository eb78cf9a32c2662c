/**
 * What a per-row relation load adds beyond its join key: extra conditions and an order. An N+1 written as
 * `post.comments.where(approved: true).order(created_at: :desc)` (or Prisma's `findMany({ where, orderBy })`)
 * repeats a query that filters and sorts; an eager load that drops them returns rows, or an order, the loop
 * never had. Guidance names them so the fix keeps them.
 */

/** `t.col = ?`, `"t"."col" LIKE (? || ?)`, `col >= ?`, `col IN (?)`: the column compared with a parameter. */
const COMPARED =
  /(?:[\w"`[\]]+\.)*["`[]?(\w+)["`\]]?\s*(?:=|<>|!=|<=|>=|<|>|\bNOT\s+LIKE\b|\bI?LIKE\b|\bNOT\s+IN\b|\bIN\b)\s*\(?\s*\?/gi;
const ORDER_BY = /\bORDER BY\s+(.+?)(?=\s+LIMIT\b|\s+OFFSET\b|\s+FETCH\b|\s+FOR\b|\)|$)/i;

export interface RelationScope {
  /** Columns compared with a parameter, other than the relation's own key. */
  conditions: string[];
  /** "created_at DESC, id": the ORDER BY with table qualifiers and quoting removed, or null. */
  orderBy: string | null;
}

function bare(term: string): string {
  return term
    .trim()
    .split(/\s+/)
    .map((word, i) => (i === 0 ? (word.split(".").pop() ?? word).replace(/["`[\]]/g, "") : word))
    .join(" ");
}

export function relationScope(statement: string, key: string | null): RelationScope {
  const where = statement.search(/\bWHERE\b/i);
  const conditions = new Set<string>();
  if (where >= 0) {
    const tail = statement.slice(where);
    for (const m of tail.matchAll(COMPARED)) {
      const column = m[1] as string;
      if (column.toUpperCase() === "WHERE" || column.toUpperCase() === "AND") continue;
      if (key === null || column.toLowerCase() !== key.toLowerCase()) conditions.add(column);
    }
  }
  const order = ORDER_BY.exec(statement)?.[1];
  return {
    conditions: [...conditions],
    orderBy: order ? order.split(",").map(bare).join(", ") : null,
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
