/**
 * Semantic-convention folding shared by both decoders: old and new attribute names collapse into one
 * SpanRecord shape here, so nothing downstream ever looks at raw attribute names.
 */
import type {
  CodeLocation,
  DbCall,
  HttpFacts,
  LoopIntent,
  Resource,
  Scope,
  SpanKind,
  SpanRecord,
  SpanStatus,
} from "@n1radar/core";
import { type AttrValue, type AttrValues, keyId } from "./attributes.js";
import { foldUnit } from "./unit-of-work.js";

// Attribute ids resolved once at load; the fold runs per span.
const DB_SYSTEM_NAME = keyId("db.system.name");
const DB_SYSTEM = keyId("db.system");
const DB_QUERY_TEXT = keyId("db.query.text");
const DB_STATEMENT = keyId("db.statement");
const DB_OPERATION_NAME = keyId("db.operation.name");
const DB_OPERATION = keyId("db.operation");
const DB_COLLECTION_NAME = keyId("db.collection.name");
const DB_SQL_TABLE = keyId("db.sql.table");
const DB_MONGODB_COLLECTION = keyId("db.mongodb.collection");
const DB_CASSANDRA_TABLE = keyId("db.cassandra.table");
const DB_NAMESPACE = keyId("db.namespace");
const DB_NAME = keyId("db.name");
const DB_QUERY_SUMMARY = keyId("db.query.summary");
const AWS_DYNAMODB_TABLE_NAMES = keyId("aws.dynamodb.table_names");
const HTTP_REQUEST_METHOD = keyId("http.request.method");
const HTTP_METHOD = keyId("http.method");
const HTTP_ROUTE = keyId("http.route");
const URL_PATH = keyId("url.path");
const HTTP_TARGET = keyId("http.target");
const HTTP_RESPONSE_STATUS_CODE = keyId("http.response.status_code");
const HTTP_STATUS_CODE = keyId("http.status_code");
const CODE_FUNCTION_NAME = keyId("code.function.name");
const CODE_FUNCTION = keyId("code.function");
const CODE_NAMESPACE = keyId("code.namespace");
const CODE_FILE_PATH = keyId("code.file.path");
const CODE_FILEPATH = keyId("code.filepath");
const CODE_LINE_NUMBER = keyId("code.line.number");
const CODE_LINENO = keyId("code.lineno");
const DB_CACHE_HIT = keyId("db.cache.hit");
const CACHE_HIT = keyId("cache.hit");
const SERVICE_NAME = keyId("service.name");
const TELEMETRY_SDK_LANGUAGE = keyId("telemetry.sdk.language");
const DEPLOYMENT_ENVIRONMENT_NAME = keyId("deployment.environment.name");
const DEPLOYMENT_ENVIRONMENT = keyId("deployment.environment");
const INTENDED_LOOP = keyId("n1radar.intended_loop");
const INTENDED_LOOP_REASON = keyId("n1radar.intended_loop.reason");

/** Ids and timing the decoders extract themselves, before attributes are folded in. */
export type SpanCore = Pick<
  SpanRecord,
  "traceId" | "spanId" | "parentSpanId" | "name" | "kind" | "startMs" | "endMs" | "status"
>;

/** A decoder's scratch SpanCore, filled in again for every span. */
export function blankSpanCore(): SpanCore {
  return {
    traceId: "",
    spanId: "",
    parentSpanId: null,
    name: "",
    kind: 0,
    startMs: 0,
    endMs: 0,
    status: "unset",
  };
}

const STATUS_BY_CODE: readonly SpanStatus[] = ["unset", "ok", "error"];

/** OTLP Status.code to our status; codes outside the enum read as "unset" (proto3 enums are open). */
export function statusFromCode(code: number): SpanStatus {
  return STATUS_BY_CODE[code] ?? "unset";
}

/** OTLP SpanKind is 0..5; anything else reads as unspecified rather than failing the span. */
export function kindFromCode(code: number): SpanKind {
  return (Number.isInteger(code) && code >= 0 && code <= 5 ? code : 0) as SpanKind;
}

/**
 * Names (service, environment, database system, operation, table, route, path, code location) longer than this are
 * broken or hostile: they are cut, so one span cannot put a megabyte into every row, page and chat message that
 * names it.
 */
export const MAX_NAME_CHARS = 1024;
/** Statements are read this far, as far as the normalizer reads them (fingerprint.ts). */
export const MAX_STATEMENT_CHARS = 64 * 1024;

/** At most `max` UTF-16 units, never half of a surrogate pair. */
export function cutText(text: string, max: number): string {
  if (text.length <= max) return text;
  const end = /[\uD800-\uDBFF]/.test(text[max - 1] ?? "") ? max - 1 : max;
  return text.slice(0, end);
}

/** Strings pass through (cut at `max`); numbers and booleans are stringified; empty strings count as absent. */
function str(v: AttrValue, max = MAX_NAME_CHARS): string | null {
  if (typeof v === "string") return v === "" ? null : cutText(v, max);
  if (v === undefined) return null;
  return cutText(String(v), max);
}

/** Integers from int or whole double values, or from decimal strings some SDKs send. */
function int(v: AttrValue): number | null {
  if (typeof v === "number") return Number.isFinite(v) ? Math.trunc(v) : null;
  if (typeof v === "string" && /^-?\d{1,15}$/.test(v)) return Number(v);
  return null;
}

