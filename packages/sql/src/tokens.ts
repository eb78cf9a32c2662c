/**
 * The one SQL token stream under everything that reads a statement: the detector's normalizer, guidance's
 * statement reader, the offender labels and the dashboard's highlighter. Lossless (the tokens' texts concatenate
 * back to exactly the input) and one left-to-right pass with no regex backtracking, so a hostile or truncated
 * 64 KB statement costs linear time and never throws. Dialect-tolerant rather than dialect-exact: it knows the
 * quoting, comments and placeholders of PostgreSQL, MySQL, SQLite, SQL Server and Oracle drivers as they reach
 * traces, and leaves meaning (what is a value, what a name) to the reader on top.
 */

export type TokenKind =
  /** A word in KEYWORDS (any case). Still a name after a dot (`t.order`): readers check the token before. */
  | "keyword"
  /** A bare name: table, column, alias, function. */
  | "identifier"
  /** A "double-quoted", `backticked` or [bracketed] name (MySQL and SQLite also accept "..." as a string). */
  | "quoted"
  /** 'text', E'..', N'..', X'..', B'..', $$text$$, $tag$text$tag$. */
  | "string"
  /** 42, 3.14, .5, 1e-3, 0x1F (a minus sign is its own operator token). */
  | "number"
  /** A bound parameter: ?, ?1, $1, :name, :1, @p1, %s, %(name)s, $name. */
  | "placeholder"
  | "operator"
  /** ( ) , . ; [ and anything else. */
  | "punctuation"
  /** -- line, # line (MySQL), block comments (sqlcommenter tags live there). */
  | "comment"
  | "whitespace";

export interface Token {
  kind: TokenKind;
  text: string;
  /** Offset of the token's first character in the statement. */
  at: number;
}

/**
 * The words read as keywords by every reader: upper-cased in a normalized statement's display form, coloured
 * by the dashboard, and never taken for a table alias or a column. Lower case.
 */
export const KEYWORDS: ReadonlySet<string> = new Set(
  (
    "select from where and or not in is null like ilike between exists as on join inner left right full outer " +
    "cross natural using group by order having limit offset fetch first next rows row only union all distinct " +
    "insert into values update set delete returning with recursive case when then else end asc desc nulls last " +
    "for share nowait skip locked count sum avg min max coalesce lateral any some top cast conflict current " +
    "default do except filter intersect nothing of over partition straight_join true false unique window"
  ).split(" "),
);

/** No longer word is a keyword: most names are, and skip the lookup. */
const LONGEST_KEYWORD = Math.max(...[...KEYWORDS].map((k) => k.length));

/** Keywords that are called like functions: `COUNT(*)`, `COALESCE(a, b)`, `CAST(x AS int)`. */
export const FUNCTION_KEYWORDS: ReadonlySet<string> = new Set([
  "count",
  "sum",
  "avg",
  "min",
  "max",
  "coalesce",
  "cast",
  "any",
  "some",
]);

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}
/** Letters, `_`, and every non-ASCII code unit (names in any script; surrogate pairs are never split). */
function isIdentStart(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95 || c > 127;
}
function isIdentPart(c: number): boolean {
  return isIdentStart(c) || isDigit(c) || c === 36;
}
function isHexDigit(c: number): boolean {
  return isDigit(c) || (c >= 97 && c <= 102) || (c >= 65 && c <= 70);
}
/** Characters that join into one operator: `<=`, `<>`, `!=`, `||`, `::`, `:=`. */
function isOperatorRun(c: number): boolean {
  return c === 58 || c === 60 || c === 62 || c === 33 || c === 61 || c === 124 || c === 38;
}
/** `:name` / `:1` at `i` (not the second colon of a `::cast`): a bound parameter, also right after `=` (`id=:id`). */
function namedParameterAt(sql: string, i: number): boolean {
  const next = sql.charCodeAt(i + 1);
  return sql.charCodeAt(i) === 58 && (isIdentStart(next) || isDigit(next)) && sql.charCodeAt(i - 1) !== 58;
}
/** Single-character operators; anything else that is not a name, value or space is punctuation. */
const SINGLE_OPERATORS = "+-*/%^~";

/** End (exclusive) of a quoted run opening at `i`; a doubled quote escapes itself. Unterminated: the end. */
function quotedEnd(sql: string, i: number, quote: number, backslashEscapes: boolean): number {
  let j = i + 1;
  while (j < sql.length) {
    const c = sql.charCodeAt(j);
    if (backslashEscapes && c === 92) {
      j += 2;
      continue;
    }
    if (c === quote) {
      if (sql.charCodeAt(j + 1) === quote) {
        j += 2;
        continue;
      }
      return j + 1;
    }
    j++;
  }
  return sql.length;
}

function lineEnd(sql: string, i: number): number {
  const end = sql.indexOf("\n", i);
  return end < 0 ? sql.length : end;
}

function identEnd(sql: string, i: number): number {
  let j = i;
  while (j < sql.length && isIdentPart(sql.charCodeAt(j))) j++;
  return j;
}

function digitsEnd(sql: string, i: number): number {
  let j = i;
  while (j < sql.length && isDigit(sql.charCodeAt(j))) j++;
  return j;
}

