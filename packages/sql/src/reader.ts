/**
 * Small readers over a statement's significant tokens (`significant(tokenize(sql))`), shared by the labels and
 * guidance's statement reader: keywords by word, dotted names, bound parameters.
 */
import { type Token, unquote } from "./tokens.js";

export const lower = (t: Token | undefined): string => t?.text.toLowerCase() ?? "";

/** A test for a keyword token among `words` (lower case). */
export const isKeyword =
  (...words: string[]) =>
  (t: Token | undefined): boolean =>
    t?.kind === "keyword" && words.includes(t.text.toLowerCase());

/** A name as the statement writes it: bare, "quoted", `backticked`, [bracketed]. */
export const isName = (t: Token | undefined): boolean => t?.kind === "identifier" || t?.kind === "quoted";

/** A part after a dot may be spelled like a keyword (`t.order`). */
export const isNamePart = (t: Token | undefined): boolean => isName(t) || t?.kind === "keyword";

/** A dotted name (`schema.table.column` at most): its unquoted parts and the index after it. */
export interface DottedName {
  parts: string[];
  end: number;
}

/** The dotted name starting at `k`, or null when no name starts there. */
export function dottedNameAt(tokens: readonly Token[], k: number): DottedName | null {
  if (!isName(tokens[k])) return null;
  const parts = [unquote((tokens[k] as Token).text)];
  let end = k + 1;
  while (tokens[end]?.text === "." && isNamePart(tokens[end + 1])) {
    parts.push(unquote((tokens[end + 1] as Token).text));
    end += 2;
  }
  return { parts: parts.slice(-3), end };
}

/** Each dotted name in `tokens`, from its first part. */
export function* dottedNames(tokens: readonly Token[]): Generator<DottedName & { start: number }> {
  for (let k = 0; k < tokens.length; k++) {
    if (tokens[k - 1]?.text === ".") continue;
    const name = dottedNameAt(tokens, k);
    if (!name) continue;
    yield { ...name, start: k };
    k = name.end - 1;
  }
}

/**
 * Tokens a bound parameter spans at `k`: `?`, `$1`, `:name`, `@p0`, `%s`, TypeORM's spread `:...ids`, with a
 * cast if it has one (`$1::INTEGER`); 0 if there is none.
 */
export function paramAt(tokens: readonly Token[], k: number): number {
  let span = 0;
  if (tokens[k]?.kind === "placeholder") span = 1;
  else if (tokens[k]?.text === ":") {
    let j = k + 1;
    while (tokens[j]?.text === "." && j - k <= 3) j++;
    if (j > k + 1 && isName(tokens[j])) span = j - k + 1;
  }
  if (span > 0 && tokens[k + span]?.text === "::" && isNamePart(tokens[k + span + 1])) span += 2;
  return span;
}
