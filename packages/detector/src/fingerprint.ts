/**
 * SQL fingerprints: the same query with other values must normalize to the same text, and a query on
 * another table, column or join must not. One left-to-right pass over the text, no regex backtracking,
 * so hostile or truncated statements cost linear time and never throw.
 *
 *   SELECT * FROM "posts" WHERE id = 42 AND title = 'O''Brien' -- app:blog
 *   -> display:   SELECT * FROM "posts" WHERE id = ? AND title = ?
 *   -> canonical: select * from posts where id = ? and title = ?
 *
 * `display` keeps identifier quoting (ORM recognition reads it) and upper-cases keywords; `canonical`
 * also drops quotes and case, and is what grouping compares. Neither ever keeps a literal value.
 */

export interface NormalizedStatement {
  display: string;
  canonical: string;
}

const KEYWORDS = new Set(
  (
    "select from where and or not in is null like ilike between exists as on join inner left right full outer " +
    "cross natural using group by order having limit offset fetch first next rows row only union all distinct " +
    "insert into values update set delete returning with recursive case when then else end asc desc nulls last " +
    "for share nowait skip locked count sum avg min max coalesce lateral any some top"
  ).split(" "),
);
const LITERAL_WORDS = new Set(["true", "false"]);
const COMPARISONS = new Set(["=", "<>", "!=", "<", ">", "<=", ">=", "like", "ilike"]);

type Token = { text: string; canon: string; literal: boolean };

function isIdentStart(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95 || c > 127;
}
function isIdentPart(c: number): boolean {
  return isIdentStart(c) || (c >= 48 && c <= 57) || c === 36;
}
function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

const LITERAL: Token = { text: "?", canon: "?", literal: true };

function afterComparison(out: Token[]): boolean {
  const prev = out[out.length - 1];
  return prev !== undefined && COMPARISONS.has(prev.canon);
}

/** Skips a quoted run starting at `i` (the opening quote); returns the index after the closing quote. */
function skipQuoted(sql: string, i: number, quote: number, backslashEscapes: boolean): number {
  let j = i + 1;
  while (j < sql.length) {
    const c = sql.charCodeAt(j);
    if (backslashEscapes && c === 92) {
      j += 2;
      continue;
    }
    if (c === quote) {
      if (sql.charCodeAt(j + 1) === quote) {
        j += 2; // doubled quote is an escaped quote
        continue;
      }
      return j + 1;
    }
    j++;
  }
  return sql.length; // unterminated (truncated statement): the rest is the literal
}

