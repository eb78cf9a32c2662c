/**
 * SQL fingerprints: the same query with other values must normalize to the same text, and a query on
 * another table, column or join must not. Read from @n1radar/sql's token stream (one linear pass, no regex
 * backtracking), so hostile or truncated statements cost linear time and never throw.
 *
 *   SELECT * FROM "posts" WHERE id = 42 AND title = 'O''Brien' -- app:blog
 *   -> display:   SELECT * FROM "posts" WHERE id = ? AND title = ?
 *   -> canonical: select * from posts where id = ? and title = ?
 *
 * `display` keeps identifier quoting (ORM recognition reads it) and upper-cases keywords; `canonical`
 * also drops quotes and case, and is what grouping compares. Neither ever keeps a literal value.
 */

import { FUNCTION_KEYWORDS, KEYWORDS, scanTokens, unquote } from "@n1radar/sql";

export interface NormalizedStatement {
  display: string;
  canonical: string;
}

const LITERAL_WORDS = new Set(["true", "false"]);
const COMPARISONS = new Set(["=", "<>", "!=", "<", ">", "<=", ">=", "like", "ilike"]);

type Token = { text: string; canon: string; literal: boolean };

const LITERAL: Token = { text: "?", canon: "?", literal: true };
const MINUS: Token = { text: "-", canon: "-", literal: false };

function afterComparison(out: Token[]): boolean {
  const prev = out[out.length - 1];
  return prev !== undefined && COMPARISONS.has(prev.canon);
}

/** The statement's tokens as the fingerprint reads them: values become `?`, keywords upper-case, names keep quotes. */
function readTokens(sql: string): Token[] {
  const out: Token[] = [];
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
  // A "-" waits for the next token: glued to a number where no value precedes it, it is the number's sign.
  let minusEnd = -1;
  let minusSigns = false;
  const push = (t: Token) => {
    if (t.text === "(") parens.push(opensValueList());
    else if (t.text === ")") lastClosedHeldValues = parens.pop() ?? false;
    out.push(t);
  };
  scanTokens(sql, (kind, start, end) => {
    if (minusEnd >= 0) {
      const signed = kind === "number" && start === minusEnd && minusSigns;
      minusEnd = -1;
      if (signed) {
        out.push(LITERAL); // `= -1` is `= ?`
        return;
      }
      push(MINUS);
    }
    switch (kind) {
      case "whitespace":
      case "comment":
        return;
      case "string":
      case "number":
      case "placeholder":
        out.push(LITERAL);
        return;
      case "quoted": {
        const text = sql.slice(start, end);
        if (text[0] === '"' && (afterComparison(out) || inValueList()) && sql.charCodeAt(end) !== 46) {
          // MySQL's and SQLite's "double-quoted string" compared to a column or in a VALUES row or IN list: a value,
          // not an identifier (`= "alice"`, `VALUES (1,"2026-12-03 08:12:40")`: GORM's plugin inlines so).
          out.push(LITERAL);
        } else out.push({ text, canon: unquote(text).toLowerCase(), literal: false });
        return;
      }
      case "keyword":
      case "identifier": {
        const text = sql.slice(start, end);
        const lower = text.toLowerCase();
        const prev = out[out.length - 1]?.canon;
        if (LITERAL_WORDS.has(lower)) out.push(LITERAL);
        else if (lower === "null" && prev !== "is" && prev !== "not")
          out.push(LITERAL); // `VALUES (?, NULL)` is the same INSERT as `VALUES (?, ?)`; `IS NULL` is not `= ?`
        else if (kind === "keyword") out.push({ text: text.toUpperCase(), canon: lower, literal: false });
        else out.push({ text, canon: lower, literal: false });
        return;
      }
      default: {
        const text = sql.slice(start, end);
        if (text === "-") {
          minusEnd = end;
          minusSigns = !prevIsValue();
          return;
        }
        push({ text, canon: text, literal: false });
      }
    }
  });
  if (minusEnd >= 0) push(MINUS);
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
        (FUNCTION_KEYWORDS.has(prevToken.canon) ||
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
    collapseLists(readTokens(sql.length > MAX_STATEMENT_CHARS ? sql.slice(0, MAX_STATEMENT_CHARS) : sql)),
  );
  return { display: join(tokens, (t) => t.text, true), canonical: join(tokens, (t) => t.canon) };
}
