/**
 * Decodes the OTLP/JSON encoding of ExportTraceServiceRequest (https://opentelemetry.io/docs/specs/otlp/).
 * Nothing about the parsed document is trusted: every value is type-checked where it is read. A malformed
 * container (request, resourceSpans, resource, scopeSpans, scope) fails the request with the path of the
 * problem; a malformed span is rejected alone. Unknown fields, and attributes we do not read, are ignored.
 */
import { N1Error, type Resource, type Scope, type SpanRecord } from "@n1radar/core";
import { AttrBag, keyIdOf } from "./attributes.js";
import {
  blankSpanCore,
  buildSpanRecord,
  foldResource,
  foldScope,
  kindFromCode,
  type SpanCore,
  statusFromCode,
} from "./fold.js";
import { checkHexId } from "./hex.js";
import { MAX_JSON_DEPTH, nestingPastLimit } from "./json-depth.js";
import { readAnyValue, ShapeError } from "./json-values.js";
import { type DecodeResult, ResultBuilder } from "./result.js";

// Fatal: a JSON body is text, and the JSON spec requires UTF-8; invalid bytes mean a broken sender.
const utf8 = new TextDecoder("utf-8", { fatal: true });

type Obj = Record<string, unknown>;

function isObj(v: unknown): v is Obj {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** A field by its lowerCamelCase JSON name or its original proto name; `null` means absent (proto3 JSON). */
function get(o: Obj, camel: string, snake?: string): unknown {
  const v = o[camel];
  if (v !== undefined && v !== null) return v;
  if (snake === undefined) return undefined;
  const s = o[snake];
  return s === null ? undefined : s;
}

function badRequest(path: string, problem: string): N1Error {
  return new N1Error("bad_request", `invalid OTLP/JSON payload: ${path}: ${problem}`);
}

/** Array field of a container; absent means empty. */
function containerArray(o: Obj, path: string, camel: string, snake?: string): unknown[] {
  const v = get(o, camel, snake);
  if (v === undefined) return [];
  if (!Array.isArray(v)) throw badRequest(path ? `${path}.${camel}` : camel, "expected an array");
  return v;
}

function parseBody(bytes: Uint8Array): Obj {
  const tooDeep = nestingPastLimit(bytes);
  if (tooDeep >= 0) {
    throw new N1Error(
      "bad_request",
      `invalid OTLP/JSON payload: nested deeper than ${MAX_JSON_DEPTH} levels at byte ${tooDeep}`,
    );
  }
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    throw new N1Error("bad_request", "invalid OTLP/JSON payload: request body is not valid UTF-8");
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    throw new N1Error("bad_request", `invalid OTLP/JSON payload: ${(err as Error).message}`);
  }
  if (!isObj(doc)) throw new N1Error("bad_request", "invalid OTLP/JSON payload: expected a JSON object");
  return doc;
}

/** Reads a KeyValue list into `bag`, keeping only known keys. Throws ShapeError on a malformed entry. */
function readAttributes(list: unknown, bag: AttrBag): void {
  if (list === undefined || list === null) return;
  if (!Array.isArray(list)) throw new ShapeError("attributes", "expected an array");
  for (let i = 0; i < list.length; i++) {
    const kv = list[i];
    if (!isObj(kv)) throw new ShapeError(`attributes[${i}]`, "expected an object");
    const key = kv.key;
    if (typeof key !== "string") throw new ShapeError(`attributes[${i}].key`, "expected a string");
    const id = keyIdOf(key);
    if (id >= 0) bag.set(id, readAnyValue(kv.value, `attributes[${i}].value`));
  }
}

function hexId(o: Obj, camel: string, snake: string, chars: number): string {
  const v = get(o, camel, snake);
  if (typeof v !== "string") throw new ShapeError(camel, `expected ${chars} hex characters`);
  const c = checkHexId(v, chars);
  if (!c.ok) throw new ShapeError(camel, c.reason);
  if (c.zero) throw new ShapeError(camel, "an all-zero id is invalid");
  return c.hex;
}

function parentId(o: Obj): string | null {
  const v = get(o, "parentSpanId", "parent_span_id");
  if (v === undefined || v === "") return null;
  if (typeof v !== "string") throw new ShapeError("parentSpanId", "expected 16 hex characters or empty");
  const c = checkHexId(v, 16);
  if (!c.ok) throw new ShapeError("parentSpanId", c.reason);
  return c.zero ? null : c.hex; // an all-zero parent means "no parent" to the senders that write it
}

const KIND_NAMES = new Map(
  ["UNSPECIFIED", "INTERNAL", "SERVER", "CLIENT", "PRODUCER", "CONSUMER"].map((n, i) => [
    `SPAN_KIND_${n}`,
    i,
  ]),
);
const STATUS_NAMES = new Map(["UNSET", "OK", "ERROR"].map((n, i) => [`STATUS_CODE_${n}`, i]));