function tokenize(sql: string): Token[] {
  const out: Token[] = [];
  const n = sql.length;
  let i = 0;
  // Per open "(": whether it holds values (a VALUES row, an IN list), where a "double-quoted" token is a string.
  const parens: boolean[] = [];
  let lastClosedHeldValues = false;
  const opensValueList = (): boolean => {
    const p = out[out.length - 1];
    if (p?.canon === "values" || p?.canon === "in") return true;
    // the next row of a multi-row VALUES: `VALUES (...), (`
    return p?.text === "," && out[out.length - 2]?.text === ")" && lastClosedHeldValues;
  };
  const inValueList = (): boolean => {
    const p = out[out.length - 1]?.text;
    return parens[parens.length - 1] === true && (p === "(" || p === ",");
  };
  const prevIsValue = (): boolean => {
    const p = out[out.length - 1];
    return p !== undefined && (p.literal || p.text === ")" || (!KEYWORDS.has(p.canon) && /\w$/.test(p.text)));
  };
  while (i < n) {
    const c = sql.charCodeAt(i);
    const next = sql.charCodeAt(i + 1);
    if (c <= 32) {
      i++;
    } else if (c === 45 && next === 45) {
      // -- line comment
      const end = sql.indexOf("\n", i);
      i = end < 0 ? n : end + 1;
    } else if (c === 35 && !isDigit(next)) {
      // MySQL # comment
      const end = sql.indexOf("\n", i);
      i = end < 0 ? n : end + 1;
    } else if (c === 47 && next === 42) {
      // /* block comment */ (sqlcommenter tags live here)
      const end = sql.indexOf("*/", i + 2);
      i = end < 0 ? n : end + 2;
    } else if (c === 39) {
      i = skipQuoted(sql, i, 39, true);
      out.push(LITERAL);
    } else if (
      (c === 69 || c === 101 || c === 78 || c === 110 || c === 88 || c === 120 || c === 66 || c === 98) &&
      next === 39
    ) {
      // E'..', N'..', X'..', B'..' prefixed strings
      i = skipQuoted(sql, i + 1, 39, true);
      out.push(LITERAL);
    } else if (c === 34 || c === 96) {
      const end = skipQuoted(sql, i, c, false);
      if (c === 34 && (afterComparison(out) || inValueList()) && sql.charCodeAt(end) !== 46) {
        // MySQL's and SQLite's "double-quoted string" compared to a column or in a VALUES row or IN list: a value,
        // not an identifier (`= "alice"`, `VALUES (1,"2026-12-03 08:12:40")`: GORM's plugin inlines so).
        out.push(LITERAL);
        i = end;
        continue;
      }
      const raw = sql.slice(i, end);
      const inner = raw.slice(1, raw.endsWith(String.fromCharCode(c)) && raw.length > 1 ? -1 : undefined);
      out.push({ text: raw, canon: inner.toLowerCase(), literal: false });
      i = end;
    } else if (c === 91) {
      // [bracketed] identifier (SQL Server)
      const end = sql.indexOf("]", i);
      const stop = end < 0 ? n : end + 1;
      const inner = sql.slice(i + 1, end < 0 ? n : end);
      out.push({ text: sql.slice(i, stop), canon: inner.toLowerCase(), literal: false });
      i = stop;
    } else if (c === 36 && (next === 36 || isIdentStart(next))) {
      // $$dollar quoted$$ or $tag$...$tag$ strings (PostgreSQL); $name placeholders are rarer than this
      const tagEnd = sql.indexOf("$", i + 1);
      const tag = tagEnd < 0 ? "" : sql.slice(i, tagEnd + 1);
      if (tag && /^\$\w*\$$/.test(tag)) {
        const close = sql.indexOf(tag, tagEnd + 1);
        i = close < 0 ? n : close + tag.length;
      } else {
        i++;
        while (i < n && isIdentPart(sql.charCodeAt(i))) i++;
      }
      out.push(LITERAL);
    } else if (c === 36 && isDigit(next)) {
      i++; // $1 placeholder
      while (i < n && isDigit(sql.charCodeAt(i))) i++;
      out.push(LITERAL);
    } else if (c === 63) {
      i++; // ? or ?1 placeholder
      while (i < n && isDigit(sql.charCodeAt(i))) i++;
      out.push(LITERAL);
    } else if (c === 37 && (next === 115 || next === 100 || next === 98)) {
      i += 2; // %s %d %b (psycopg, mysqlclient)
      out.push(LITERAL);
    } else if (c === 37 && next === 40) {
      const close = sql.indexOf(")", i);
      i = close < 0 ? n : Math.min(n, close + 2); // %(name)s
      out.push(LITERAL);
    } else if (c === 58 && (isIdentStart(next) || isDigit(next)) && sql.charCodeAt(i - 1) !== 58) {
      i++; // :name or :1 placeholder (not a ::cast)
      while (i < n && isIdentPart(sql.charCodeAt(i))) i++;
      out.push(LITERAL);
    } else if (c === 64 && isIdentStart(next)) {
      i++; // @p1 / @name placeholder (SQL Server, ADO.NET)
      while (i < n && isIdentPart(sql.charCodeAt(i))) i++;
      out.push(LITERAL);
    } else if (
      isDigit(c) ||
      (c === 46 && isDigit(next)) ||
      (c === 45 && (isDigit(next) || next === 46) && !prevIsValue())
    ) {
      i++;
      if (c === 48 && (next === 120 || next === 88)) {
        i++;
        while (i < n && /[0-9a-fA-F]/.test(sql[i] as string)) i++;
      } else {
        while (i < n) {
          const d = sql.charCodeAt(i);
          const isExp =
            (d === 101 || d === 69) &&
            (isDigit(sql.charCodeAt(i + 1)) || sql[i + 1] === "-" || sql[i + 1] === "+");
          if (isDigit(d) || d === 46) i++;
          else if (isExp) i += 2;
          else break;
        }
      }
      out.push(LITERAL);
    } else if (isIdentStart(c)) {
      const start = i;
      while (i < n && isIdentPart(sql.charCodeAt(i))) i++;
      const word = sql.slice(start, i);
      const lower = word.toLowerCase();
      if (LITERAL_WORDS.has(lower)) out.push(LITERAL);
      else if (
        lower === "null" &&
        out[out.length - 1]?.canon !== "is" &&
        out[out.length - 1]?.canon !== "not"
      )
        out.push(LITERAL); // `VALUES (?, NULL)` is the same INSERT as `VALUES (?, ?)`; `IS NULL` is not `= ?`
      else if (KEYWORDS.has(lower)) out.push({ text: word.toUpperCase(), canon: lower, literal: false });
      else out.push({ text: word, canon: lower, literal: false });
    } else {
      // operators and punctuation; keep multi-char operators together
      let j = i + 1;
      if (":<>!=|&".includes(sql[i] as string)) while (j < n && ":<>!=|&".includes(sql[j] as string)) j++;
      const op = sql.slice(i, j);
      if (op === "(") parens.push(opensValueList());
      else if (op === ")") lastClosedHeldValues = parens.pop() ?? false;
      out.push({ text: op, canon: op, literal: false });
      i = j;
    }
  }
  return out;
}

