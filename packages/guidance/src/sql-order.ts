/** The ORDER BY and row limit of a statement, for guidance's statement reader (sql.ts). */
import { dottedNameAt, isKeyword, paramAt, type Token } from "@n1radar/sql";

/**
 * Tokens as text with every dotted name cut to its last part and quotes dropped, spaced as written:
 * `"posts"."created_at" DESC` -> `created_at DESC`, `COUNT(p1_0.id)` -> `COUNT(id)`.
 */
function unqualified(tokens: Token[]): string {
  let out = "";
  let prev: Token | undefined;
  for (let k = 0; k < tokens.length; ) {
    const t = tokens[k] as Token;
    if (prev && t.at > prev.at + prev.text.length) out += " ";
    const chain = dottedNameAt(tokens, k);
    out += chain ? (chain.parts[chain.parts.length - 1] ?? "") : t.text;
    const next = chain ? chain.end : k + 1;
    prev = tokens[next - 1];
    k = next;
  }
  return out;
}

/** The first ORDER BY's terms with qualifiers and quoting removed (`created_at DESC, id`), or null. */
export function orderByOf(tokens: Token[]): string | null {
  const at = tokens.findIndex((t, k) => isKeyword("order")(t) && isKeyword("by")(tokens[k + 1]));
  if (at < 0) return null;
  const terms: string[] = [];
  let term: Token[] = [];
  let depth = 0;
  const flush = () => {
    if (term.length > 0) terms.push(unqualified(term));
    term = [];
  };
  for (let k = at + 2; k < tokens.length; k++) {
    const t = tokens[k] as Token;
    if (depth === 0 && (t.text === ")" || t.text === ";" || isKeyword("limit", "offset", "fetch", "for")(t)))
      break;
    if (t.text === "(") depth++;
    else if (t.text === ")") depth--;
    if (depth === 0 && t.text === ",") flush();
    else term.push(t);
  }
  flush();
  return terms.length > 0 ? terms.join(", ") : null;
}

/** The value a row limit is bound to at `k`: digits, "?" for a parameter, or null when there is none. */
function boundAt(tokens: Token[], k: number): string | null {
  const t = tokens[k];
  if (t?.kind === "number") return /^\d+$/.test(t.text) ? t.text : "?";
  return paramAt(tokens, k) > 0 ? "?" : null;
}

/** The statement's last row limit (`LIMIT n`, MySQL's `LIMIT offset, n`, `FETCH FIRST n ROWS`, `SELECT TOP (n)`). */
export function limitOf(tokens: Token[]): string | null {
  let value: string | null = null;
  for (let k = 0; k < tokens.length; k++) {
    let j: number;
    if (isKeyword("limit")(tokens[k])) j = k + 1;
    else if (isKeyword("fetch")(tokens[k]) && isKeyword("first", "next")(tokens[k + 1])) j = k + 2;
    else if (isKeyword("select")(tokens[k]) && isKeyword("top")(tokens[k + 1])) j = k + 2;
    else continue;
    if (tokens[j]?.text === "(") j++;
    const first = boundAt(tokens, j);
    if (first === null) continue;
    value = (tokens[j + 1]?.text === "," ? boundAt(tokens, j + 2) : null) ?? first;
  }
  return value;
}
