import {
  type DottedName,
  dottedNameAt,
  dottedNames,
  isKeyword,
  isName,
  isNamePart,
  lower,
  paramAt,
  significant,
  type Token,
  tokenize,
  unquote,
} from "@n1radar/sql";
import { parseCall } from "./orm-call.js";
import { limitOf, orderByOf } from "./sql-order.js";
import type { WriteOp } from "./types.js";

/**
 * Just enough SQL reading for guidance: the statement's operation, its main table, table aliases, the columns
 * compared with a parameter, and a per-row aggregate. Input is the detector's normalized display form
 * (literals -> `?`, keywords upper-cased, identifier quoting kept), but lower-case keywords and raw driver
 * placeholders work too. Read from @n1radar/sql's token stream, the one the detector normalizes with, in passes
 * linear in the statement's length, so a hostile 64 KB statement costs linear time.
 */

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

/** `"public"."Author"` -> ["public", "Author"]. */
export function nameParts(qname: string): string[] {
  return significant(tokenize(qname))
    .filter((t) => isNamePart(t))
    .map((t) => unquote(t.text));
}

const VERBS = new Map<string, ParsedStatement["op"]>([
  ["select", "select"],
  ["insert", "insert"],
  ["update", "update"],
  ["delete", "delete"],
  ["replace", "insert"],
  ["merge", "insert"],
  ["upsert", "insert"],
]);

function operation(tokens: Token[]): ParsedStatement["op"] {
  const first = lower(tokens[0]?.text === "(" ? tokens[1] : tokens[0]);
  if (first === "with") {
    // A CTE: the operation is the first one right after a closing parenthesis (the end of the WITH list).
    for (let k = 1; k < tokens.length; k++) {
      const word = lower(tokens[k]);
      if (tokens[k - 1]?.text === ")" && ["select", "insert", "update", "delete"].includes(word)) {
        return VERBS.get(word) ?? "other";
      }
    }
  }
  return VERBS.get(first) ?? "other";
}

/** The table read (first `FROM name`) or written (`INSERT [IGNORE] [INTO] name`, `UPDATE [ONLY] name`). */
function mainTable(tokens: Token[], op: ParsedStatement["op"]): string | null {
  const starts = op === "insert" ? ["insert", "replace", "merge"] : op === "update" ? ["update"] : ["from"];
  for (let k = 0; k < tokens.length; k++) {
    if (!starts.includes(lower(tokens[k]))) continue;
    let j = k + 1;
    if (op === "insert" && lower(tokens[j]) === "ignore") j++;
    if (op === "insert" && lower(tokens[j]) === "into") j++;
    if (op !== "insert" && lower(tokens[j]) === "only") j++;
    const chain = dottedNameAt(tokens, j);
    if (chain) return chain.parts[chain.parts.length - 1] ?? null;
  }
  return null;
}

/** alias (lower-cased) -> table, from `FROM t [AS] a` and `JOIN t [AS] a`; each table maps to itself too. */
function aliasesOf(tokens: Token[]): Map<string, string> {
  const map = new Map<string, string>();
  for (let k = 0; k < tokens.length; k++) {
    if (!isKeyword("from", "join", "update", "into")(tokens[k])) continue;
    const chain = dottedNameAt(tokens, k + 1);
    const table = chain?.parts[chain.parts.length - 1];
    if (!chain || !table) continue;
    map.set(table.toLowerCase(), table);
    const aliasAt = lower(tokens[chain.end]) === "as" ? chain.end + 1 : chain.end;
    const alias = tokens[aliasAt];
    if (alias && isName(alias) && !RESERVED.has(lower(alias)))
      map.set(unquote(alias.text).toLowerCase(), table);
  }
  return map;
}

function filter(parts: string[], table: string | null, aliases: Map<string, string>): Filter | null {
  const column = parts[parts.length - 1];
  if (!column || RESERVED.has(column.toLowerCase())) return null;
  const qualifier = parts[parts.length - 2];
  return { table: qualifier ? (aliases.get(qualifier.toLowerCase()) ?? qualifier) : table, column };
}

/** `t.c = ?`, `t.c = ANY (?)`, `t.c IN (?)`, then `? = t.c`: columns a parameter selects rows by. */
function filtersOf(clause: Token[], table: string | null, aliases: Map<string, string>): Filter[] {
  const out: Filter[] = [];
  for (const chain of dottedNames(clause)) {
    let j = chain.end;
    if (clause[j]?.text === "=") {
      j++;
      if (isKeyword("any")(clause[j])) j++;
    } else if (isKeyword("in")(clause[j])) j++;
    else continue;
    if (clause[j]?.text === "(") j++;
    const found = paramAt(clause, j) > 0 ? filter(chain.parts, table, aliases) : null;
    if (found) out.push(found);
  }
  for (let k = 0; k < clause.length; k++) {
    const span = paramAt(clause, k);
    if (span === 0 || clause[k + span]?.text !== "=") continue;
    const chain = dottedNameAt(clause, k + span + 1);
    const found = chain ? filter(chain.parts, table, aliases) : null;
    if (found) out.push(found);
  }
  return out;
}

