/** Test-only: N+1 traffic through the real OpenTelemetry JS SDK and its OTLP/HTTP exporter. */
import { context, SpanKind, trace } from "@opentelemetry/api";
import { OTLPTraceExporter } from "@opentelemetry/exporter-trace-otlp-http";
import { resourceFromAttributes } from "@opentelemetry/resources";
import { BasicTracerProvider, BatchSpanProcessor } from "@opentelemetry/sdk-trace-base";

export interface Traffic {
  /** One GET request to `route` whose handler runs `queries`, each a database span under the request span. */
  send(route: string, queries: readonly string[]): void;
  /** One request to `route` running the posts query and `repeats` author lookups (an N+1 when >= 5). */
  request(route: string, repeats: number, table?: string): void;
  flush(): Promise<void>;
  shutdown(): Promise<void>;
}

export function startTraffic(otlpUrl: string, service = "blog-api", environment = "production"): Traffic {
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({
      "service.name": service,
      "telemetry.sdk.language": "nodejs",
      "deployment.environment.name": environment,
    }),
    // Batched, as applications export: one request per flush rather than one per span.
    spanProcessors: [
      new BatchSpanProcessor(new OTLPTraceExporter({ url: `${otlpUrl}/v1/traces` }), {
        scheduledDelayMillis: 50,
      }),
    ],
  });
  const tracer = provider.getTracer("alerts-test");
  const send = (route: string, queries: readonly string[]) => {
    const root = tracer.startSpan(`GET ${route}`, {
      kind: SpanKind.SERVER,
      attributes: { "http.request.method": "GET", "http.route": route },
    });
    const ctx = trace.setSpan(context.active(), root);
    for (const sql of queries) {
      tracer
        .startSpan(
          "SELECT",
          { kind: SpanKind.CLIENT, attributes: { "db.system.name": "sqlite", "db.query.text": sql } },
          ctx,
        )
        .end();
    }
    root.end();
  };
  return {
    send,
    request(route, repeats, table = "authors") {
      send(route, [
        "SELECT id, title, author_id FROM posts",
        ...Array.from({ length: repeats }, (_, i) => `SELECT id, name FROM ${table} WHERE id = ${i + 1}`),
      ]);
    },
    flush: () => provider.forceFlush(),
    shutdown: () => provider.shutdown(),
  };
}
