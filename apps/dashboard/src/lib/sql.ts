// The dashboard's SQL display: highlighting and clause-per-line formatting on @n1radar/sql's token stream (the
// one the detector normalizes with). Pure and linear-time: statements come from traces (untrusted, possibly
// truncated or hostile), and the tokens are rendered as text nodes, never as HTML.
import { FUNCTION_KEYWORDS, type TokenKind as SqlTokenKind, tokenize as sqlTokens } from "@n1radar/sql";

/** The stream's kinds, and `function`: a name (or COUNT, COALESCE, ...) called with `(`. */
export type TokenKind = SqlTokenKind | "function";

export interface Token {
  kind: TokenKind;
  text: string;
}

/** Splits `sql` into tokens whose texts concatenate back to exactly `sql`. */
export function tokenize(sql: string): Token[] {
  const stream = sqlTokens(sql);
  return stream.map((t, k): Token => {
    if (t.kind !== "keyword" && t.kind !== "identifier") return { kind: t.kind, text: t.text };
    // After a dot it is a column or table name even when it is spelled like a keyword ("t.order").
    if (stream[k - 1]?.text === ".") return { kind: "identifier", text: t.text };
    const called =
      stream[k + 1]?.text === "(" && (t.kind === "identifier" || FUNCTION_KEYWORDS.has(t.text.toLowerCase()));
    return { kind: called ? "function" : t.kind, text: t.text };
  });
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
