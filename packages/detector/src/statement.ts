import type { DbCall, DbKind } from "@n1radar/core";
import { normalizeSql } from "./fingerprint.js";
import { normalizeJsonStatement } from "./json-statement.js";
import { NOSQL_KIND, noSqlKey } from "./nosql.js";
import { type CallOp, classifySql } from "./sql-shape.js";

/**
 * The comparable identity of one database call. SQL (and SQL-like: CQL, Cypher, N1QL, Cosmos SQL) is
 * fingerprinted from its text; document, key-value and search stores by operation and collection or key
 * pattern (nosql.ts), because their "statement" is a JSON document or a command with a key full of ids.
 */
export interface StatementKey {
  /** Human-readable normalized statement, no literal values. */
  display: string;
  /** What grouping compares. */
  canonical: string;
  dbKind: DbKind;
  /** read / write are grouped; control and cursor calls are never repeats (sql-shape.ts). */
  op: CallOp;
  /** One page of a longer result (LIMIT .. OFFSET, keyset): a loop of these is paging, not an N+1. */
  paginated: boolean;
}

/** Stores whose statement is never SQL-like text. */
const KEYED_STORES = new Set([
  "mongodb",
  "redis",
  "valkey",
  "memcached",
  "elasticsearch",
  "opensearch",
  "dynamodb",
  "aws.dynamodb",
  "couchdb",
  "firestore",
  "gcp.firestore",
]);

const cache = new Map<string, StatementKey>();
const CACHE_LIMIT = 20_000;
/**
 * Longer texts are normalized every time rather than kept as cache keys: 20,000 distinct megabyte statements
 * (hostile, or an ORM inlining a huge list) would otherwise hold gigabytes. Parameterized statements are short.
 */
const MEMO_MAX_CHARS = 4096;
let cachedChars = 0;

function remember(text: string, key: StatementKey): StatementKey {
  if (text.length > MEMO_MAX_CHARS) return key;
  if (cache.size >= CACHE_LIMIT) {
    cache.clear();
    cachedChars = 0;
  }
  cache.set(text, key);
  cachedChars += text.length;
  return key;
}

/** Characters held as cache keys (tests check the bound). */
export function statementCacheChars(): number {
  return cachedChars;
}

/**
 * Statement key for a database call, or null when the span says too little to compare it (a connection-pool
 * `connect` span carries `db.system` and nothing else). `path` is the call's URL path (Elasticsearch) and
 * `spanName` its span name (DynamoDB names the operation there).
 */
export function statementKey(db: DbCall, path: string | null = null, spanName = ""): StatementKey | null {
  const system = db.system?.toLowerCase() ?? "";
  const dbKind: DbKind = NOSQL_KIND[system] ?? "sql";
  const text = db.statement ?? (dbKind === "sql" ? db.summary : null);
  if (KEYED_STORES.has(system) || !text) {
    if (dbKind === "sql") return null;
    const memo = `\u0000${system}\u0000${db.operation}\u0000${db.collection}\u0000${db.namespace}\u0000${path}\u0000${spanName}\u0000${db.statement}`;
    const hit = cache.get(memo);
    if (hit) return hit;
    const k = noSqlKey(system, db, path, spanName);
    return k ? remember(memo, { ...k, dbKind, paginated: false }) : null;
  }
  // Most traffic repeats a handful of parameterized statements: memoize, bounded.
  const json = text.charCodeAt(0) === 123 || text.charCodeAt(0) === 91 || /^\s*[[{]/.test(text);
  const memo = dbKind === "sql" && !json ? text : `${system}\u0000${db.operation}\u0000${text}`;
  const hit = cache.get(memo);
  if (hit) return hit;
  const asJson = json ? normalizeJsonStatement(text, db.operation) : null;
  if (asJson) {
    const { display, op, paginated } = asJson;
    return remember(memo, { display, canonical: display.toLowerCase(), dbKind, op, paginated });
  }
  const { display, canonical } = normalizeSql(text);
  if (canonical === "") return null;
  return remember(memo, { display, canonical, dbKind, ...classifySql(canonical) });
}
