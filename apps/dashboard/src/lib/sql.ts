// A small SQL tokenizer and formatter for display. Pure and linear-time: statements come from traces
// (untrusted, possibly truncated or hostile), and the tokens are rendered as text nodes, never as HTML.

export type TokenKind =
  | "keyword"
  | "function"
  | "identifier"
  | "quoted"
  | "string"
  | "number"
  | "placeholder"
  | "operator"
  | "punctuation"
  | "comment"
  | "whitespace";

export interface Token {
  kind: TokenKind;
  text: string;
}

const KEYWORDS = new Set(
  (
    "ALL AND ANY AS ASC BETWEEN BY CASE CAST CONFLICT CROSS CURRENT DEFAULT DELETE DESC DISTINCT DO ELSE END " +
    "EXCEPT EXISTS FALSE FETCH FILTER FIRST FOR FROM FULL GROUP HAVING ILIKE IN INNER INSERT INTERSECT INTO IS " +
    "JOIN LATERAL LEFT LIKE LIMIT LOCKED NATURAL NEXT NOT NOTHING NOWAIT NULL NULLS OF OFFSET ON ONLY OR ORDER " +
    "OUTER OVER PARTITION RECURSIVE RETURNING RIGHT ROWS SELECT SET SHARE SKIP SOME STRAIGHT_JOIN THEN TOP TRUE " +
    "UNION UNIQUE UPDATE USING VALUES WHEN WHERE WINDOW WITH"
  ).split(" "),
);

// Sticky patterns tried at the current position, in order. Each consumes at least one character.
const WHITESPACE = /\s+/y;
const WORD = /[\p{L}_][\p{L}\p{N}_$]*/uy;
const NUMBER = /(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?/y;
const PLACEHOLDER = /\?\d*|\$\d+|%\([^)\s]{1,64}\)s|%s|:[\p{L}_][\p{L}\p{N}_]*|@[\p{L}_][\p{L}\p{N}_]*/uy;
const BRACKET_IDENT = /\[[\p{L}_][\p{L}\p{N}_$ ]*\]/uy;
const DOLLAR_TAG = /\$(?:[\p{L}_][\p{L}\p{N}_]*)?\$/uy;
const OPERATOR = /::|->>|->|<=|>=|<>|!=|\|\||[-+*/%=<>!|&^~]/y;

function matchAt(re: RegExp, text: string, at: number): string | null {
  re.lastIndex = at;
  return re.exec(text)?.[0] ?? null;
}

/** End (exclusive) of a quoted run starting at `at`; a doubled quote escapes itself. Unterminated runs to the end. */
function quotedEnd(text: string, at: number, quote: string): number {
  let i = at + 1;
  for (;;) {
    const close = text.indexOf(quote, i);
    if (close < 0) return text.length;
    if (text[close + 1] === quote) {
      i = close + 2;
      continue;
    }
    return close + 1;
  }
}

function untilEnd(text: string, at: number, terminator: string): number {
  const found = text.indexOf(terminator, at);
  return found < 0 ? text.length : found + terminator.length;
}

/** Splits `sql` into tokens whose texts concatenate back to exactly `sql`. */
export function tokenize(sql: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < sql.length) {
    const [kind, end] = scan(sql, i, tokens);
    tokens.push({ kind, text: sql.slice(i, end) });
    i = end;
  }
  return tokens;
}

/** Kind and end (exclusive) of the token starting at `i`. */
function scan(sql: string, i: number, before: Token[]): [TokenKind, number] {
  const c = sql[i];
  const next = sql[i + 1];
  if (c === "-" && next === "-") {
    const newline = sql.indexOf("\n", i);
    return ["comment", newline < 0 ? sql.length : newline];
  }
  if (c === "/" && next === "*") return ["comment", untilEnd(sql, i + 2, "*/")];
  if (c === "'") return ["string", quotedEnd(sql, i, "'")];
  if (c === '"' || c === "`") return ["quoted", quotedEnd(sql, i, c)];
  const simple: [RegExp, TokenKind][] = [
    [WHITESPACE, "whitespace"],
    [BRACKET_IDENT, "quoted"],
    [PLACEHOLDER, "placeholder"],
  ];
  for (const [re, kind] of simple) {
    const m = matchAt(re, sql, i);
    if (m) return [kind, i + m.length];
  }
  const tag = matchAt(DOLLAR_TAG, sql, i);
  if (tag) return ["string", untilEnd(sql, i + tag.length, tag)];
  const word = matchAt(WORD, sql, i);
  if (word) return [classifyWord(sql, i, word, before), i + word.length];
  const number = matchAt(NUMBER, sql, i);
  if (number) return ["number", i + number.length];
  const operator = matchAt(OPERATOR, sql, i);
  if (operator) return ["operator", i + operator.length];
  // One code point, so a surrogate pair is never split across two spans.
  return ["punctuation", i + ((sql.codePointAt(i) ?? 0) > 0xffff ? 2 : 1)];
}

