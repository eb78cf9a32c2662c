import type { WriteOp } from "./types.js";

/**
 * Just enough SQL reading for guidance: the statement's operation, its main table, table aliases, the columns
 * compared with a parameter, and a per-row aggregate. Input is the detector's normalized display form
 * (literals -> `?`, keywords upper-cased, identifier quoting kept), but lower-case keywords and raw driver
 * placeholders work too. The patterns have no nested quantifiers, so a hostile 64 KB statement costs linear time.
 */

/**
 * One identifier: "quoted", `backticked`, [bracketed] or bare. A bracketed one stops at the next `[`, as quoted
 * ones stop at the next quote: otherwise each `[` of a hostile `[a.[a.[a.` with no `]` would scan to the end.
 */
const ID = String.raw`(?:"[^"]*"|\x60[^\x60]*\x60|\[[^\][]*\]|[A-Za-z_][\w$]*)`;
/** schema.table.column at most. */
const QNAME = String.raw`${ID}(?:\s*\.\s*${ID}){0,2}`;

/**
 * A bound parameter: `?` in the display form, and the raw forms the normalizer may leave (TypeORM's spread
 * `:...ids`) or a caller may pass (`$1`, `:name`, `@p0`, `%s`, `%(name)s`).
 */
const PARAM = String.raw`(?:\?|:\.{0,3}[A-Za-z_]\w*|\$\d+|@\w+|%s|%\(\w+\)s)`;

/** Words that follow a table name but are never its alias. */
const RESERVED = new Set(
  (
    "where join left right inner outer full cross natural on using order group limit offset having union " +
    "for window fetch set values returning select from and or not in is as with lateral straight_join"
  ).split(" "),
);

export interface Filter {
  /** Table the column belongs to (alias resolved), or null when the statement does not say. */
  table: string | null;
  column: string;
}

export interface ParsedStatement {
  op: "select" | WriteOp | "other";
  /** The table read (FROM) or written (INTO / UPDATE / DELETE FROM), unquoted, without schema. */
  table: string | null;
  /** Columns compared with a parameter: `t.c = ?`, `t.c IN (?)`, `? = t.c`, `t.c = ANY (?)`. */
  filters: Filter[];
  aggregate: { fn: "count" | "sum" | "avg" | "min" | "max" | "exists"; column: string | null } | null;
  /**
   * Every column compared with a parameter, by any operator (`=`, `<>`, `>=`, `LIKE (? || ?)`, `IN (?)`),
   * unquoted and in order: the relation's key and whatever else a per-row load filters on.
   */
  conditions: string[];
  /** The ORDER BY terms with qualifiers and quoting removed (`created_at DESC, id`), or null. */
  orderBy: string | null;
  /** The row limit's value (`LIMIT ?`, `LIMIT 20`, `FETCH FIRST ? ROWS`, `TOP (?)`): digits, or "?"; else null. */
  limit: string | null;
  /** Column pairs of `ON a.x = b.y` join conditions, aliases resolved. */
  joins: [Filter, Filter][];
  /** Every column-like name in the statement, unquoted (to find foreign keys a source query selects). */
  names: string[];
}

export function unquote(part: string): string {
  const first = part[0];
  if (first === '"' || first === "`" || first === "[") return part.slice(1, -1);
  return part;
}

/** `"public"."Author"` -> ["public", "Author"]. */
export function nameParts(qname: string): string[] {
  return [...qname.matchAll(new RegExp(ID, "g"))].map((m) => unquote(m[0]));
}

function lastPart(qname: string): string | null {
  const parts = nameParts(qname);
  return parts[parts.length - 1] ?? null;
}

function operation(sql: string): ParsedStatement["op"] {
  const word = /^\s*\(?\s*(\w+)/.exec(sql)?.[1]?.toLowerCase();
  if (word === "select" || word === "insert" || word === "update" || word === "delete") return word;
  if (word === "with") {
    // A CTE: the operation is the first one after the last closing parenthesis of the WITH list.
    const after = /\)\s*(SELECT|INSERT|UPDATE|DELETE)\b/i.exec(sql)?.[1]?.toLowerCase();
    if (after) return after as ParsedStatement["op"];
  }
  if (word === "replace" || word === "merge" || word === "upsert") return "insert";
  return "other";
}