/** Collapses `(?, ?, ?)` to `(?)` and `VALUES (?), (?), (?)` to `VALUES (?)`, so list length never matters. */
function collapseLists(tokens: Token[]): Token[] {
  const out: Token[] = [];
  for (const t of tokens) {
    out.push(t);
    if (t.text !== ")") continue;
    // find the matching "(" and check everything inside is literals and commas
    let k = out.length - 2;
    let onlyLiterals = true;
    while (k >= 0 && out[k]?.text !== "(") {
      const inner = out[k] as Token;
      if (!inner.literal && inner.text !== ",") onlyLiterals = false;
      k--;
    }
    if (k < 0 || !onlyLiterals || k === out.length - 2) continue;
    out.length = k + 1;
    out.push(LITERAL, t);
    // `(?) , (?)` -> `(?)`
    const n = out.length;
    if (
      n >= 7 &&
      out[n - 4]?.text === "," &&
      out[n - 5]?.text === ")" &&
      out[n - 6]?.literal &&
      out[n - 7]?.text === "("
    ) {
      out.length = n - 4;
    }
  }
  return out;
}

/** `INSERT INTO users (a, b)`: a table name before "(" keeps its space. */
const TABLE_BEFORE = new Set(["into", "table", "update", "join", "from", "using", "exists"]);
const FUNCTION_WORDS = new Set(["count", "sum", "avg", "min", "max", "coalesce", "any", "some"]);

/**
 * `calls` glues a function name to its "(" (`count(*)`, `lower(name)`) for display; canonical text keeps the
 * original spacing rule so fingerprints (and offender ids) do not change.
 */
function join(tokens: Token[], pick: (t: Token) => string, calls = false): string {
  let s = "";
  let prev = "";
  let prevToken: Token | undefined;
  let beforePrev = "";
  for (const t of tokens) {
    const text = pick(t);
    const glue =
      s === "" ||
      prev === "(" ||
      prev === "." ||
      text === ")" ||
      text === "," ||
      text === "." ||
      text === "::" ||
      prev === "::" ||
      (calls &&
        text === "(" &&
        prevToken !== undefined &&
        !prevToken.literal &&
        (FUNCTION_WORDS.has(prevToken.canon) ||
          (!KEYWORDS.has(prevToken.canon) && /\w$/.test(prev) && !TABLE_BEFORE.has(beforePrev))));
    s += glue ? text : ` ${text}`;
    prev = text;
    beforePrev = prevToken?.canon ?? "";
    prevToken = t;
  }
  return s;
}

const MAX_STATEMENT_CHARS = 64 * 1024;
const CLOSE: Token = { text: ")", canon: ")", literal: false };

/**
 * SDKs cut long statements (and we cut at MAX_STATEMENT_CHARS), most often inside a long IN or VALUES list,
 * at a point that depends on the values. A list left open at the end is closed and collapsed like a whole
 * one, and a trailing "..." marker dropped, so two cuts of the same query still compare equal.
 */
function closeTruncatedList(tokens: Token[]): Token[] {
  while (tokens.length > 0 && /^(\.|\u2026)+$/.test(tokens[tokens.length - 1]?.text ?? "")) tokens.pop();
  for (let k = tokens.length - 1; k >= 0; k--) {
    const t = tokens[k] as Token;
    if (t.text === "(") return k === tokens.length - 1 ? tokens : collapseLists([...tokens, CLOSE]);
    if (!t.literal && t.text !== ",") return tokens;
  }
  return tokens;
}

export function normalizeSql(sql: string): NormalizedStatement {
  const tokens = closeTruncatedList(
    collapseLists(tokenize(sql.length > MAX_STATEMENT_CHARS ? sql.slice(0, MAX_STATEMENT_CHARS) : sql)),
  );
  return { display: join(tokens, (t) => t.text, true), canonical: join(tokens, (t) => t.canon) };
}
