/**
 * Relationship inference from the repeated statement (and the source statement when known):
 *   SELECT ... FROM authors WHERE authors.id = ?        -> many-to-one: each post loads its author
 *   SELECT ... FROM comments WHERE comments.post_id = ? -> one-to-many: each post loads its comments
 */
export type Direction = "many-to-one" | "one-to-many" | "unknown";

export interface Relationship {
  /** Table the loop iterates over (from the source statement), when known. */
  parentTable: string | null;
  /** Table the repeated query reads. */
  childTable: string | null;
  /** Column the repeated query filters on. */
  column: string | null;
  direction: Direction;
}

const unquote = (name: string) => name.replace(/["`[\]]/g, "");

function fromTable(sql: string): string | null {
  const m = /\bFROM\s+((?:["`[]?[\w$]+["`\]]?\.)?["`[]?[\w$]+["`\]]?)/i.exec(sql);
  if (!m?.[1]) return null;
  const parts = unquote(m[1]).split(".");
  return parts[parts.length - 1] ?? null;
}

function filterColumn(sql: string): string | null {
  const where = /\bWHERE\b([\s\S]*)$/i.exec(sql)?.[1];
  if (!where) return null;
  const m =
    /((?:["`[]?[\w$]+["`\]]?\.)?["`[]?[\w$]+["`\]]?)\s*(?:=|IN)\s*\(?\?/i.exec(where) ??
    /\?\s*=\s*((?:["`[]?[\w$]+["`\]]?\.)?["`[]?[\w$]+["`\]]?)/i.exec(where);
  if (!m?.[1]) return null;
  const parts = unquote(m[1]).split(".");
  return parts[parts.length - 1] ?? null;
}

export function inferRelationship(statement: string, sourceStatement: string | null): Relationship {
  const childTable = fromTable(statement);
  const column = filterColumn(statement);
  const parentTable = sourceStatement ? fromTable(sourceStatement) : null;
  let direction: Direction = "unknown";
  if (column === "id") direction = "many-to-one";
  else if (column?.endsWith("_id")) direction = "one-to-many";
  return { parentTable, childTable, column, direction };
}

/** "authors" -> "author", "categories" -> "category", "blog_post" -> "blog_post". */
export function singular(table: string): string {
  if (/ies$/.test(table)) return table.replace(/ies$/, "y");
  if (/(ss|us)$/.test(table)) return table;
  if (/(s|x|z|ch|sh)es$/.test(table)) return table.replace(/es$/, "");
  return table.replace(/s$/, "");
}

/** "blog_post" (Django app_model) or "posts" -> "Post"; "order_items" -> "OrderItem". */
export function modelName(table: string): string {
  const base = singular(table);
  return base
    .split("_")
    .filter(Boolean)
    .map((w) => w[0]?.toUpperCase() + w.slice(1))
    .join("");
}