/** Enums are integers per the OTLP spec; their proto names are accepted too, leniently. */
function enumValue(v: unknown, names: Map<string, number>, field: string): number {
  if (v === undefined) return 0;
  if (typeof v === "number" && Number.isInteger(v)) return v;
  if (typeof v === "string") {
    const n = names.get(v);
    if (n !== undefined) return n;
  }
  throw new ShapeError(field, "expected an enum integer or name");
}

/** fixed64 unix nanos, as a decimal string (proto3 JSON) or a number, to fractional ms without precision loss. */
function nanosToMs(v: unknown, field: string): number {
  if (v === undefined) return 0;
  if (typeof v === "number" && Number.isFinite(v) && v >= 0) return v / 1e6;
  if (typeof v === "string" && /^\d{1,20}$/.test(v)) {
    // Splitting at the ms digit keeps full nanosecond precision, which Number(v) would lose above 2^53.
    if (v.length <= 6) return Number(v) / 1e6;
    return Number(v.slice(0, -6)) + Number(v.slice(-6)) / 1e6;
  }
  throw new ShapeError(field, "expected unsigned 64-bit integer nanoseconds (string or number)");
}

function decodeSpan(o: unknown, bag: AttrBag, core: SpanCore, resource: Resource, scope: Scope): SpanRecord {
  if (!isObj(o)) throw new ShapeError("", "expected an object");
  core.traceId = hexId(o, "traceId", "trace_id", 32);
  core.spanId = hexId(o, "spanId", "span_id", 16);
  core.parentSpanId = parentId(o);
  const name = get(o, "name");
  if (name !== undefined && typeof name !== "string") throw new ShapeError("name", "expected a string");
  core.name = name ?? "";
  core.kind = kindFromCode(enumValue(get(o, "kind"), KIND_NAMES, "kind"));
  core.startMs = nanosToMs(get(o, "startTimeUnixNano", "start_time_unix_nano"), "startTimeUnixNano");
  core.endMs = nanosToMs(get(o, "endTimeUnixNano", "end_time_unix_nano"), "endTimeUnixNano");
  const status = get(o, "status");
  if (status !== undefined && !isObj(status)) throw new ShapeError("status", "expected an object");
  core.status = statusFromCode(status ? enumValue(get(status, "code"), STATUS_NAMES, "status.code") : 0);
  bag.clear();
  readAttributes(get(o, "attributes"), bag);
  return buildSpanRecord(core, bag.values, resource, scope);
}

function decodeResource(rs: Obj, path: string, bag: AttrBag): Resource {
  const res = get(rs, "resource");
  bag.clear();
  if (res !== undefined) {
    if (!isObj(res)) throw badRequest(`${path}.resource`, "expected an object");
    try {
      readAttributes(get(res, "attributes"), bag);
    } catch (err) {
      if (err instanceof ShapeError) throw badRequest(`${path}.resource.${err.field}`, err.problem);
      throw err;
    }
  }
  return foldResource(bag.values);
}

function decodeScope(ss: Obj, path: string): Scope {
  const scope = get(ss, "scope");
  if (scope === undefined) return foldScope("", "");
  if (!isObj(scope)) throw badRequest(`${path}.scope`, "expected an object");
  const name = get(scope, "name") ?? "";
  const version = get(scope, "version") ?? "";
  if (typeof name !== "string") throw badRequest(`${path}.scope.name`, "expected a string");
  if (typeof version !== "string") throw badRequest(`${path}.scope.version`, "expected a string");
  return foldScope(name, version);
}

/** Decodes an OTLP/JSON trace export body. Throws N1Error("bad_request") if the body is malformed. */
export function decodeJsonTraces(bytes: Uint8Array): DecodeResult {
  const doc = parseBody(bytes);
  const out = new ResultBuilder();
  const bag = new AttrBag();
  const core: SpanCore = blankSpanCore();
  const resourceSpans = containerArray(doc, "", "resourceSpans", "resource_spans");
  for (let r = 0; r < resourceSpans.length; r++) {
    const rs = resourceSpans[r];
    const rsPath = `resourceSpans[${r}]`;
    if (!isObj(rs)) throw badRequest(rsPath, "expected an object");
    const resource = decodeResource(rs, rsPath, bag);
    const scopeSpans = containerArray(rs, rsPath, "scopeSpans", "scope_spans");
    for (let s = 0; s < scopeSpans.length; s++) {
      const ss = scopeSpans[s];
      const ssPath = `${rsPath}.scopeSpans[${s}]`;
      if (!isObj(ss)) throw badRequest(ssPath, "expected an object");
      const scope = decodeScope(ss, ssPath);
      const spans = containerArray(ss, ssPath, "spans");
      for (let i = 0; i < spans.length; i++) {
        try {
          out.spans.push(decodeSpan(spans[i], bag, core, resource, scope));
        } catch (err) {
          if (!(err instanceof ShapeError)) throw err;
          out.reject(r, s, i, err.field, err.problem);
        }
      }
    }
  }
  return out.result();
}
