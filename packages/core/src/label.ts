/**
 * A short label that tells offenders apart where a list has one line for each: the dashboard's list and
 * `n1radar analyze`'s table. Cutting the SQL at a width stops inside the column list (ORMs select every
 * column, table-qualified), so rows of one endpoint read alike; what differs is the table, the WHERE clause,
 * the relationship and the nesting: `SELECT authors WHERE id = ? · Post.author · nested, 3 levels`.
 * Pure and linear: statements come from traces (untrusted, possibly truncated).
 */
import type { GuidanceRelationship } from "./guidance.js";

export interface LabelInput {
  statement: string;
  /** Nested loops: the statements from the outermost source down; empty otherwise. */
  chain?: readonly string[];
  relationship?: GuidanceRelationship | null;
}

const MAX_WHERE = 70;
const MAX_FALLBACK = 80;
/** Keywords that end a top-level clause. */
const CLAUSE_END = /^(?:ORDER|GROUP|LIMIT|OFFSET|FETCH|FOR|RETURNING|UNION|HAVING|WINDOW|EXCEPT|INTERSECT)$/i;
/** One identifier: quoted ("x", `x`, [x]) or bare. */
const IDENT = String.raw`(?:"[^"]*"|\x60[^\x60]*\x60|\[[^\][]*\]|[A-Za-z_][\w$]*)`;
const QUALIFIED = new RegExp(String.raw`(?:${IDENT}\s*\.\s*)+(${IDENT})`, "g");

function unquote(name: string): string {
  const first = name[0];
  return first === '"' || first === "`" || first === "[" ? name.slice(1, -1) : name;
}

function cut(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1).trimEnd()}…`;
}

interface Word {
  word: string;
  at: number;
}

/** The words outside parentheses and quotes, with their positions: the statement's own clauses. */
function topLevelWords(sql: string): Word[] {
  const out: Word[] = [];
  let depth = 0;
  for (let i = 0; i < sql.length; ) {
    const c = sql[i] as string;
    if (c === "'" || c === '"' || c === "`") {
      const close = sql.indexOf(c, i + 1);
      i = close < 0 ? sql.length : close + 1;
    } else if (c === "[") {
      const close = sql.indexOf("]", i + 1);
      i = close < 0 ? sql.length : close + 1;
    } else if (c === "(") {
      depth++;
      i++;
    } else if (c === ")") {
      depth = Math.max(0, depth - 1);
      i++;
    } else if (/[A-Za-z_]/.test(c)) {
      let j = i + 1;
      while (j < sql.length && /[\w$]/.test(sql[j] as string)) j++;
      if (depth === 0) out.push({ word: sql.slice(i, j), at: i });
      i = j;
    } else i++;
  }
  return out;
}

/** `"public"."Author"."id" = ?` -> `id = ?`; `c1_0.post_id=?` -> `post_id = ?`; Prisma's `AND 1=1` dropped. */
function simplify(clause: string): string {
  let out = clause.replace(QUALIFIED, (_, last: string) => unquote(last));
  out = out.replace(new RegExp(IDENT, "g"), (m) =>
    m[0] === "[" || m[0] === '"' || m[0] === "`" ? unquote(m) : m,
  );
  out = out
    .replace(/\s*(<>|!=|<=|>=|=|<|>)\s*/g, " $1 ")
    .replace(/\s+AND\s+1 = 1\b|\b1 = 1\s+AND\s+/gi, "")
    .replace(/\s+/g, " ")
    .replace(/;\s*$/, "")
    .trim();
  // A clause wholly in parentheses reads the same without them.
  if (/^\([^()]*\)$/.test(out)) out = out.slice(1, -1).trim();
  return out;
}

function verbOf(sql: string, first: string): string {
  if (first === "SELECT") {
    const agg = /^\s*SELECT\s+(?:DISTINCT\s+)?(COUNT|SUM|AVG|MIN|MAX)\s*\(/i.exec(sql)?.[1];
    if (agg) return agg.toUpperCase();
    if (/^\s*SELECT\s+(?:EXISTS\s*\(|(?:\?|1)\s+AS\s)/i.test(sql)) return "EXISTS";
  }
  if (first === "INSERT" || first === "REPLACE") return "INSERT INTO";
  if (first === "DELETE") return "DELETE FROM";
  return first;
}

/** The statement in a few words: `SELECT authors WHERE id = ?`, `COUNT comments WHERE post_id = ?`. */
export function statementLabel(statement: string): string {
  const flat = statement.replace(/\s+/g, " ").trim();
  // Instrumentations that record the ORM call, not SQL (TypeORM: {"entityClass":"Post",...}).
  const entity = /^\{.*"(?:entityClass|targetOrEntity|target)"\s*:\s*"(\w+)"/.exec(flat)?.[1];
  if (entity) return `${entity} ${cut(flat, MAX_FALLBACK - entity.length)}`;
  const words = topLevelWords(flat);
  const first = words[0]?.word.toUpperCase() ?? "";
  if (!/^(?:SELECT|INSERT|REPLACE|UPDATE|DELETE)$/.test(first)) return cut(flat, MAX_FALLBACK);
  const tableWord =
    first === "UPDATE" ? "UPDATE" : first === "SELECT" || first === "DELETE" ? "FROM" : "INTO";
  const tableAt =
    first === "UPDATE" ? words[0] : words.find((w, i) => i > 0 && w.word.toUpperCase() === tableWord);
  const tableMatch = new RegExp(String.raw`^\s*(?:ONLY\s+)?(${IDENT}(?:\s*\.\s*${IDENT})*)`).exec(
    tableAt ? flat.slice(tableAt.at + tableAt.word.length) : "",
  );
  // A table read through a subquery (Sequelize's limited includes) is named by the first FROM inside it.
  const tableName =
    tableMatch?.[1] ?? new RegExp(String.raw`\bFROM\s+(${IDENT}(?:\s*\.\s*${IDENT})*)`, "i").exec(flat)?.[1];
  if (!tableName) return cut(flat, MAX_FALLBACK);
  const parts = tableName.match(new RegExp(IDENT, "g")) ?? [tableName];
  const table = unquote(parts[parts.length - 1] as string);
  const whereIndex = words.findIndex((w) => w.word.toUpperCase() === "WHERE");
  let where = "";
  const whereWord = words[whereIndex];
  if (whereWord) {
    const end = words.slice(whereIndex + 1).find((w) => CLAUSE_END.test(w.word));
    where = simplify(flat.slice(whereWord.at + 5, end ? end.at : flat.length));
  }
  const head = `${verbOf(flat, first)} ${table}`;
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