function mainTable(sql: string, op: ParsedStatement["op"]): string | null {
  const pattern =
    op === "insert"
      ? String.raw`\b(?:INSERT|REPLACE|MERGE)\s+(?:IGNORE\s+)?(?:INTO\s+)?(${QNAME})`
      : op === "update"
        ? String.raw`\bUPDATE\s+(?:ONLY\s+)?(${QNAME})`
        : String.raw`\bFROM\s+(?:ONLY\s+)?(${QNAME})`;
  const m = new RegExp(pattern, "i").exec(sql);
  return m?.[1] ? lastPart(m[1]) : null;
}

/** alias (lower-cased) -> table, from `FROM t [AS] a` and `JOIN t [AS] a`; each table maps to itself too. */
function aliasesOf(sql: string): Map<string, string> {
  const map = new Map<string, string>();
  const re = new RegExp(String.raw`\b(?:FROM|JOIN|UPDATE|INTO)\s+(${QNAME})(?:\s+(?:AS\s+)?(${ID}))?`, "gi");
  for (const m of sql.matchAll(re)) {
    const table = m[1] ? lastPart(m[1]) : null;
    if (!table) continue;
    map.set(table.toLowerCase(), table);
    const alias = m[2] ? unquote(m[2]) : null;
    if (alias && !RESERVED.has(alias.toLowerCase())) map.set(alias.toLowerCase(), table);
  }
  return map;
}

function filtersOf(sql: string, table: string | null, aliases: Map<string, string>): Filter[] {
  const where = /\bWHERE\b/i.exec(sql);
  if (!where) return [];
  const clause = sql.slice(where.index);
  const out: Filter[] = [];
  const add = (qname: string | undefined) => {
    if (!qname) return;
    const parts = nameParts(qname);
    const column = parts[parts.length - 1];
    if (!column || RESERVED.has(column.toLowerCase())) return;
    const qualifier = parts[parts.length - 2];
    const resolved = qualifier ? (aliases.get(qualifier.toLowerCase()) ?? qualifier) : table;
    out.push({ table: resolved, column });
  };
  const left = new RegExp(String.raw`(${QNAME})\s*(?:=\s*(?:ANY\s*)?|IN\s*)\(?\s*${PARAM}`, "gi");
  for (const m of clause.matchAll(left)) add(m[1]);
  const right = new RegExp(String.raw`${PARAM}\s*=\s*(${QNAME})`, "gi");
  for (const m of clause.matchAll(right)) add(m[1]);
  return out;
}

const COMPARED = new RegExp(
  String.raw`(${QNAME})\s*(?:<>|!=|<=|>=|=|<|>|\bNOT\s+LIKE\b|\bI?LIKE\b|\bNOT\s+IN\b|\bIN\b)\s*\(?\s*${PARAM}`,
  "gi",
);
const ORDER_BY = /\bORDER BY\s+(.+?)(?=\s+LIMIT\b|\s+OFFSET\b|\s+FETCH\b|\s+FOR\b|\)|$)/i;

function conditionsOf(sql: string): string[] {
  const where = /\bWHERE\b/i.exec(sql);
  if (!where) return [];
  const columns = new Set<string>();
  for (const m of sql.slice(where.index).matchAll(COMPARED)) {
    const column = lastPart(m[1] as string);
    if (column && !RESERVED.has(column.toLowerCase())) columns.add(column);
  }
  return [...columns];
}

function orderByOf(sql: string): string | null {
  const terms = ORDER_BY.exec(sql)?.[1];
  if (!terms) return null;
  return terms
    .split(",")
    .map((term) => {
      const [name = "", ...rest] = term.trim().split(/\s+/);
      return [lastPart(name) ?? name, ...rest].join(" ");
    })
    .join(", ");
}

const BOUND = String.raw`(\d+|\?|\$\d+|:\w+|@\w+)`;
/** `LIMIT n`, MySQL's `LIMIT offset, n`, `FETCH FIRST n ROWS`, `SELECT TOP (n)`. */
const LIMIT = new RegExp(
  String.raw`\b(?:LIMIT|FETCH\s+(?:FIRST|NEXT)|SELECT\s+TOP)\s*\(?\s*${BOUND}(?:\s*,\s*${BOUND})?`,
  "gi",
);

