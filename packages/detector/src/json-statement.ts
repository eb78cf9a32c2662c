import type { CallOp } from "./sql-shape.js";

/**
 * Statements that are JSON rather than SQL, on a SQL store: ORM instrumentations that record the method's
 * arguments (opentelemetry-instrumentation-typeorm: `{"entityClass":"Post","options":{"where":{"id":7}}}`).
 * Keys stay, every value becomes `?` except the few that name a model or an operator (entity classes,
 * TypeORM's `_type: "moreThan"`), and lists keep one element, so two calls differing only in values are
 * the same statement and no value is ever kept.
 *
 *   {"target":"Post","criteria":{"id":3},"partialEntity":{"viewCount":2}}
 *   -> {"target":"Post","criteria":{"id":?},"partialEntity":{"viewCount":?}}
 *
 * The operation (`db.operation`: find, save, update, ...) says whether it reads or writes; `skip`/`offset`,
 * or a `moreThan`/`lessThan` comparison on an ordered key with `take`/`limit`, make it a page (sql-shape.ts).
 */
export interface JsonStatement {
  display: string;
  op: CallOp;
  paginated: boolean;
}

const MAX_JSON_CHARS = 64 * 1024;
/** Keys whose string value names a model, table or operator: structure, not data. */
const NAME_KEYS = new Set([
  "entityClass",
  "entityName",
  "target",
  "targetOrEntity",
  "entityTarget",
  "model",
  "modelName",
  "table",
  "tableName",
  "collection",
  "_type",
]);
const WRITE_OPS =
  /^(save|insert|update|upsert|delete|remove|softdelete|softremove|restore|recover|increment|decrement|create|bulk|put|replace|merge)/i;
const RANGE_TYPES = new Set(["moreThan", "lessThan", "moreThanOrEqual", "lessThanOrEqual"]);

function shape(value: unknown, key: string, depth: number): string {
  if (depth > 12) return "?";
  if (Array.isArray(value)) return value.length === 0 ? "[]" : `[${shape(value[0], key, depth + 1)}]`;
  if (value !== null && typeof value === "object") {
    const members = Object.entries(value).map(([k, v]) => `${JSON.stringify(k)}:${shape(v, k, depth + 1)}`);
    return `{${members.join(",")}}`;
  }
  return typeof value === "string" && NAME_KEYS.has(key) && value.length <= 100 ? JSON.stringify(value) : "?";
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => v !== null && typeof v === "object" && !Array.isArray(v);

/** One page of a longer result: skip/offset, or a keyset comparison on an ordered key with a row limit. */
function isPage(doc: Obj): boolean {
  const options = isObj(doc.options) ? doc.options : doc;
  if ("skip" in options || "offset" in options) return true;
  if (!("take" in options || "limit" in options) || !isObj(options.order) || !isObj(options.where))
    return false;
  for (const [column, condition] of Object.entries(options.where)) {
    if (isObj(condition) && RANGE_TYPES.has(String(condition._type)) && column in (options.order as Obj))
      return true;
  }
  return false;
}

/** Null when `text` is not a JSON object or array (it is then fingerprinted as SQL). */
export function normalizeJsonStatement(text: string, operation: string | null): JsonStatement | null {
  const trimmed = text.trim();
  if (trimmed.length > MAX_JSON_CHARS || !(trimmed.startsWith("{") || trimmed.startsWith("["))) return null;
  let doc: unknown;
  try {
    doc = JSON.parse(trimmed);
  } catch {
    return null;
  }
  const display = shape(doc, "", 0);
  const writes = operation !== null && WRITE_OPS.test(operation);
  return { display, op: writes ? "write" : "read", paginated: !writes && isObj(doc) && isPage(doc) };
}
