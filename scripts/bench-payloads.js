// Builds realistic OTLP payloads with the real OpenTelemetry JS SDK and its own serializers, so the benchmark
// decodes exactly what exporters send.
import { context, SpanKind, trace } from "@opentelemetry/api";
import { JsonTraceSerializer, ProtobufTraceSerializer } from "@opentelemetry/otlp-transformer";
import { resourceFromAttributes } from "@opentelemetry/resources";
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from "@opentelemetry/sdk-trace-base";

/** One request: server span, source query, `repeats` lookups, a few other queries. */
function request(tracer, repeats, route = "/posts") {
  const root = tracer.startSpan(`GET ${route}`, {
    kind: SpanKind.SERVER,
    attributes: {
      "http.request.method": "GET",
      "http.route": route,
      "url.path": route,
      "http.response.status_code": 200,
    },
  });
  const ctx = trace.setSpan(context.active(), root);
  const db = (sql) =>
    tracer
      .startSpan(
        "SELECT blog",
        {
          kind: SpanKind.CLIENT,
          attributes: {
            "db.system.name": "postgresql",
            "db.namespace": "blog",
            "db.query.text": sql,
            "server.address": "db",
            "server.port": 5432,
          },
        },
        ctx,
      )
      .end();
  db(
    "SELECT posts.id AS posts_id, posts.title AS posts_title, posts.author_id AS posts_author_id FROM posts ORDER BY posts.id LIMIT 50",
  );
  for (let i = 0; i < repeats; i++)
    db(
      `SELECT authors.id AS authors_id, authors.name AS authors_name FROM authors WHERE authors.id = ${i + 1}`,
    );
  for (const t of ["tags", "settings", "menus"]) db(`SELECT * FROM ${t} WHERE site_id = 1`);
  root.end();
}

/**
 * Returns `count` distinct payloads of `tracesPerPayload` traces each, in protobuf and JSON, plus the span count
 * of one payload.
 */
export function buildPayloads({ count, tracesPerPayload, repeats }) {
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ "service.name": "bench-api", "telemetry.sdk.language": "python" }),
    spanProcessors: [new SimpleSpanProcessor(exporter)],
  });
  const tracer = provider.getTracer("opentelemetry.instrumentation.sqlalchemy", "0.50b0");
  const protobuf = [];
  const json = [];
  let spansPerPayload = 0;
  for (let p = 0; p < count; p++) {
    exporter.reset();
    for (let t = 0; t < tracesPerPayload; t++) request(tracer, repeats);
    const spans = exporter.getFinishedSpans();
    spansPerPayload = spans.length;
    protobuf.push(ProtobufTraceSerializer.serializeRequest(spans));
    json.push(JsonTraceSerializer.serializeRequest(spans));
  }
  return { protobuf, json, spansPerPayload };
}

/**
 * One request body of `traces` requests' queries without their request spans, and one of the request spans
 * alone: what an SDK sends when its batch closes between a request's queries and its request span.
 */
export function buildSplitPayload({ traces, repeats, route = "/posts" }) {
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ "service.name": "bench-api", "telemetry.sdk.language": "python" }),
    spanProcessors: [new SimpleSpanProcessor(exporter)],
  });
  const tracer = provider.getTracer("opentelemetry.instrumentation.sqlalchemy", "0.50b0");
  for (let t = 0; t < traces; t++) request(tracer, repeats, route);
  const spans = exporter.getFinishedSpans();
  const isRoot = (s) => !s.parentSpanContext;
  return {
    children: ProtobufTraceSerializer.serializeRequest(spans.filter((s) => !isRoot(s))),
    roots: ProtobufTraceSerializer.serializeRequest(spans.filter(isRoot)),
    whole: ProtobufTraceSerializer.serializeRequest(spans),
    childSpans: spans.filter((s) => !isRoot(s)).length,
    traceIds: spans.filter(isRoot).map((s) => s.spanContext().traceId),
  };
}