function numberEnd(sql: string, i: number): number {
  const n = sql.length;
  if (sql.charCodeAt(i) === 48 && (sql.charCodeAt(i + 1) | 32) === 120) {
    let j = i + 2;
    while (j < n && isHexDigit(sql.charCodeAt(j))) j++;
    return j;
  }
  let j = i;
  while (j < n) {
    const d = sql.charCodeAt(j);
    const after = sql.charCodeAt(j + 1);
    if (isDigit(d) || d === 46) j++;
    else if ((d | 32) === 101 && (isDigit(after) || after === 45 || after === 43)) j += 2;
    else break;
  }
  return Math.min(j, n);
}

/** The end (exclusive) of the token `scan` read last: kept here so that reading a token allocates nothing. */
let scanEnd = 0;
const ends = (kind: TokenKind, end: number): TokenKind => {
  scanEnd = end;
  return kind;
};

/** Kind of the token starting at `i`; its end is left in `scanEnd`. */
function scan(sql: string, i: number): TokenKind {
  const n = sql.length;
  const c = sql.charCodeAt(i);
  const next = sql.charCodeAt(i + 1);
  if (c <= 32) {
    let j = i + 1;
    while (j < n && sql.charCodeAt(j) <= 32) j++;
    return ends("whitespace", j);
  }
  // Names first: most tokens are. E'..' N'..' X'..' B'..' are strings, not names.
  if (isIdentStart(c)) {
    const lower = c | 32;
    if (next === 39 && (lower === 101 || lower === 110 || lower === 120 || lower === 98))
      return ends("string", quotedEnd(sql, i + 1, 39, true));
    const end = identEnd(sql, i);
    const keyword = end - i <= LONGEST_KEYWORD && KEYWORDS.has(sql.slice(i, end).toLowerCase());
    return ends(keyword ? "keyword" : "identifier", end);
  }
  if (c === 45 && next === 45) return ends("comment", lineEnd(sql, i));
  if (c === 35 && !isDigit(next)) return ends("comment", lineEnd(sql, i));
  if (c === 47 && next === 42) {
    const end = sql.indexOf("*/", i + 2);
    return ends("comment", end < 0 ? n : end + 2);
  }
  if (c === 39) return ends("string", quotedEnd(sql, i, 39, true));
  if (c === 34 || c === 96) return ends("quoted", quotedEnd(sql, i, c, false));
  if (c === 91) {
    const end = sql.indexOf("]", i);
    return ends("quoted", end < 0 ? n : end + 1);
  }
  if (c === 36 && (next === 36 || isIdentStart(next))) {
    // $$text$$ or $tag$text$tag$ (PostgreSQL); otherwise a $name placeholder
    const tagEnd = sql.indexOf("$", i + 1);
    const tag = tagEnd < 0 ? "" : sql.slice(i, tagEnd + 1);
    if (tag && /^\$\w*\$$/.test(tag)) {
      const close = sql.indexOf(tag, tagEnd + 1);
      return ends("string", close < 0 ? n : close + tag.length);
    }
    return ends("placeholder", identEnd(sql, i + 1));
  }
  if (c === 36 && isDigit(next)) return ends("placeholder", digitsEnd(sql, i + 1));
  if (c === 63) return ends("placeholder", digitsEnd(sql, i + 1));
  if (c === 37 && (next === 115 || next === 100 || next === 98)) return ends("placeholder", i + 2);
  if (c === 37 && next === 40) {
    const close = sql.indexOf(")", i);
    return ends("placeholder", close < 0 ? n : Math.min(n, close + 2));
  }
  if (c === 58 && namedParameterAt(sql, i)) return ends("placeholder", identEnd(sql, i + 1));
  if (c === 64 && isIdentStart(next)) return ends("placeholder", identEnd(sql, i + 1));
  if (isDigit(c) || (c === 46 && isDigit(next))) return ends("number", numberEnd(sql, i));
  if (isOperatorRun(c)) {
    let j = i + 1;
    while (
      j < n &&
      isOperatorRun(sql.charCodeAt(j)) &&
      !(sql.charCodeAt(j) === 58 && namedParameterAt(sql, j))
    )
      j++;
    return ends("operator", j);
  }
  return ends(SINGLE_OPERATORS.includes(sql[i] as string) ? "operator" : "punctuation", i + 1);
}

/**
 * Calls `visit` for each token in order with its kind and span (`sql.slice(start, end)` is its text), building
 * nothing: for readers on a hot path (the detector's normalizer runs on every distinct statement text).
 */
export function scanTokens(sql: string, visit: (kind: TokenKind, start: number, end: number) => void): void {
  let i = 0;
  while (i < sql.length) {
    const kind = scan(sql, i);
    const end = scanEnd;
    visit(kind, i, end);
    i = end;
  }
}

/** Splits `sql` into tokens whose texts concatenate back to exactly `sql`. */
export function tokenize(sql: string): Token[] {
  const tokens: Token[] = [];
  scanTokens(sql, (kind, start, end) => tokens.push({ kind, text: sql.slice(start, end), at: start }));
  return tokens;
}

/** Tokens other than whitespace and comments: what a statement says. */
export function significant(tokens: readonly Token[]): Token[] {
  return tokens.filter((t) => t.kind !== "whitespace" && t.kind !== "comment");
}

/** A quoted name without its quotes: `"Author"` -> `Author`, `[dbo]` -> `dbo`; other names unchanged. */
export function unquote(name: string): string {
  const first = name[0];
  if (first !== '"' && first !== "`" && first !== "[") return name;
  const close = first === "[" ? "]" : first;
  return name.slice(1, name.length > 1 && name.endsWith(close) ? -1 : undefined);
}
