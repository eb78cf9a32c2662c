// What the Collector test sends: the recorded corpus replayed as it was exported, and traces made by the real
// OpenTelemetry Node SDK (BatchSpanProcessor with the OTLP/HTTP protobuf and gRPC exporters).
import { createHash } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { context, SpanKind, SpanStatusCode, trace } from "@opentelemetry/api";
import { OTLPTraceExporter as GrpcExporter } from "@opentelemetry/exporter-trace-otlp-grpc";
import { OTLPTraceExporter as ProtoExporter } from "@opentelemetry/exporter-trace-otlp-proto";
import { resourceFromAttributes } from "@opentelemetry/resources";
import { BasicTracerProvider, BatchSpanProcessor } from "@opentelemetry/sdk-trace-base";

const CORPUS = new URL("../../packages/detector/corpus/", import.meta.url).pathname;

/**
 * Every export request of the corpus (OTLP/JSON, one per line), with trace ids rewritten through `salt` so each run
 * sends traces no receiver has seen, and ids of different ORMs' recordings never meet. Returns the bodies, the
 * span count and the number of labeled positive traces.
 */
export function corpusRequests(salt) {
  const remap = (id) => createHash("sha256").update(`${salt}:${id}`).digest("hex").slice(0, 32);
  const bodies = [];
  let spans = 0;
  let positives = 0;
  const orms = readdirSync(CORPUS, { withFileTypes: true }).filter(
    (d) => d.isDirectory() && d.name !== "generators",
  );
  for (const { name: orm } of orms) {
    const labels = JSON.parse(readFileSync(join(CORPUS, orm, "labels.json"), "utf8"));
    positives += labels.traces.filter((t) => t.expected.length > 0).length;
    for (const file of new Set(labels.traces.map((t) => t.file))) {
      for (const line of readFileSync(join(CORPUS, orm, file), "utf8")
        .split("\n")
        .filter(Boolean)) {
        const request = JSON.parse(line);
        for (const rs of request.resourceSpans ?? [])
          for (const ss of rs.scopeSpans ?? [])
            for (const s of ss.spans ?? []) {
              s.traceId = remap(`${orm}/${s.traceId}`);
              spans++;
            }
        bodies.push(Buffer.from(JSON.stringify(request)));
      }
    }
  }
  return { bodies, spans, positives };
}

/** POSTs OTLP/JSON bodies one after another, as an exporter would; throws on any refusal. */
export async function postJson(url, bodies) {
  for (const body of bodies) {
    const res = await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body });
    if (!res.ok) throw new Error(`${url}: ${res.status} ${await res.text()}`);
  }
}

/**
 * Traces from the real Node SDK: `count` requests of a blog service, every other one an N+1 (one authors query per
 * post, 8 posts), the rest one IN query. Exported by a BatchSpanProcessor over `protocol` ("http/protobuf" to
 * `<endpoint>/v1/traces`, or "grpc" to `endpoint`). Returns the spans made and the N+1 traces among them.
 */
export async function sendWithNodeSdk(endpoint, protocol, count) {
  const exporter =
    protocol === "grpc"
      ? new GrpcExporter({ url: endpoint })
      : new ProtoExporter({ url: `${endpoint}/v1/traces` });
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ "service.name": `node-sdk-${protocol}` }),
    spanProcessors: [new BatchSpanProcessor(exporter, { maxExportBatchSize: 64, scheduledDelayMillis: 50 })],
  });
  const tracer = provider.getTracer("n1radar-collector-test");
  let spans = 0;
  let positives = 0;
  const query = (parent, sql) => {
    const span = tracer.startSpan(
      "SELECT blog",
      {
        kind: SpanKind.CLIENT,
        attributes: { "db.system.name": "postgresql", "db.namespace": "blog", "db.query.text": sql },
      },
      parent,
    );
    span.setStatus({ code: SpanStatusCode.OK });
    span.end();
    spans++;
  };
  for (let i = 0; i < count; i++) {
    const root = tracer.startSpan("GET /posts", {
      kind: SpanKind.SERVER,
      attributes: { "http.request.method": "GET", "http.route": "/posts" },
    });
    const ctx = trace.setSpan(context.active(), root);
    query(ctx, "SELECT id, author_id, title FROM posts ORDER BY id LIMIT 8");
    if (i % 2 === 0) {
      positives++;
      for (let k = 1; k <= 8; k++) query(ctx, `SELECT id, name FROM authors WHERE id = ${k}`);
    } else {
      query(ctx, "SELECT id, name FROM authors WHERE id IN (1, 2, 3, 4, 5, 6, 7, 8)");
    }
    root.end();
    spans++;
  }
  await provider.forceFlush();
  await provider.shutdown();
  return { spans, positives };
}