const COMPARISONS = new Set(["<>", "!=", "<=", ">=", "=", "<", ">"]);

/** Length of the comparison at `k` (`=`, `<>`, `LIKE`, `NOT IN`, ...), 0 if none. */
function comparisonAt(tokens: Token[], k: number): number {
  const t = tokens[k];
  if (t?.kind === "operator" && COMPARISONS.has(t.text)) return 1;
  if (isKeyword("like", "ilike", "in")(t)) return 1;
  if (isKeyword("not")(t) && isKeyword("like", "in")(tokens[k + 1])) return 2;
  return 0;
}

function conditionsOf(clause: Token[]): string[] {
  const columns = new Set<string>();
  for (const chain of dottedNames(clause)) {
    const op = comparisonAt(clause, chain.end);
    if (op === 0) continue;
    let j = chain.end + op;
    if (clause[j]?.text === "(") j++;
    const column = chain.parts[chain.parts.length - 1];
    if (paramAt(clause, j) > 0 && column && !RESERVED.has(column.toLowerCase())) columns.add(column);
  }
  return [...columns];
}

const AGGREGATES = new Set(["count", "sum", "avg", "min", "max"]);

function aggregateOf(tokens: Token[]): ParsedStatement["aggregate"] {
  if (!isKeyword("select")(tokens[0])) return null;
  let k = isKeyword("distinct")(tokens[1]) ? 2 : 1;
  const fn = lower(tokens[k]);
  if (AGGREGATES.has(fn) && tokens[k + 1]?.text === "(") {
    k += 2;
    if (isKeyword("distinct")(tokens[k])) k++;
    let column: string | null = null;
    for (; k < tokens.length && tokens[k]?.text !== ")"; k++) {
      if (isNamePart(tokens[k])) column = unquote((tokens[k] as Token).text);
    }
    return { fn: fn as "count", column };
  }
  // Django's exists() -> SELECT 1 AS "a" ... LIMIT 1; Rails' exists? -> SELECT 1 AS one ... LIMIT 1.
  const one = tokens[1]?.text === "?" || tokens[1]?.text === "1";
  if (one && isKeyword("as")(tokens[2]) && tokens[3] && isKeyword("from")(tokens[4]))
    return { fn: "exists", column: null };
  if (isKeyword("exists")(tokens[1]) && tokens[2]?.text === "(") return { fn: "exists", column: null };
  return null;
}

/** Column pairs of `ON a.x = b.y` join conditions, aliases resolved; both sides must be qualified. */
function joinsOf(tokens: Token[], aliases: Map<string, string>): [Filter, Filter][] {
  const out: [Filter, Filter][] = [];
  const resolve = (chain: DottedName | null): Filter | null => {
    const column = chain?.parts[chain.parts.length - 1];
    const qualifier = chain?.parts[chain.parts.length - 2];
    return column && qualifier ? { table: aliases.get(qualifier.toLowerCase()) ?? qualifier, column } : null;
  };
  for (let k = 0; k < tokens.length; k++) {
    if (!isKeyword("on")(tokens[k])) continue;
    const start = tokens[k + 1]?.text === "(" ? k + 2 : k + 1;
    const left = dottedNameAt(tokens, start);
    if (!left || tokens[left.end]?.text !== "=") continue;
    const a = resolve(left);
    const b = resolve(dottedNameAt(tokens, left.end + 1));
    if (a && b) out.push([a, b]);
  }
  return out;
}

export function parseStatement(sql: string): ParsedStatement {
  if (/^\s*\{/.test(sql)) return parseCall(sql);
  const tokens = significant(tokenize(sql));
  const op = operation(tokens);
  const aliases = aliasesOf(tokens);
  const where = tokens.findIndex(isKeyword("where"));
  const clause = where < 0 ? [] : tokens.slice(where);
  const table = mainTable(tokens, op);
  return {
    op,
    table,
    filters: op === "insert" ? [] : filtersOf(clause, table, aliases),
    conditions: op === "insert" ? [] : conditionsOf(clause),
    orderBy: op === "select" ? orderByOf(tokens) : null,
    limit: op === "select" ? limitOf(tokens) : null,
    aggregate: op === "select" ? aggregateOf(tokens) : null,
    joins: op === "select" ? joinsOf(tokens, aliases) : [],
    names: tokens.filter(isNamePart).map((t) => unquote(t.text)),
  };
}
