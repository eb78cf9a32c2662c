import type { DbCall, DbKind } from "@n1radar/core";
import type { CallOp } from "./sql-shape.js";

/**
 * Fingerprints for stores whose "statement" is a JSON document or a command with a key full of ids: the
 * operation plus the collection (table, index, key pattern) plus, when the statement is JSON, the field names
 * it filters on. Values are never kept, not even in keys: `GET user:42:posts` becomes `redis GET user:?:?`
 * (only the leading namespace survives, since any other segment may be a user name or an email).
 *
 *   mongodb  find  users  {"find":"users","filter":{"_id":"?"}}   -> mongodb find users {_id}
 *   redis    GET user:42                                         -> redis GET user:?
 *   elasticsearch  GET /users/_doc/42                              -> elasticsearch get users/_doc/?
 *   dynamodb GetItem  (table from db.collection / db.name / TableName in the statement)  -> dynamodb GetItem users
 */
export interface NoSqlKey {
  display: string;
  canonical: string;
  op: CallOp;
}

const MAX_JSON_CHARS = 16 * 1024;
const MONGO_ROOTS = new Set(["filter", "q", "query", "$match"]);
const SEARCH_ROOTS = new Set(["query"]);

/** Field names under the given root keys of a JSON statement, e.g. `{_id}`; "" when it is not JSON. */
function jsonShape(text: string | null, roots: ReadonlySet<string>): string {
  if (!text || text.length > MAX_JSON_CHARS || text.trimStart()[0] !== "{") return "";
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    return ""; // truncated or not JSON: the operation and collection still say enough
  }
  const keys = new Set<string>();
  const walk = (value: unknown, path: string, inRoot: boolean, depth: number): void => {
    if (depth > 6 || keys.size >= 20 || typeof value !== "object" || value === null) return;
    if (Array.isArray(value)) {
      for (const item of value.slice(0, 3)) walk(item, path, inRoot, depth + 1);
      return;
    }
    for (const [key, child] of Object.entries(value)) {
      const childPath = inRoot ? (path ? `${path}.${key}` : key) : "";
      if (inRoot) keys.add(childPath);
      walk(child, childPath, inRoot || roots.has(key), depth + 1);
    }
  };
  walk(doc, "", false, 0);
  return keys.size === 0 ? "" : `{${[...keys].sort().join(",")}}`;
}

function jsonField(text: string | null, field: string): string | null {
  if (!text || text.length > MAX_JSON_CHARS) return null;
  const m = new RegExp(`"${field}"\\s*:\\s*"([^"]{1,200})"`).exec(text);
  return m?.[1] ?? null;
}

