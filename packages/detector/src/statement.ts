import type { DbCall } from "@n1radar/core";
import { normalizeSql } from "./fingerprint.js";

/**
 * The comparable identity of one database call. SQL stores are fingerprinted from their statement text;
 * document and key-value stores (MongoDB, Redis, ...) by operation and collection or key pattern, because
 * their "statement" is a JSON document or a command with a key full of ids.
 */
export interface StatementKey {
  /** Human-readable normalized statement, no literal values. */
  display: string;
  /** What grouping compares. */
  canonical: string;
}

const NON_SQL_SYSTEMS = new Set([
  "mongodb",
  "redis",
  "memcached",
  "elasticsearch",
  "opensearch",
  "dynamodb",
  "aws.dynamodb",
  "cassandra",
  "couchdb",
  "couchbase",
  "neo4j",
  "cosmosdb",
  "azure.cosmosdb",
  "gcp.firestore",
  "firestore",
]);

/** Replaces id-like runs in a key (`user:42:posts`, `session/9f8a...`) with `?`. */
function keyPattern(key: string): string {
  return key.replace(/[0-9a-f]{8,}|\d+/gi, "?");
}

function nonSqlKey(system: string, db: DbCall): StatementKey | null {
  const text = db.statement?.trim() ?? "";
  let operation = db.operation;
  let target = db.collection;
  if (system === "redis" || system === "memcached") {
    const [command, key] = text.split(/\s+/, 2);
    operation = operation ?? command?.toUpperCase() ?? null;
    target = key ? keyPattern(key) : target;
  }
  if (!operation && !target) {
    if (!db.summary) return null;
    return { display: db.summary, canonical: `${system}:${db.summary.toLowerCase()}` };
  }
  const display = `${system} ${operation ?? "?"} ${target ?? ""}`.trim();
  return { display, canonical: display.toLowerCase() };
}

const cache = new Map<string, StatementKey>();
const CACHE_LIMIT = 20_000;

/** Statement key for a database call, or null when the span says too little to compare it. */
export function statementKey(db: DbCall): StatementKey | null {
  const system = db.system?.toLowerCase() ?? "";
  if (NON_SQL_SYSTEMS.has(system)) return nonSqlKey(system, db);
  const text = db.statement ?? db.summary;
  if (!text) return null;
  // Most traffic repeats a handful of parameterized statements: memoize, bounded.
  const hit = cache.get(text);
  if (hit) return hit;
  const normalized = normalizeSql(text);
  if (cache.size >= CACHE_LIMIT) cache.clear();
  cache.set(text, normalized);
  return normalized;
}
