/**
 * A short label that tells offenders apart where a list has one line for each: the dashboard's list and
 * `n1radar analyze`'s table. Cutting the SQL at a width stops inside the column list (ORMs select every
 * column, table-qualified), so rows of one endpoint read alike; what differs is the table, the WHERE clause,
 * the relationship and the nesting: `SELECT authors WHERE id = ? · Post.author · nested, 3 levels`.
 * Read from the token stream: linear in the statement's length, whatever it holds.
 */
import { dottedNameAt, isNamePart, lower } from "./reader.js";
import { type Token, tokenize, unquote } from "./tokens.js";

export interface LabelInput {
  statement: string;
  /** Nested loops: the statements from the outermost source down; empty otherwise. */
  chain?: readonly string[];
  /** The relationship guidance named, if any (`Post.author`). */
  relationship?: { parentModel: string | null; attribute: string | null } | null;
}

const MAX_WHERE = 70;
const MAX_FALLBACK = 80;
/** Keywords that end a top-level clause. */
const CLAUSE_END = new Set(
  "order group limit offset fetch for returning union having window except intersect".split(" "),
);
const COMPARISON = new Set(["<>", "!=", "<=", ">=", "=", "<", ">"]);
const VERBS = new Set(["select", "insert", "replace", "update", "delete"]);
const AGGREGATES = new Set(["count", "sum", "avg", "min", "max"]);

function cut(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1).trimEnd()}…`;
}

const isWord = (t: Token | undefined) => t !== undefined && (t.kind === "keyword" || t.kind === "identifier");

/** Significant tokens, each with its parenthesis depth. */
function withDepth(tokens: Token[]): { token: Token; depth: number }[] {
  let depth = 0;
  const out: { token: Token; depth: number }[] = [];
  for (const token of tokens) {
    if (token.kind === "whitespace" || token.kind === "comment") continue;
    if (token.text === ")") depth = Math.max(0, depth - 1);
    out.push({ token, depth });
    if (token.text === "(") depth++;
  }
  return out;
}

/** The last part of the dotted name starting at `k` (`"public"."Author"` -> `Author`), or null. */
function nameAt(tokens: Token[], k: number): string | null {
  const name = dottedNameAt(tokens, k);
  return name ? (name.parts[name.parts.length - 1] ?? null) : null;
}

/**
 * `"public"."Author"."id" = ?` -> `id = ?`; `c1_0.post_id=?` -> `post_id = ?`; Prisma's `AND 1=1` dropped;
 * quotes off, comparisons spaced, one space between words.
 */
function simplify(tokens: Token[]): string {
  let out = "";
  for (let k = 0; k < tokens.length; k++) {
    const t = tokens[k] as Token;
    if (t.kind === "whitespace" || t.kind === "comment") {
      out += " ";
    } else if (isNamePart(t) && tokens[k + 1]?.text === ".") {
      // a qualified name: keep its last part
      let last = t;
      while (tokens[k + 1]?.text === "." && isNamePart(tokens[k + 2])) {
        last = tokens[k + 2] as Token;
        k += 2;
      }
      out += unquote(last.text);
    } else if (t.kind === "quoted") out += unquote(t.text);
    else if (t.kind === "operator" && COMPARISON.has(t.text)) out += ` ${t.text} `;
    else out += t.text;
  }
  out = out
    .replace(/\s+/g, " ")
    .replace(/ AND 1 = 1\b|\b1 = 1 AND /gi, "")
    .replace(/;\s*$/, "")
    .trim();
  // A clause wholly in parentheses reads the same without them.
  if (/^\([^()]*\)$/.test(out)) out = out.slice(1, -1).trim();
  return out;
}

function verbOf(top: Token[], first: string): string {
  if (first === "select") {
    let k = 1;
    if (lower(top[k]) === "distinct") k++;
    const word = lower(top[k]);
    if (AGGREGATES.has(word) && top[k + 1]?.text === "(") return word.toUpperCase();
    if (word === "exists" && top[k + 1]?.text === "(") return "EXISTS";
    // Django's exists() -> SELECT 1 AS "a" ...; Rails' exists? -> SELECT 1 AS one ...
    if ((top[k]?.text === "?" || top[k]?.text === "1") && lower(top[k + 1]) === "as") return "EXISTS";
  }
  if (first === "insert" || first === "replace") return "INSERT INTO";
  if (first === "delete") return "DELETE FROM";
  return first.toUpperCase();
}

/** The statement in a few words: `SELECT authors WHERE id = ?`, `COUNT comments WHERE post_id = ?`. */
export function statementLabel(statement: string): string {
  const flat = statement.replace(/\s+/g, " ").trim();
  // Instrumentations that record the ORM call, not SQL (TypeORM: {"entityClass":"Post",...}).
  const entity = /^\{.*"(?:entityClass|targetOrEntity|target)"\s*:\s*"(\w+)"/.exec(flat)?.[1];
  if (entity) return `${entity} ${cut(flat, MAX_FALLBACK - entity.length)}`;
  const tokens = tokenize(flat);
  const all = withDepth(tokens);
  const sig = all.map((s) => s.token);
  const first = lower(sig[0]);
  if (!isWord(sig[0]) || !VERBS.has(first)) return cut(flat, MAX_FALLBACK);
  // Top-level words are the statement's own clauses; those inside parentheses belong to subqueries and calls.
  const top = all.filter((s) => s.depth === 0).map((s) => s.token);
  const tableWord =
    first === "update" ? "update" : first === "select" || first === "delete" ? "from" : "into";
  let at =
    first === "update" ? 0 : sig.findIndex((t, k) => k > 0 && all[k]?.depth === 0 && lower(t) === tableWord);
  if (lower(sig[at + 1]) === "only") at++;
  let table = at >= 0 ? nameAt(sig, at + 1) : null;
  // A table read through a subquery (Sequelize's limited includes) is named by the first FROM inside it.
  for (let k = 0; table === null && k < sig.length; k++) {
    if (sig[k]?.kind === "keyword" && lower(sig[k]) === "from") table = nameAt(sig, k + 1);
  }
  if (table === null) return cut(flat, MAX_FALLBACK);
  const whereAt = all.findIndex(
    (s) => s.depth === 0 && s.token.kind === "keyword" && lower(s.token) === "where",
  );
  let where = "";
  if (whereAt >= 0) {
    const start = (all[whereAt] as { token: Token }).token;
    const end = all.find(
      (s, k) => k > whereAt && s.depth === 0 && s.token.kind === "keyword" && CLAUSE_END.has(lower(s.token)),
    );
    const from = tokens.indexOf(start) + 1;
    const to = end ? tokens.indexOf(end.token) : tokens.length;
    where = simplify(tokens.slice(from, to));
  }
  const head = `${verbOf(top, first)} ${table}`;
  return where ? `${head} WHERE ${cut(where, MAX_WHERE)}` : head;
}

/** The statement label, then the relationship (`Post.author`) and, for a nested loop, its depth. */
export function offenderLabel(offender: LabelInput): string {
  const parts = [statementLabel(offender.statement)];
  const rel = offender.relationship;
  if (rel?.parentModel && rel.attribute) parts.push(`${rel.parentModel}.${rel.attribute}`);
  const levels = offender.chain?.length ?? 0;
  if (levels >= 2) parts.push(`nested, ${levels} levels`);
  return parts.join(" · ");
}