function firstStr(a: AttrValue, b: AttrValue, max = MAX_NAME_CHARS): string | null {
  return str(a, max) ?? str(b, max);
}

function foldDb(bag: AttrValues): DbCall | null {
  const system = firstStr(bag[DB_SYSTEM_NAME], bag[DB_SYSTEM]);
  const statement = firstStr(bag[DB_QUERY_TEXT], bag[DB_STATEMENT], MAX_STATEMENT_CHARS);
  if (system === null && statement === null) return null;
  return {
    system,
    statement,
    operation: firstStr(bag[DB_OPERATION_NAME], bag[DB_OPERATION]),
    collection:
      str(bag[DB_COLLECTION_NAME]) ??
      str(bag[DB_SQL_TABLE]) ??
      str(bag[DB_MONGODB_COLLECTION]) ??
      str(bag[DB_CASSANDRA_TABLE]) ??
      str(bag[AWS_DYNAMODB_TABLE_NAMES]),
    namespace: firstStr(bag[DB_NAMESPACE], bag[DB_NAME]),
    summary: str(bag[DB_QUERY_SUMMARY], MAX_STATEMENT_CHARS),
  };
}

/** `http.target` is path plus query (old conventions); the query may hold ids or secrets, so it is cut. */
function pathFromTarget(target: string | null): string | null {
  if (target === null) return null;
  const cut = target.search(/[?#]/);
  return cut < 0 ? target : target.slice(0, cut);
}

function foldHttp(bag: AttrValues): HttpFacts | null {
  const method = firstStr(bag[HTTP_REQUEST_METHOD], bag[HTTP_METHOD]);
  const route = str(bag[HTTP_ROUTE]);
  const path = str(bag[URL_PATH]) ?? pathFromTarget(str(bag[HTTP_TARGET]));
  const statusCode = int(bag[HTTP_RESPONSE_STATUS_CODE]) ?? int(bag[HTTP_STATUS_CODE]);
  if (method === null && route === null && path === null && statusCode === null) return null;
  return { method, route, path, statusCode };
}

function foldCode(bag: AttrValues): CodeLocation | null {
  let fn = str(bag[CODE_FUNCTION_NAME]);
  if (fn === null) {
    const oldFn = str(bag[CODE_FUNCTION]);
    const ns = str(bag[CODE_NAMESPACE]);
    fn = oldFn !== null && ns !== null ? `${ns}.${oldFn}` : oldFn;
  }
  const file = firstStr(bag[CODE_FILE_PATH], bag[CODE_FILEPATH]);
  const line = int(bag[CODE_LINE_NUMBER]) ?? int(bag[CODE_LINENO]);
  if (fn === null && file === null && line === null) return null;
  return { function: fn, file, line };
}

/**
 * `n1radar.intended_loop`: true (or "true") for any number of repeats, or a positive integer for at most that
 * many; anything else (false, 0, text) marks nothing, so a typo never silences a loop by accident.
 */
function foldIntent(bag: AttrValues): LoopIntent | null {
  const v = bag[INTENDED_LOOP];
  if (v === undefined) return null;
  const reasonValue = str(bag[INTENDED_LOOP_REASON]);
  const reason = reasonValue === null ? null : reasonValue.slice(0, 200);
  if (v === true || v === "true") return { maxRepeats: null, reason };
  const n = int(v);
  return n !== null && n > 0 ? { maxRepeats: n, reason } : null;
}

/** A cache hit is only trusted when the sender says so explicitly with a boolean (or "true"). */
function isCached(bag: AttrValues): boolean {
  const hit = (v: AttrValue) => v === true || v === "true";
  return hit(bag[DB_CACHE_HIT]) || hit(bag[CACHE_HIT]);
}

export function foldResource(bag: AttrValues): Resource {
  return {
    serviceName: str(bag[SERVICE_NAME]) ?? "unknown_service",
    sdkLanguage: str(bag[TELEMETRY_SDK_LANGUAGE]),
    environment: firstStr(bag[DEPLOYMENT_ENVIRONMENT_NAME], bag[DEPLOYMENT_ENVIRONMENT]),
  };
}

export function foldScope(name: string, version: string): Scope {
  return {
    name: cutText(name, MAX_NAME_CHARS),
    version: version === "" ? null : cutText(version, MAX_NAME_CHARS),
  };
}

/**
 * Builds the record. `resource` and `scope` objects are shared by every span of their batch (treat them as
 * read-only). An end before the start (clock skew, buggy SDK) is clamped to a zero-length span rather than
 * rejected: the query still happened and still counts towards an N+1.
 */
export function buildSpanRecord(
  core: SpanCore,
  bag: AttrValues,
  resource: Resource,
  scope: Scope,
): SpanRecord {
  return {
    traceId: core.traceId,
    spanId: core.spanId,
    parentSpanId: core.parentSpanId,
    name: cutText(core.name, MAX_STATEMENT_CHARS),
    kind: core.kind,
    startMs: core.startMs,
    endMs: Math.max(core.endMs, core.startMs),
    status: core.status,
    resource,
    scope,
    db: foldDb(bag),
    http: foldHttp(bag),
    code: foldCode(bag),
    unit: foldUnit(bag),
    intent: foldIntent(bag),
    cached: isCached(bag),
  };
}
