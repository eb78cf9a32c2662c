/**
 * What a per-row relation load adds beyond its join key: extra conditions and an order. An N+1 written as
 * `post.comments.where(approved: true).order(created_at: :desc)` (or Prisma's `findMany({ where, orderBy })`)
 * repeats a query that filters and sorts; an eager load that drops them returns rows, or an order, the loop
 * never had. Guidance names them so the fix keeps them.
 */

/**
 * A comparison with a parameter: `= ?`, `LIKE (? || ?)`, `>= ?`, `IN (?)`. The column is read backwards from
 * the operator (`t.col`, `"t"."col"`, `` `col` ``), not by the regex: a pattern that also matched the qualified
 * name before the operator would backtrack quadratically on a long run of `a.a.a.` in hostile SQL.
 */
const PARAM_COMPARISON = /(?:<>|!=|<=|>=|=|<|>|\bNOT\s+LIKE\b|\bI?LIKE\b|\bNOT\s+IN\b|\bIN\b)\s*\(?\s*\?/gi;
const WORD = /\w/;
const QUOTE_CLOSE = new Set(['"', "`", "]"]);

/** The identifier just before `end` (spaces and one closing quote skipped), or null. */
function columnBefore(text: string, end: number): string | null {
  let i = end - 1;
  while (i >= 0 && text[i] === " ") i--;
  if (i >= 0 && QUOTE_CLOSE.has(text[i] as string)) i--;
  const last = i;
  while (i >= 0 && WORD.test(text[i] as string)) i--;
  return last > i ? text.slice(i + 1, last + 1) : null;
}
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
    const tail = statement.slice(where + "WHERE".length);
    for (const m of tail.matchAll(PARAM_COMPARISON)) {
      const column = columnBefore(tail, m.index);
      if (column === null || /^(AND|OR|NOT)$/i.test(column)) continue;
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
