/**
 * What a normalized SQL statement does, read from its canonical text (lower case, literals as `?`). Runs once
 * per distinct statement text (statement.ts memoizes), so plain regular expressions are cheap enough here.
 *
 * - `read` / `write`: the calls detectors group.
 * - `control`: transactions, savepoints, session settings, pings (`SELECT 1`), sequence fetches (`SELECT
 *   nextval(..)`), DDL. They repeat around every unit of work by design; a loop of writes shows up as its
 *   INSERTs, not as its BEGIN/COMMIT pairs.
 * - `cursor`: FETCH / MOVE / CLOSE on a server-side cursor: more rows of one result, never an N+1.
 *
 * `paginated` marks reads shaped like one page of a longer result: LIMIT with OFFSET (`LIMIT ? OFFSET ?`,
 * `OFFSET ? ROWS FETCH NEXT ? ROWS ONLY`, MySQL `LIMIT ?, ?`) in an ordered read, or keyset pagination: a range comparison on a
 * column the statement also orders by, plus a row limit (`WHERE id > ? ORDER BY id LIMIT ?`, Rails
 * `find_each`). Fingerprints erase the offset or cursor value, so a loop over pages would look like N
 * identical queries; fetching a large result page by page is deliberate, so such loops are not reported.
 * An N+1 of "first row per parent" (`WHERE post_id = ? ORDER BY id LIMIT ?`) has no range comparison on the
 * ordered column and stays reported.
 *
 * OFFSET alone is not enough: Prisma appends `LIMIT ? OFFSET ?` to every findUnique and findMany (recorded
 * from Prisma 7, and Prisma 4-6 do the same), so its per-row loads would all pass as pages. An OFFSET page
 * needs an ORDER BY (unordered pages are not even well defined), and a read filtered on `id = ?` returns one
 * row, which is never a page. An ordered per-parent load with OFFSET (Prisma `findMany({ where: { postId },
 * orderBy })` in a loop) has the page shape; text alone cannot tell it from paging through one parent's rows,
 * so n-plus-one.ts looks at the query before the loop: a list of the parents its key names makes it a load per
 * parent, and a reported N+1.
 */
import { namesTable, singular } from "@n1radar/sql";

export type CallOp = "read" | "write" | "control" | "cursor";

export interface SqlShape {
  op: CallOp;
  paginated: boolean;
}

const CONTROL = new Set([
  "begin",
  "commit",
  "rollback",
  "savepoint",
  "release",
  "start",
  "end",
  "set",
  "show",
  "use",
  "reset",
  "discard",
  "deallocate",
  "pragma",
  "explain",
  "lock",
  "unlock",
  "listen",
  "unlisten",
  "notify",
  "create",
  "alter",
  "drop",
  "truncate",
  "grant",
  "revoke",
  "vacuum",
  "analyze",
  "checkpoint",
  "xa",
]);
const CURSOR = new Set(["fetch", "move", "close"]);
const WRITE = new Set(["insert", "update", "delete", "merge", "replace", "upsert", "copy"]);

