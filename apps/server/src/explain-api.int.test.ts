/**
 * GET /api/findings/:id/explain against the real server: a request with an N+1, a short loop and a pagination
 * loop goes in through the OpenTelemetry SDK's OTLP/HTTP exporter, and the stored sample is judged again with the
 * server's live settings (its thresholds, and an ignore rule created afterwards from the API).
 */

import type { GroupExplanation } from "@n1radar/core";
import { ExplanationAnswerSchema, IgnoreAnswerSchema, OffenderPageSchema } from "@n1radar/core/schemas";
import { context, SpanKind, trace } from "@opentelemetry/api";
import { OTLPTraceExporter } from "@opentelemetry/exporter-trace-otlp-http";
import { resourceFromAttributes } from "@opentelemetry/resources";
import { BasicTracerProvider, SimpleSpanProcessor } from "@opentelemetry/sdk-trace-base";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { apiError, apiJson } from "./testing/api.js";
import { eventually, startTestServer, type TestServer } from "./testing/server.js";

let server: TestServer;
let provider: BasicTracerProvider;

beforeAll(async () => {
  server = await startTestServer();
  provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ "service.name": "shop", "telemetry.sdk.language": "python" }),
    spanProcessors: [new SimpleSpanProcessor(new OTLPTraceExporter({ url: `${server.otlpUrl}/v1/traces` }))],
  });
}, 30_000);

afterAll(async () => {
  await provider?.shutdown();
  await server?.close();
});

/** GET /orders: the orders paged 6 times, each customer looked up (7), the first 3 orders' tags. */
async function sendOrdersRequest(): Promise<void> {
  const tracer = provider.getTracer("opentelemetry.instrumentation.sqlalchemy");
  const start = Date.now() - 1_000;
  const root = tracer.startSpan("GET /orders", {
    kind: SpanKind.SERVER,
    startTime: start,
    attributes: { "http.request.method": "GET", "http.route": "/orders" },
  });
  const ctx = trace.setSpan(context.active(), root);
  let t = start + 1;
  const query = (sql: string, ms = 2) => {
    const span = tracer.startSpan(
      "SELECT",
      {
        kind: SpanKind.CLIENT,
        startTime: t,
        attributes: { "db.system.name": "postgresql", "db.query.text": sql },
      },
      ctx,
    );
    t += ms;
    span.end(t);
    t += 0.5;
  };
  for (let page = 0; page < 6; page++)
    query(`SELECT id, customer_id FROM orders ORDER BY id LIMIT 50 OFFSET ${page * 50}`);
  for (let i = 1; i <= 7; i++) query(`SELECT id, name FROM customers WHERE id = ${i}`, 3);
  for (let i = 1; i <= 3; i++) query(`SELECT name FROM tags WHERE order_id = ${i}`);
  root.end(t + 1);
  await provider.forceFlush();
}

const get = (path: string) => fetch(`${server.apiUrl}${path}`);
const explain = async (id: string) =>
  (await apiJson(await get(`/api/findings/${id}/explain`), ExplanationAnswerSchema)).explanation;

describe("GET /api/findings/:id/explain", () => {
  it("names the rule for each group of the sampled request, with the server's live settings", async () => {
    await sendOrdersRequest();
    const id = await eventually(
      async () => (await apiJson(await get("/api/findings"), OffenderPageSchema)).findings[0]?.id,
    );
    const explanation = await explain(id);
    expect(explanation).toMatchObject({
      service: "shop",
      endpoint: "GET /orders",
      complete: true,
      spans: 17,
    });
    expect(explanation.maxSampleSpans).toBe(200);
    const rows = explanation.groups.map((g) => [g.statement, g.verdict, g.calls]);
    expect(rows).toEqual([
      ["SELECT id, name FROM customers WHERE id = ?", "reported", 7],
      ["SELECT id, customer_id FROM orders ORDER BY id LIMIT ? OFFSET ?", "pagination", 6],
      ["SELECT name FROM tags WHERE order_id = ?", "below_min_repeats", 3],
    ]);
    const [reported, , short] = explanation.groups as [GroupExplanation, GroupExplanation, GroupExplanation];
    expect(reported.reason).toBe("7 calls under one parent >= minRepeats 5: reported as n_plus_one");
    expect(reported.wastedMs).toBeGreaterThan(0);
    expect(short.change).toBe("set minRepeats (N1_MIN_REPEATS) to 3 to report it");

    // An ignore rule made from the dashboard now decides the reported group: the answer follows live rules.
    const ignored = await fetch(`${server.apiUrl}/api/findings/${id}/ignore`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ scope: "statement", reason: "admin page" }),
    });
    expect((await apiJson(ignored, IgnoreAnswerSchema)).finding.status).toBe("ignored");
    const after = (await explain(id)).groups[0];
    expect(after?.verdict).toBe("ignored");
    expect(after?.reason).toContain('statement="SELECT id, name FROM customers WHERE id = ?"');
  }, 30_000);

  it("answers 404 for an unknown finding", async () => {
    expect((await apiError(await get("/api/findings/nope/explain"), 404)).error.code).toBe("not_found");
  });
});
