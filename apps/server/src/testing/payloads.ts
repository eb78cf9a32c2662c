/**
 * Test-only OTLP payloads. N+1 requests are recorded with the real OpenTelemetry JS SDK and encoded by its own
 * serializers, so receivers are tested on exactly what exporters send; `jsonRequest` builds spec-shaped
 * OTLP/JSON by hand for edge cases the SDK never produces.
 */
import { randomBytes } from "node:crypto";
import { context, SpanKind, trace } from "@opentelemetry/api";
import { JsonTraceSerializer, ProtobufTraceSerializer } from "@opentelemetry/otlp-transformer";
import { resourceFromAttributes } from "@opentelemetry/resources";
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  type ReadableSpan,
  SimpleSpanProcessor,
} from "@opentelemetry/sdk-trace-base";

export interface RequestSpec {
  service?: string;
  route?: string;
  /** Lookups repeated once per row: 8 by default, enough for an N+1 at default settings. */
  repeats?: number;
}

/** The spans of one request with an N+1: a source query, then one lookup per row. */
export function nPlusOneSpans(spec: RequestSpec = {}): ReadableSpan[] {
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({
      "service.name": spec.service ?? "shop",
      "telemetry.sdk.language": "nodejs",
    }),
    spanProcessors: [new SimpleSpanProcessor(exporter)],
  });
  const tracer = provider.getTracer("test-payloads", "1.0.0");
  const route = spec.route ?? "/orders";
  const root = tracer.startSpan(`GET ${route}`, {
    kind: SpanKind.SERVER,
    attributes: { "http.request.method": "GET", "http.route": route },
  });
  const ctx = trace.setSpan(context.active(), root);
  const query = (sql: string) =>
    tracer
      .startSpan(
        "SELECT",
        { kind: SpanKind.CLIENT, attributes: { "db.system": "postgresql", "db.statement": sql } },
        ctx,
      )
      .end();
  query("SELECT id, customer_id FROM orders");
  for (let i = 0; i < (spec.repeats ?? 8); i++) query(`SELECT id, name FROM customers WHERE id = ${i + 1}`);
  root.end();
  return exporter.getFinishedSpans();
}

export const protobufOf = (spans: ReadableSpan[]): Uint8Array =>
  ProtobufTraceSerializer.serializeRequest(spans)!;
export const jsonOf = (spans: ReadableSpan[]): Uint8Array => JsonTraceSerializer.serializeRequest(spans)!;

export const hexId = (bytes: number) => randomBytes(bytes).toString("hex");

/** One OTLP/JSON span, valid unless overridden. */
export function jsonSpan(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    traceId: hexId(16),
    spanId: hexId(8),
    name: "GET /x",
    kind: 2,
    startTimeUnixNano: "1700000000000000000",
    endTimeUnixNano: "1700000000005000000",
    ...overrides,
  };
}

/** An ExportTraceServiceRequest in OTLP/JSON holding `spans` under one resource and scope. */
export function jsonRequest(spans: unknown[], resource: unknown = { attributes: [] }): string {
  return JSON.stringify({ resourceSpans: [{ resource, scopeSpans: [{ scope: { name: "t" }, spans }] }] });
}

/** Fields of a protobuf message as [field number, varint or bytes]; enough to read Status and its details. */
function fields(bytes: Uint8Array): [number, number | Uint8Array][] {
  const out: [number, number | Uint8Array][] = [];
  let pos = 0;
  const varint = () => {
    let v = 0;
    for (let shift = 0; ; shift += 7) {
      const b = bytes[pos++]!;
      v += (b & 0x7f) * 2 ** shift;
      if (b < 0x80) return v;
    }
  };
  while (pos < bytes.length) {
    const tag = varint();
    if ((tag & 7) === 0) out.push([tag >>> 3, varint()]);
    else if ((tag & 7) === 2) {
      const n = varint();
      out.push([tag >>> 3, bytes.subarray(pos, pos + n)]);
      pos += n;
    } else throw new Error(`unexpected wire type in tag ${tag}`);
  }
  return out;
}

export interface DecodedStatus {
  code: number;
  message: string;
  /** Detail type names (after type.googleapis.com/) and, for RetryInfo, the delay. */
  details: { type: string; retryDelayMs?: number }[];
}

/** Reads a protobuf google.rpc.Status (an OTLP/HTTP failure body or a grpc-status-details-bin trailer). */
export function readStatus(bytes: Uint8Array): DecodedStatus {
  const text = (v: number | Uint8Array) => new TextDecoder().decode(v as Uint8Array);
  const status: DecodedStatus = { code: 0, message: "", details: [] };
  for (const [field, value] of fields(bytes)) {
    if (field === 1) status.code = value as number;
    if (field === 2) status.message = text(value);
    if (field !== 3) continue;
    const any = new Map(fields(value as Uint8Array));
    const type = text(any.get(1)!).replace("type.googleapis.com/", "");
    if (type !== "google.rpc.RetryInfo") {
      status.details.push({ type });
      continue;
    }
    const duration = new Map(fields(new Map(fields(any.get(2) as Uint8Array)).get(1) as Uint8Array));
    const ms = ((duration.get(1) as number) ?? 0) * 1000 + ((duration.get(2) as number) ?? 0) / 1e6;
    status.details.push({ type, retryDelayMs: ms });
  }
  return status;
}