/** The statement's last row limit (an outer query's, after any subquery's); bound parameters read as "?". */
function limitOf(sql: string): string | null {
  let value: string | null = null;
  for (const m of sql.matchAll(LIMIT)) value = m[2] ?? m[1] ?? null;
  return value === null ? null : /^\d+$/.test(value) ? value : "?";
}

function aggregateOf(sql: string): ParsedStatement["aggregate"] {
  const fn = /^\s*SELECT\s+(?:DISTINCT\s+)?(COUNT|SUM|AVG|MIN|MAX)\s*\(\s*(?:DISTINCT\s+)?([^)]*)\)/i.exec(
    sql,
  );
  if (fn?.[1]) {
    const arg = (fn[2] ?? "").trim();
    const column = arg === "*" || arg === "?" || arg === "" ? null : lastPart(arg);
    return { fn: fn[1].toLowerCase() as "count", column: column === "*" ? null : column };
  }
  // Django's exists() -> SELECT 1 AS "a" ... LIMIT 1; Rails' exists? -> SELECT 1 AS one ... LIMIT 1.
  if (/^\s*SELECT\s+(?:\?|1)\s+AS\s+\S+\s+FROM\b/i.test(sql) || /^\s*SELECT\s+EXISTS\s*\(/i.test(sql)) {
    return { fn: "exists", column: null };
  }
  return null;
}

function resolve(qname: string, aliases: Map<string, string>): Filter | null {
  const parts = nameParts(qname);
  const column = parts[parts.length - 1];
  const qualifier = parts[parts.length - 2];
  if (!column || !qualifier) return null;
  return { table: aliases.get(qualifier.toLowerCase()) ?? qualifier, column };
}

function joinsOf(sql: string, aliases: Map<string, string>): [Filter, Filter][] {
  const out: [Filter, Filter][] = [];
  for (const m of sql.matchAll(new RegExp(String.raw`\bON\s*\(?\s*(${QNAME})\s*=\s*(${QNAME})`, "gi"))) {
    const a = m[1] ? resolve(m[1], aliases) : null;
    const b = m[2] ? resolve(m[2], aliases) : null;
    if (a && b) out.push([a, b]);
  }
  return out;
}

/**
 * Some instrumentations record the ORM call rather than its SQL (TypeORM's: {"entityClass":"Post",...},
 * {"targetOrEntity":"PostTag","maybeEntityOrOptions":...}). The entity and the kind of call are still there.
 */
function parseCall(text: string): ParsedStatement {
  const entity = /"(?:entityClass|targetOrEntity|target)"\s*:\s*"(\w+)"/.exec(text)?.[1] ?? null;
  const op = /"partialEntity"/.test(text)
    ? "update"
    : /"criteria"/.test(text)
      ? "delete"
      : /"(?:maybeEntityOrOptions|entityOrEntities)"/.test(text)
        ? "insert"
        : "select";
  // find options: "order":{"createdAt":"DESC"}, "take":20 (or ? once normalized)
  const order = /"order"\s*:\s*\{([^{}]*)\}/.exec(text)?.[1];
  const terms = [...(order ?? "").matchAll(/"(\w+)"\s*:\s*"(ASC|DESC)"/gi)].map(
    (m) => `${m[1]} ${m[2]?.toUpperCase()}`,
  );
  const take = /"(?:take|limit)"\s*:\s*"?(\d+|\?)/.exec(text)?.[1] ?? null;
  return {
    op,
    table: entity,
    filters: [],
    conditions: [],
    orderBy: op === "select" && terms.length > 0 ? terms.join(", ") : null,
    limit: op === "select" ? take : null,
    aggregate: null,
    joins: [],
    names: [],
  };
}

export function parseStatement(sql: string): ParsedStatement {
  if (/^\s*\{/.test(sql)) return parseCall(sql);
  const op = operation(sql);
  const table = mainTable(sql, op);
  const aliases = aliasesOf(sql);
  const names = [...sql.matchAll(new RegExp(ID, "g"))].map((m) => unquote(m[0]));
  return {
    op,
    table,
    filters: op === "insert" ? [] : filtersOf(sql, table, aliases),
    conditions: op === "insert" ? [] : conditionsOf(sql),
    orderBy: op === "select" ? orderByOf(sql) : null,
    limit: op === "select" ? limitOf(sql) : null,
    aggregate: op === "select" ? aggregateOf(sql) : null,
    joins: op === "select" ? joinsOf(sql, aliases) : [],
    names,
  };
}