const WRITE_AFTER_CTE = /\b(insert into|update [\w.]+ set|delete from|merge into)\b/;
const OFFSET = /\boffset \?|\blimit \?, \?/;
/** `id = ?`, qualified or not (`main.author.id = ?`): a primary-key lookup, one row at most. */
const KEY_LOOKUP = /(?:^|[\s(.])id = \?/;
const ROW_LIMIT = /\blimit \?|\bfetch (first|next) \? rows?\b|\btop \(?\?/;
const RANGE = /([a-z_][\w$]*(?:\.[a-z_][\w$]*)*) (?:>|<|>=|<=) \?/g;
const ROW_RANGE = /\(([^()]*)\) (?:>|<|>=|<=) \(\?\)/g;
const ORDER_END = / (limit|offset|fetch|for|top) /;

const lastSegment = (column: string) => column.slice(column.lastIndexOf(".") + 1).trim();

function orderedColumns(canonical: string): Set<string> {
  const at = canonical.lastIndexOf(" order by ");
  if (at < 0) return new Set();
  let tail = canonical.slice(at + 10);
  const end = tail.search(ORDER_END);
  if (end >= 0) tail = tail.slice(0, end);
  return new Set(tail.split(",").map((part) => lastSegment(part.trim().split(" ")[0] ?? "")));
}

/** `post_id = ?`, `comments.postid = ?`: the parent ("post") an equality on a foreign key names. */
const FOREIGN_KEY_EQUALITY = /(?:^|[\s(.])([a-z][a-z0-9_]*?)_?id = \?/g;
const READ_TABLE = / from ([a-z_][\w$]*(?:\.[a-z_][\w$]*)*)/;

/** The parents a read's foreign-key equalities name: `... where comments.post_id = ?` -> ["post"]. */
export function parentsNamed(canonical: string): string[] {
  return [...canonical.matchAll(FOREIGN_KEY_EQUALITY)].map((m) => m[1] as string).filter((p) => p.length > 1);
}

/** The table a read reads first, without schema: `select ... from main.posts ...` -> "posts". */
export function tableRead(canonical: string): string | null {
  const from = READ_TABLE.exec(canonical)?.[1];
  return from ? lastSegment(from) : null;
}

/** True for a lookup of one row by its key (`id = ?`): a query that lists no rows to loop over. */
export function isKeyLookup(canonical: string): boolean {
  return KEY_LOOKUP.test(canonical);
}

const FOREIGN_KEY_FILTER =
  /(?:^|[\s(.])([a-z][a-z0-9_]*?)_id = \?|\?(?:::\w+)? = (?:[a-z_][\w$]*\.)*([a-z][a-z0-9_]*?)_id\b/;
const ID_LOOKUP = /(?:^|[\s(])(?:[a-z_][\w$]*\.)?id = \?/;
const LIST_FILTER = /\bwhere [\w$.]+ in \(/;
const STAR_SELECT = /^select (?:distinct )?(?:[\w$]+\.)?\*/;

/** What a read repeated per row needs from the rows it loops over. */
export type RowKey = { column: string } | { parent: string };

/**
 * A lookup by id needs the rows' foreign key (`authors.id = ?` per row: the rows carry `author_id`); a
 * foreign-key filter needs the parents' ids (`comments.post_id = ?`, or SQLAlchemy's `? = comments.post_id`:
 * a list of posts). Null when the statement says neither.
 */
export function rowKeyNeeded(canonical: string): RowKey | null {
  const fk = FOREIGN_KEY_FILTER.exec(canonical);
  const parent = fk?.[1] ?? fk?.[2];
  if (parent && parent.length > 1) return { parent: lastSegment(parent) };
  const table = ID_LOOKUP.test(canonical) ? tableRead(canonical) : null;
  if (!table) return null;
  const model = table.slice(table.lastIndexOf("_") + 1); // Django's blog_author -> author
  return { column: `${singular(model)}_id` };
}

/**
 * Whether a read can be the one whose rows supply that key: it selects the foreign key column (or `*`), or it lists the
 * parents without being keyed by a list of them (a batch load of the parents' other relationship,
 * `... WHERE posts_1.id IN (?, ?)` right after the posts query, is not where the posts came from).
 */
export function suppliesRowKey(canonical: string, key: RowKey): boolean {
  // `select *` / `posts.*` may hold any column: it could have supplied the key
  if ("column" in key)
    return STAR_SELECT.test(canonical) || new RegExp(`\\b${key.column}\\b`).test(canonical);
  const table = tableRead(canonical);
  return table !== null && namesTable(key.parent, table) && !LIST_FILTER.test(canonical);
}

function isOffsetPage(canonical: string): boolean {
  return OFFSET.test(canonical) && canonical.includes(" order by ") && !KEY_LOOKUP.test(canonical);
}

function isKeysetPage(canonical: string): boolean {
  if (!ROW_LIMIT.test(canonical)) return false;
  const ordered = orderedColumns(canonical);
  if (ordered.size === 0) return false;
  for (const m of canonical.matchAll(RANGE)) if (ordered.has(lastSegment(m[1] ?? ""))) return true;
  for (const m of canonical.matchAll(ROW_RANGE))
    if ((m[1] ?? "").split(",").some((c) => ordered.has(lastSegment(c)))) return true;
  return false;
}

export function classifySql(canonical: string): SqlShape {
  const space = canonical.indexOf(" ");
  const verb = space < 0 ? canonical : canonical.slice(0, space);
  if (CONTROL.has(verb)) return { op: "control", paginated: false };
  if (CURSOR.has(verb)) return { op: "cursor", paginated: false };
  if (WRITE.has(verb)) return { op: "write", paginated: false };
  if (verb === "with" && WRITE_AFTER_CTE.test(canonical)) return { op: "write", paginated: false };
  if (verb === "select" && (!canonical.includes(" from ") || / from dual\b/.test(canonical)))
    return { op: "control", paginated: false };
  return { op: "read", paginated: isOffsetPage(canonical) || isKeysetPage(canonical) };
}
