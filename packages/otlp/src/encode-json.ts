/**
 * SpanRecords back to OTLP/JSON (an ExportTraceServiceRequest), for files that `n1radar analyze` reads again:
 * `n1radar ci --save` keeps what a test run sent, whatever protocol the SDK used. Only what a SpanRecord holds is
 * written, in the stable semantic conventions, so decoding the file gives the same records and the same findings.
 */
import type { Resource, Scope, SpanRecord, UnitOfWork } from "@n1radar/core";

type AnyValue = { stringValue: string } | { intValue: string } | { boolValue: boolean };
interface KeyValue {
  key: string;
  value: AnyValue;
}

const STATUS_CODE = { unset: 0, ok: 1, error: 2 } as const;

/**
 * Fractional ms to unsigned nanoseconds as a decimal string, split at the ms digit like the decoder. Rounded to
 * the microsecond: a double holding epoch milliseconds carries no more than that.
 */
export function msToNanos(ms: number): string {
  let whole = Math.floor(ms);
  let sub = Math.round((ms - whole) * 1e3) * 1e3;
  if (sub >= 1e6) {
    whole += 1;
    sub -= 1e6;
  }
  return whole === 0 ? String(sub) : `${whole}${String(sub).padStart(6, "0")}`;
}

function attrs(entries: [string, string | number | boolean | null | undefined][]): KeyValue[] {
  const out: KeyValue[] = [];
  for (const [key, v] of entries) {
    if (v === null || v === undefined) continue;
    const value: AnyValue =
      typeof v === "boolean"
        ? { boolValue: v }
        : typeof v === "number"
          ? { intValue: String(Math.trunc(v)) }
          : { stringValue: v };
    out.push({ key, value });
  }
  return out;
}

/**
 * The unit of work as the attributes that name it (unit-of-work.ts reads them back): a GraphQL operation as
 * its type and name, or as a document when it has no name (`query { posts }`); an RPC method as system and
 * qualified method; a consumer as system, operation and destination.
 */
function unitAttributes(unit: UnitOfWork | null): [string, string][] {
  if (unit === null) return [];
  const [first = "", ...rest] = unit.name.split(" ");
  const tail = rest.join(" ");
  if (unit.kind === "graphql") {
    const named = /^(query|mutation|subscription) ([_A-Za-z][_0-9A-Za-z]*)$/.exec(unit.name);
    if (named)
      return [
        ["graphql.operation.type", named[1] as string],
        ["graphql.operation.name", named[2] as string],
      ];
    return [
      ["graphql.operation.type", first],
      ["graphql.document", unit.name],
    ];
  }
  if (unit.kind === "rpc")
    return [
      ["rpc.system", first],
      ["rpc.method", tail],
    ];
  const [operation = "process", ...destination] = rest;
  return [
    ["messaging.system", first],
    ["messaging.operation.type", operation],
    ["messaging.destination.name", destination.join(" ")],
  ];
}

function spanAttributes(span: SpanRecord): KeyValue[] {
  const { db, http, code } = span;
  return attrs([
    ...unitAttributes(span.unit),
    ["db.system.name", db?.system],
    ["db.query.text", db?.statement],
    ["db.operation.name", db?.operation],
    ["db.collection.name", db?.collection],
    ["db.namespace", db?.namespace],
    ["db.query.summary", db?.summary],
    ["http.request.method", http?.method],
    ["http.route", http?.route],
    ["url.path", http?.path],
    ["http.response.status_code", http?.statusCode],
    ["code.function.name", code?.function],
    ["code.file.path", code?.file],
    ["code.line.number", code?.line],
    ["cache.hit", span.cached ? true : null],
    ["n1radar.intended_loop", span.intent ? (span.intent.maxRepeats ?? true) : null],
    ["n1radar.intended_loop.reason", span.intent?.reason],
  ]);
}

function resourceAttributes(resource: Resource): KeyValue[] {
  return attrs([
    ["service.name", resource.serviceName],
    ["telemetry.sdk.language", resource.sdkLanguage],
    ["deployment.environment.name", resource.environment],
  ]);
}

const keyOf = (o: object) => JSON.stringify(o);

/** One request holding `spans`, grouped by resource and scope as an SDK batches them. */
export function encodeJsonTraces(spans: readonly SpanRecord[]): object {
  const resources = new Map<
    string,
    { resource: Resource; scopes: Map<string, { scope: Scope; spans: object[] }> }
  >();
  for (const span of spans) {
    const rKey = keyOf(span.resource);
    let r = resources.get(rKey);
    if (!r) {
      r = { resource: span.resource, scopes: new Map() };
      resources.set(rKey, r);
    }
    const sKey = keyOf(span.scope);
    let s = r.scopes.get(sKey);
    if (!s) {
      s = { scope: span.scope, spans: [] };
      r.scopes.set(sKey, s);
    }
    s.spans.push({
      traceId: span.traceId,
      spanId: span.spanId,
      ...(span.parentSpanId ? { parentSpanId: span.parentSpanId } : {}),
      name: span.name,
      kind: span.kind,
      startTimeUnixNano: msToNanos(span.startMs),
      endTimeUnixNano: msToNanos(span.endMs),
      attributes: spanAttributes(span),
      status: { code: STATUS_CODE[span.status] },
    });
  }
  return {
    resourceSpans: [...resources.values()].map((r) => ({
      resource: { attributes: resourceAttributes(r.resource) },
      scopeSpans: [...r.scopes.values()].map((s) => ({
        scope: { name: s.scope.name, ...(s.scope.version ? { version: s.scope.version } : {}) },
        spans: s.spans,
      })),
    })),
  };
}