function classifyWord(sql: string, at: number, word: string, before: Token[]): TokenKind {
  const previous = before[before.length - 1];
  // After a dot it is a column or table name even when it is spelled like a keyword ("t.order").
  if (previous?.text === ".") return "identifier";
  if (KEYWORDS.has(word.toUpperCase())) return "keyword";
  return sql[at + word.length] === "(" ? "function" : "identifier";
}

const JOIN_MODIFIERS = new Set(["INNER", "LEFT", "RIGHT", "FULL", "CROSS", "NATURAL", "OUTER"]);
const ALWAYS_BREAK = new Set([
  "SELECT",
  "WHERE",
  "HAVING",
  "LIMIT",
  "OFFSET",
  "UNION",
  "INTERSECT",
  "EXCEPT",
  "VALUES",
  "RETURNING",
  "INSERT",
  "SET",
  "WINDOW",
]);

type Break = "clause" | "condition" | null;

/** Whether a keyword starts a new line, given the significant words around it (upper-cased, "" if none). */
function breakBefore(word: string, prev: string, next: string): Break {
  if (ALWAYS_BREAK.has(word)) return "clause";
  switch (word) {
    case "FROM":
      return prev === "DELETE" || prev === "DISTINCT" ? null : "clause";
    case "GROUP":
    case "ORDER":
      return next === "BY" ? "clause" : null;
    case "UPDATE":
      return prev === "DO" || prev === "FOR" || prev === "KEY" ? null : "clause";
    case "DELETE":
      return prev === "ON" ? null : "clause";
    case "JOIN":
    case "STRAIGHT_JOIN":
      return JOIN_MODIFIERS.has(prev) ? null : "clause";
    case "ON":
      return next === "CONFLICT" ? "clause" : null;
    case "AND":
    case "OR":
      return "condition";
  }
  if (
    JOIN_MODIFIERS.has(word) &&
    !JOIN_MODIFIERS.has(prev) &&
    (next === "JOIN" || JOIN_MODIFIERS.has(next))
  ) {
    return "clause";
  }
  return null;
}

const isSignificant = (t: Token) => t.kind !== "whitespace" && t.kind !== "comment";
const upper = (t: Token | undefined) => (t ? t.text.toUpperCase() : "");

/**
 * Puts each major clause (SELECT, FROM, WHERE, JOIN, GROUP BY, ORDER BY, LIMIT, ...) on its own line,
 * AND/OR conditions on indented lines, and subqueries indented. Other whitespace collapses to one space.
 * Nothing but whitespace changes, so the text still reads as the statement that ran.
 */
export function formatSql(sql: string): string {
  const tokens = tokenize(sql);
  const significant = tokens.map((t, k) => (isSignificant(t) ? k : -1)).filter((k) => k >= 0);
  // Parens the formatter is inside: true for a subquery (breaks and indents), false for a plain list or call.
  const parens: boolean[] = [];
  let out = "";
  let space = false;
  let newline = false;
  let between = false;
  let prev: Token | undefined;
  let s = 0; // index into `significant` of the next significant token
  const depth = () => parens.filter(Boolean).length;
  const lineBreak = (levels: number, extra = "") => {
    out = out.trimEnd() + "\n" + "  ".repeat(levels) + extra;
  };

  for (let k = 0; k < tokens.length; k++) {
    const t = tokens[k] as Token;
    if (t.kind === "whitespace") {
      space = out.length > 0;
      continue;
    }
    if (isSignificant(t)) s++;
    const nextSig = tokens[significant[s] ?? -1];
    const word = t.kind === "keyword" ? upper(t) : "";
    const inPlainParens = parens.length > 0 && parens[parens.length - 1] === false;
    let brk: Break = null;
    if (word && out.length > 0 && !inPlainParens) {
      brk = breakBefore(word, upper(prev), upper(nextSig));
      if (brk === "condition" && between && word === "AND") brk = null;
    }
    if (t.text === ")" && parens[parens.length - 1] === true) lineBreak(depth() - 1);
    else if (brk === "condition") lineBreak(depth(), "  ");
    else if (brk === "clause" || newline) lineBreak(depth());
    else if (space) out += " ";
    out += t.text;
    space = false;
    newline = t.kind === "comment" && t.text.startsWith("--");
    if (word === "BETWEEN") between = true;
    else if (word === "AND") between = false;
    if (t.text === "(") {
      const sub = ["SELECT", "WITH"].includes(upper(nextSig));
      parens.push(sub);
      newline = newline || sub;
    } else if (t.text === ")") parens.pop();
    if (isSignificant(t)) prev = t;
  }
  return out.trimEnd();
}

/** Tokens of the formatted statement, ready to render as highlighted spans. */
export function highlightSql(sql: string): Token[] {
  return tokenize(formatSql(sql));
}