/** `user:42:posts` -> `user:?:?`: the leading namespace stays when it is a plain word, the rest goes. */
function keyPattern(key: string): string {
  const parts = key.split(/([:/|#.])/);
  if (parts.length === 1) return "?";
  return parts.map((p, i) => (i % 2 === 1 || (i === 0 && /^[A-Za-z_-]{1,40}$/.test(p)) ? p : "?")).join("");
}

/** `/users/_doc/42` -> `users/_doc/?`: API words (`_search`) and plain index names stay, ids go. */
function searchPath(path: string | null): string {
  if (!path) return "";
  const out: string[] = [];
  let afterDocApi = false;
  for (const seg of path.split("/").filter((s) => s !== "")) {
    const keep = !afterDocApi && (seg.startsWith("_") || /^[a-z][a-z_-]{0,60}$/.test(seg));
    out.push(keep ? seg : "?");
    afterDocApi = /^_(doc|update|create|source|explain|termvectors)$/.test(seg);
  }
  return out.join("/");
}

const REDIS_WRITES = new Set(
  (
    "SET SETEX SETNX PSETEX MSET MSETNX GETSET GETDEL APPEND DEL UNLINK INCR INCRBY INCRBYFLOAT DECR DECRBY " +
    "EXPIRE PEXPIRE EXPIREAT PERSIST HSET HMSET HSETNX HDEL HINCRBY HINCRBYFLOAT LPUSH RPUSH LPOP RPOP LREM " +
    "LSET LTRIM SADD SREM SPOP ZADD ZREM ZINCRBY XADD XDEL PFADD GEOADD TOUCH REPLACE CAS ADD PREPEND"
  ).split(" "),
);
const REDIS_CURSOR = new Set(["SCAN", "HSCAN", "SSCAN", "ZSCAN"]);
const REDIS_CONTROL = new Set(
  (
    "MULTI EXEC DISCARD WATCH UNWATCH PING AUTH SELECT CLIENT INFO HELLO QUIT ECHO CONFIG SUBSCRIBE " +
    "UNSUBSCRIBE PSUBSCRIBE READONLY CLUSTER COMMAND VERSION STATS FLUSH_ALL"
  ).split(" "),
);
const MONGO_WRITE = /^(insert|update|delete|remove|findandmodify|findoneand|replace|bulkwrite|save|create$)/i;
const MONGO_CURSOR = /^(getmore|killcursors)$/i;
const MONGO_CONTROL =
  /^(endsessions|ping|hello|ismaster|buildinfo|sasl|committransaction|aborttransaction|createindexes|listcollections|listindexes|drop)/i;
const DYNAMO_WRITE = /^(put|update|delete|batchwrite|transactwrite)/i;
const DYNAMO_CONTROL = /^(describe|list|create|tag|untag)/i;
const SEARCH_WRITE = /^(index|create|update|delete|bulk|put|post_doc)$/i;
const GENERIC_WRITE =
  /^(insert|update|delete|put|set|create|remove|upsert|replace|save|write|add|incr|decr)/i;

function key(system: string, op: string, target: string, shape: string, kind: CallOp): NoSqlKey {
  const display = [system, op, target, shape].filter((s) => s !== "").join(" ");
  return { display, canonical: display.toLowerCase(), op: kind };
}

function redisKey(system: string, db: DbCall): NoSqlKey | null {
  const [first, second] = (db.statement?.trim() ?? "").split(/\s+/, 2);
  const command = (db.operation ?? first ?? "").toUpperCase();
  if (!command) return null;
  const target = second && first?.toUpperCase() === command ? keyPattern(second) : "";
  const op = REDIS_CONTROL.has(command)
    ? "control"
    : REDIS_CURSOR.has(command)
      ? "cursor"
      : REDIS_WRITES.has(command)
        ? "write"
        : "read";
  return key(system, command, target, "", op);
}

function mongoKey(system: string, db: DbCall): NoSqlKey | null {
  const text = db.statement;
  let operation = db.operation;
  let collection = db.collection;
  if ((!operation || !collection) && text && text.trimStart().startsWith("{")) {
    // {"find":"users",...}: the first member names the command and its collection.
    const m = /^\s*\{\s*"(\w+)"\s*:\s*"([^"]{1,200})"/.exec(text);
    operation = operation ?? m?.[1] ?? null;
    collection = collection ?? m?.[2] ?? null;
  }
  if (!operation && !collection) return null;
  const op = operation ?? "?";
  const kind = MONGO_CURSOR.test(op)
    ? "cursor"
    : MONGO_CONTROL.test(op)
      ? "control"
      : MONGO_WRITE.test(op)
        ? "write"
        : "read";
  return key(system, op, collection ?? "", jsonShape(text, MONGO_ROOTS), kind);
}

function searchKey(system: string, db: DbCall, path: string | null): NoSqlKey | null {
  const target = searchPath(path) || (db.collection ?? "");
  const op = (db.operation ?? "").toLowerCase();
  if (!op && !target) return null;
  const scroll = op === "scroll" || op === "clear_scroll" || /(^|\/)_search\/scroll/.test(target);
  const kind = scroll
    ? "cursor"
    : SEARCH_WRITE.test(op) || /\/_(update|create)\b/.test(target)
      ? "write"
      : "read";
  return key(system, op, target, jsonShape(db.statement, SEARCH_ROOTS), kind);
}

function dynamoKey(system: string, db: DbCall, spanName: string): NoSqlKey | null {
  const op = db.operation ?? (spanName.startsWith("DynamoDB.") ? spanName.slice(9) : null);
  const table = db.collection ?? db.namespace ?? jsonField(db.statement, "TableName");
  if (!op && !table) return null;
  const name = op ?? "?";
  // A Scan is read page by page (LastEvaluatedKey); a loop of Scans is paging, not an N+1.
  const kind = /^scan$/i.test(name)
    ? "cursor"
    : DYNAMO_CONTROL.test(name)
      ? "control"
      : DYNAMO_WRITE.test(name)
        ? "write"
        : "read";
  return key(system, name, table ?? "", "", kind);
}

export const NOSQL_KIND: Readonly<Record<string, DbKind>> = {
  mongodb: "document",
  couchdb: "document",
  couchbase: "document",
  firestore: "document",
  "gcp.firestore": "document",
  cosmosdb: "document",
  "azure.cosmosdb": "document",
  redis: "key_value",
  valkey: "key_value",
  memcached: "key_value",
  dynamodb: "key_value",
  "aws.dynamodb": "key_value",
  elasticsearch: "search",
  opensearch: "search",
  cassandra: "wide_column",
  scylladb: "wide_column",
  hbase: "wide_column",
  neo4j: "graph",
};

/** Key for a store that has no SQL-like text; null when the span says too little to compare it. */
export function noSqlKey(system: string, db: DbCall, path: string | null, spanName: string): NoSqlKey | null {
  switch (system) {
    case "redis":
    case "valkey":
    case "memcached":
      return redisKey(system, db);
    case "mongodb":
      return mongoKey(system, db);
    case "elasticsearch":
    case "opensearch":
      return searchKey(system, db, path);
    case "dynamodb":
    case "aws.dynamodb":
      return dynamoKey("dynamodb", db, spanName);
  }
  const op = db.operation ?? db.summary;
  if (!op && !db.collection) return null;
  return key(system, op ?? "?", db.collection ?? "", "", GENERIC_WRITE.test(op ?? "") ? "write" : "read");
}
