/**
 * Test-only: builds real OTLP payloads with the OpenTelemetry JS SDK's own serializers, so the decoders are
 * checked against the encoding senders actually produce. Excluded from the build (tsconfig.build.json).
 */
import { type Attributes, type HrTime, SpanKind, SpanStatusCode } from "@opentelemetry/api";
import { JsonTraceSerializer, ProtobufTraceSerializer } from "@opentelemetry/otlp-transformer";
import { type Resource, resourceFromAttributes } from "@opentelemetry/resources";
import type { ReadableSpan } from "@opentelemetry/sdk-trace";

export { SpanKind, SpanStatusCode };

export const TRACE_ID = "0af7651916cd43dd8448eb211c80319c";
export const ROOT_ID = "b7ad6b7169203331";
export const START_MS = 1_700_000_000_123.456;

export interface SpanSpec {
  traceId?: string;
  spanId?: string;
  parentSpanId?: string;
  name?: string;
  kind?: SpanKind;
  startMs?: number;
  durationMs?: number;
  attributes?: Attributes;
  status?: SpanStatusCode;
  resource?: Resource;
  scope?: { name: string; version?: string };
}

export const defaultResource = resourceFromAttributes({
  "service.name": "shop",
  "telemetry.sdk.language": "nodejs",
  "deployment.environment.name": "staging",
});

/** Milliseconds (fractional) to HrTime, exact to the microsecond. */
export function hrTime(ms: number): HrTime {
  const micros = Math.round(ms * 1000);
  return [Math.floor(micros / 1e6), (micros % 1e6) * 1000];
}

export function makeSpan(spec: SpanSpec = {}): ReadableSpan {
  const start = spec.startMs ?? START_MS;
  const end = start + (spec.durationMs ?? 1.5);
  const ctx = { traceId: spec.traceId ?? TRACE_ID, spanId: spec.spanId ?? "00f067aa0ba902b7", traceFlags: 1 };
  return {
    name: spec.name ?? "SELECT users",
    kind: spec.kind ?? SpanKind.CLIENT,
    spanContext: () => ctx,
    parentSpanContext:
      spec.parentSpanId === undefined
        ? undefined
        : { traceId: ctx.traceId, spanId: spec.parentSpanId, traceFlags: 1 },
    startTime: hrTime(start),
    endTime: hrTime(end),
    status: { code: spec.status ?? SpanStatusCode.UNSET },
    attributes: spec.attributes ?? {},
    links: [],
    events: [],
    duration: hrTime(end - start),
    ended: true,
    resource: spec.resource ?? defaultResource,
    instrumentationScope: spec.scope ?? { name: "@opentelemetry/instrumentation-pg", version: "0.50.0" },
    droppedAttributesCount: 0,
    droppedEventsCount: 0,
    droppedLinksCount: 0,
  };
}

export function protobufOf(spans: ReadableSpan[]): Uint8Array {
  const bytes = ProtobufTraceSerializer.serializeRequest(spans);
  if (bytes === undefined) throw new Error("serializer returned nothing");
  return bytes;
}

export function jsonOf(spans: ReadableSpan[]): Uint8Array {
  const bytes = JsonTraceSerializer.serializeRequest(spans);
  if (bytes === undefined) throw new Error("serializer returned nothing");
  return bytes;
}

/** A typical ORM N+1: one server span, then `n` identical SELECTs under it. */
export function nPlusOneBatch(n: number): ReadableSpan[] {
  const spans = [
    makeSpan({
      spanId: ROOT_ID,
      name: "GET /posts",
      kind: SpanKind.SERVER,
      durationMs: 40,
      attributes: { "http.request.method": "GET", "http.route": "/posts", "http.response.status_code": 200 },
      scope: { name: "@opentelemetry/instrumentation-http", version: "0.200.0" },
    }),
  ];
  for (let i = 0; i < n; i++) {
    spans.push(
      makeSpan({
        spanId: (0x1000 + i).toString(16).padStart(16, "0"),
        parentSpanId: ROOT_ID,
        startMs: START_MS + 1 + i * 0.25,
        durationMs: 0.2,
        attributes: {
          "db.system.name": "postgresql",
          "db.namespace": "shop",
          "db.query.text": "SELECT * FROM authors WHERE id = $1",
          "db.operation.name": "SELECT",
          "db.collection.name": "authors",
          "server.address": "localhost",
          "server.port": 5432,
          "network.peer.address": "127.0.0.1",
        },
      }),
    );
  }
  return spans;
}
