import { cased, entityOf, foreignKeyBase, isPrimaryKey, plural, sharedAppLabel, snake } from "@n1radar/sql";
import { type Filter, type ParsedStatement, parseStatement } from "./sql.js";
import type { Direction, Link, Names, NamingStyle } from "./types.js";

/**
 * Relationship inference from the source query and the repeated one:
 *   SELECT ... FROM posts, then SELECT ... FROM authors WHERE authors.id = ?      -> many-to-one, Post.author
 *   SELECT ... FROM posts, then SELECT ... FROM comments WHERE comments.post_id = ? (or ? = comments.post_id)
 *                                                                                -> one-to-many, Post.comments
 * The filter on the primary key means "each parent row points at one child"; a filter on a foreign key means
 * "each parent row owns many children". Anything else is a lookup by some key (direction unknown).
 */
export interface Relationship {
  /** Table the loop iterates over (from the source statement), when known. */
  parentTable: string | null;
  /** Table the repeated query reads or writes. */
  childTable: string | null;
  /** Column the repeated query filters on. */
  column: string | null;
  direction: Direction;
  /** For one-to-many, the parent a foreign key names ("post_id" -> "post"); a parent when no source is known. */
  foreignKeyOf: string | null;
  /** Many-to-many: the link table the load goes through ("post_tags", "Book_Author"); null for a direct key. */
  linkTable: string | null;
}

/**
 * A column keyed to the parent by name: "post_id" ("<parent>_id"), or "<parent or parents>_<a column the source
 * query selects>" when the parent is keyed by something else (Hibernate's join column "books_isbn" for a Book
 * with @Id isbn). Returns the parent entity, or null.
 */
function parentKeyBase(
  column: string,
  parentTable: string | null,
  sourceNames: readonly string[],
): string | null {
  const base = foreignKeyBase(column);
  if (base) return base;
  if (!parentTable) return null;
  const parent = entityOf(parentTable, false);
  const col = snake(column);
  for (const prefix of [parent, plural(parent)]) {
    const rest = col.startsWith(`${prefix}_`) ? col.slice(prefix.length + 1) : null;
    if (rest && sourceNames.some((name) => snake(name) === rest)) return parent;
  }
  return null;
}

/** Filters on the child's own table, in order of how much they say about the relationship. */
function bestFilter(
  statement: ParsedStatement,
  parentTable: string | null,
  sourceNames: readonly string[],
): Filter | null {
  const own = statement.filters.filter(
    (f) => f.table === null || !statement.table || f.table.toLowerCase() === statement.table.toLowerCase(),
  );
  const parentEntity = parentTable ? entityOf(parentTable, false) : null;
  const rank = (f: Filter): number => {
    if (isPrimaryKey(f.column)) return 3;
    const base = parentKeyBase(f.column, parentTable, sourceNames);
    // tenant_id = ? AND post_id = ?: the key naming the parent wins over other foreign keys.
    if (base && parentEntity && (base === parentEntity || base.endsWith(`_${parentEntity}`))) return 4;
    return base ? 2 : 1;
  };
  return [...own].sort((a, b) => rank(b) - rank(a))[0] ?? null;
}

const same = (a: string | null, b: string | null) =>
  a !== null && b !== null && a.toLowerCase() === b.toLowerCase();

/**
 * A lazy load that reaches the child through a join and filters on the parent (TypeORM):
 *   SELECT author.* FROM authors author JOIN posts Post ON Post.author_id = author.id WHERE Post.id IN (?)
 * The foreign key in the ON clause says which side owns the other.
 */
function throughJoin(child: ParsedStatement, parentTable: string | null): Relationship | null {
  const filter = child.filters.find((f) => !same(f.table, child.table) && f.table !== null);
  if (!filter) return null;
  const base = foreignKeyBase(filter.column);
  if (base) {
    // Filtered on the join table's foreign key (many-to-many through post_tags.post_id): the parent's children.
    return {
      parentTable,
      childTable: child.table,
      column: filter.column,
      direction: "one-to-many",
      foreignKeyOf: base,
      linkTable: filter.table,
    };
  }
  if (!isPrimaryKey(filter.column)) return null;
  for (const [a, b] of child.joins) {
    const [mine, theirs] = same(a.table, filter.table)
      ? [a, b]
      : same(b.table, filter.table)
        ? [b, a]
        : [null, null];
    if (!mine || !theirs || !same(theirs.table, child.table)) continue;
    const parent = parentTable ?? filter.table;
    if (foreignKeyBase(mine.column)) {
      return {
        parentTable: parent,
        childTable: child.table,
        column: "id",
        direction: "many-to-one",
        foreignKeyOf: null,
        linkTable: null,
      };
    }
    const fk = foreignKeyBase(theirs.column);
    if (fk)
      return {
        parentTable: parent,
        childTable: child.table,
        column: theirs.column,
        direction: "one-to-many",
        foreignKeyOf: fk,
        linkTable: null,
      };
  }
  return null;
}

