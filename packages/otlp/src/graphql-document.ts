/**
 * Reads the operation out of a GraphQL document (`graphql.source`, `graphql.document`) when the span did not
 * record its name and type: `query PostAuthors { ... }` -> { type: "query", name: "PostAuthors" }. An anonymous
 * operation is named by its root fields, `{ posts { id } }` -> rootFields ["posts"], so two anonymous queries
 * stay two endpoints while the name stays as low in cardinality as the schema's root fields.
 *
 * A small tokenizer rather than a parser: it skips strings, block strings and comments, ignores everything
 * inside arguments (where literal values live), reads at most MAX_CHARS, and never throws. Whatever it cannot
 * read yields null, and the span's own name is used instead.
 */
export interface GraphqlOperation {
  type: string;
  name: string | null;
  rootFields: string[];
}

const MAX_CHARS = 20_000;
const MAX_ROOT_FIELDS = 4;
const OPERATION_TYPES = new Set(["query", "mutation", "subscription"]);
const NAME = /[_A-Za-z][_0-9A-Za-z]*/y;

type Token = { kind: "name"; text: string } | { kind: "punct"; text: string };

function* tokens(doc: string): Generator<Token> {
  const end = Math.min(doc.length, MAX_CHARS);
  let i = 0;
  while (i < end) {
    const c = doc[i] as string;
    if (c === "#") {
      while (i < end && doc[i] !== "\n") i++;
    } else if (doc.startsWith('"""', i)) {
      const close = doc.indexOf('"""', i + 3);
      if (close < 0) return;
      i = close + 3;
    } else if (c === '"') {
      for (i++; i < end && doc[i] !== '"' && doc[i] !== "\n"; i++) if (doc[i] === "\\") i++;
      i++;
    } else if (/[_A-Za-z]/.test(c)) {
      NAME.lastIndex = i;
      const text = (NAME.exec(doc) as RegExpExecArray)[0];
      yield { kind: "name", text };
      i += text.length;
    } else if (doc.startsWith("...", i)) {
      yield { kind: "punct", text: "..." };
      i += 3;
    } else {
      if ("{}()[]:@$".includes(c)) yield { kind: "punct", text: c };
      i++;
    }
  }
}

/**
 * The operation `operationName` selects (the first operation when it is null, as GraphQL executes a document
 * with one operation), or null when the document holds none that can be read.
 */
export function readGraphqlOperation(doc: string, operationName: string | null): GraphqlOperation | null {
  let depth = 0; // selection-set nesting
  let parens = 0; // argument and variable-definition nesting, where braces are object values
  let current: GraphqlOperation | null = null;
  let pendingType: string | null = null; // an operation keyword seen, its selection not yet opened
  let skipping = false; // inside a fragment definition
  let afterSpread = false;
  let afterColon = false;
  let afterAt = false; // a directive's name is not an operation or field name
  let chosen: GraphqlOperation | null = null;
  let first: GraphqlOperation | null = null;
  for (const t of tokens(doc)) {
    if (t.text === "(") parens++;
    else if (t.text === ")") parens = Math.max(0, parens - 1);
    if (parens > 0 || t.text === ")") continue;
    if (t.text === "@" || afterAt) {
      afterAt = t.text === "@";
      continue;
    }
    if (depth === 0) {
      if (t.kind === "name" && pendingType === null && !skipping) {
        if (OPERATION_TYPES.has(t.text)) {
          pendingType = t.text;
          current = { type: t.text, name: null, rootFields: [] };
        } else if (t.text === "fragment") skipping = true;
      } else if (t.kind === "name" && current && current.name === null && pendingType !== null) {
        current.name = t.text;
      } else if (t.text === "{") {
        if (!skipping && current === null) current = { type: "query", name: null, rootFields: [] };
        pendingType = null;
        depth = 1;
      }
      continue;
    }
    if (t.text === "{") depth++;
    else if (t.text === "}") {
      depth--;
      if (depth === 0) {
        if (current) {
          first ??= current;
          if (operationName !== null && current.name === operationName) chosen = current;
        }
        current = null;
        skipping = false;
      }
    } else if (depth === 1 && current && !skipping) {
      if (t.text === "...") afterSpread = true;
      else if (t.text === ":") afterColon = true;
      else if (t.kind === "name") {
        // `alias: field` names the field after the colon; `...Fragment` and `... on Type` are not fields.
        if (afterColon) current.rootFields[current.rootFields.length - 1] = t.text;
        else if (!afterSpread) current.rootFields.push(t.text);
        afterSpread = afterSpread && t.text === "on";
        afterColon = false;
      } else afterColon = false;
    }
  }
  const op = operationName !== null ? chosen : first;
  if (op) op.rootFields = [...new Set(op.rootFields)];
  return op;
}

/** `query PostAuthors`, or for an anonymous operation `query { posts comments }` (at most four root fields). */
export function graphqlEndpoint(type: string, name: string | null, rootFields: readonly string[]): string {
  if (name) return `${type} ${name}`;
  if (rootFields.length === 0) return type;
  const shown = rootFields.slice(0, MAX_ROOT_FIELDS);
  return `${type} { ${shown.join(" ")}${rootFields.length > shown.length ? " ..." : ""} }`;
}