/**
 * A link table read first and the target joined to it (Hibernate's many-to-many collection load):
 *   SELECT ... FROM Book_Author a1_0 JOIN Author a1_1 ON a1_1.id = a1_0.authors_id WHERE a1_0.books_isbn = ?
 * The rows are Authors: the joined table whose key the link table's other foreign key points at.
 */
function linkTarget(child: ParsedStatement, filterColumn: string): string | null {
  for (const [a, b] of child.joins) {
    for (const [link, target] of [
      [a, b],
      [b, a],
    ] as const) {
      if (!same(link.table, child.table) || same(target.table, child.table)) continue;
      if (same(link.column, filterColumn) || !foreignKeyBase(link.column) || !isPrimaryKey(target.column))
        continue;
      return target.table;
    }
  }
  return null;
}

export function inferRelationship(statement: string, sourceStatement: string | null): Relationship {
  const child = parseStatement(statement);
  const source = sourceStatement ? parseStatement(sourceStatement) : null;
  const parentTable = source?.table ?? null;
  const filter = bestFilter(child, parentTable, source?.names ?? []);
  if (!filter) {
    const joined = throughJoin(child, parentTable);
    if (joined) return joined;
  }
  const column = filter?.column ?? null;
  let direction: Direction = "unknown";
  let foreignKeyOf: string | null = null;
  let childTable = child.table;
  let linkTable: string | null = null;
  const parentKey = column ? parentKeyBase(column, parentTable, source?.names ?? []) : null;
  if (column && isPrimaryKey(column)) direction = "many-to-one";
  else if (column && parentKey) {
    direction = "one-to-many";
    foreignKeyOf = parentKey;
    const target = linkTarget(child, column);
    if (target) [childTable, linkTable] = [target, child.table];
  }
  return { parentTable, childTable, column, direction, foreignKeyOf, linkTable };
}

/**
 * Links of a nested loop, outermost first: chain [posts, comments per post, author per comment] gives
 * posts -> comments (one-to-many) and comments -> authors (many-to-one). The repeated statement closes the
 * chain when the detector did not include it.
 */
export function inferChain(chain: readonly string[], statement: string): Relationship[] {
  const steps =
    chain.length > 0 && chain[chain.length - 1] !== statement ? [...chain, statement] : [...chain];
  const links: Relationship[] = [];
  for (let i = 1; i < steps.length; i++) {
    links.push(inferRelationship(steps[i] as string, steps[i - 1] as string));
  }
  return links;
}

/** The foreign key a source query selects for a many-to-one child ("author_id" for authors), if any. */
function selectedForeignKey(sourceNames: readonly string[], child: string): string | null {
  return sourceNames.find((name) => snake(name) === `${child}_id`) ?? null;
}

/** Model and attribute names for one relationship, in an ORM's table naming. */
export function nameRelationship(
  r: Relationship,
  style: NamingStyle = {},
  sourceNames: string[] = [],
): Names {
  const django = style.appLabelTables === true;
  const label = django && r.parentTable && r.childTable ? sharedAppLabel(r.parentTable, r.childTable) : null;
  const child = r.childTable ? entityOf(r.childTable, django, label) : "record";
  const parent = r.parentTable ? entityOf(r.parentTable, django, label) : (r.foreignKeyOf ?? "item");
  const attr = r.direction === "one-to-many" ? plural(child) : child;
  const fkColumn =
    r.direction === "one-to-many"
      ? (r.column ?? `${parent}_id`)
      : (selectedForeignKey(sourceNames, child) ?? `${child}_id`);
  const keyColumn = r.column ?? "id";
  return {
    parent: cased(parent),
    parents: cased(plural(parent)),
    child: cased(child),
    children: cased(plural(child)),
    attr: cased(attr),
    fk: cased(fkColumn),
    key: cased(keyColumn),
    parentTable: r.parentTable ?? plural(parent),
    childTable: r.childTable ?? plural(child),
    linkTable: r.linkTable,
    fkColumn,
    keyColumn,
  };
}

/** Links ready for a chained fix: each level's names, in the ORM's naming. */
export function nameChain(links: Relationship[], style: NamingStyle = {}): Link[] {
  return links.map((r) => ({ direction: r.direction, n: nameRelationship(r, style) }));
}
