/**
 * Operability: /api/ready (200 while this replica should get traffic, 503 with the reasons while it should not)
 * and the /metrics figures an operator watches (store write latency, the open-trace wait).
 */

import { ReadinessSchema } from "@n1radar/core/schemas";
import { openStore } from "@n1radar/db";
import { afterAll, beforeAll, expect, it } from "vitest";
import { Metrics } from "./metrics.js";
import { IngestQueue } from "./processors/ingest-queue.js";
import { readiness } from "./readiness.js";
import { createIngestKeyCheck } from "./receivers/ingest-keys.js";
import { Receiver } from "./receivers/receiver.js";
import { apiJson } from "./testing/api.js";
import { jsonOf, nPlusOneSpans } from "./testing/payloads.js";
import { eventually, startTestServer, type TestServer } from "./testing/server.js";

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

it("answers 200 when ready, and 503 naming the reason once the service is stopping", async () => {
  const ready = await fetch(`${server.apiUrl}/api/ready`);
  expect(await apiJson(ready, ReadinessSchema)).toEqual({ status: "ready" });
  server.app.receiver.stopping = true;
  const stopping = await server.app.api.request("/api/ready");
  expect(await apiJson(stopping, ReadinessSchema, 503)).toEqual({
    status: "not_ready",
    problems: ["shutting down"],
  });
  server.app.receiver.stopping = false;
});

it("is not ready while the ingest queue is full or the database does not answer", async () => {
  const store = await openStore(":memory:");
  const queue = new IngestQueue(() => {}, { maxSpans: 2, schedule: () => {} }); // never drains
  const receiver = new Receiver({
    queue,
    metrics: new Metrics(),
    retryAfterSeconds: 1,
    keys: createIngestKeyCheck({ keys: [], header: "authorization" }),
  });
  expect(await readiness(store, queue, receiver)).toEqual([]);
  queue.offer([{} as never, {} as never]);
  await store.close();
  const problems = await readiness(store, queue, receiver);
  expect(problems[0]).toBe("ingest queue full (2 of 2 spans)");
  expect(problems[1]).toMatch(/^database unreachable: /);
});

it("exports the store's write latency and how long the quietest open trace has waited", async () => {
  const post = (spans: ReturnType<typeof nPlusOneSpans>) =>
    fetch(`${server.otlpUrl}/v1/traces`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: jsonOf(spans),
    });
  await post(nPlusOneSpans({ route: "/written" }));
  // Queries whose request span never comes: their trace waits (200 ms on the test server) and is judged alone.
  await post(nPlusOneSpans({ route: "/waiting" }).filter((s) => s.parentSpanContext !== undefined));
  const quiet = Number(/^n1radar_open_trace_quiet_seconds (\S+)$/m.exec(server.app.metrics.render())?.[1]);
  expect(quiet).toBeGreaterThanOrEqual(0);
  expect(quiet).toBeLessThan(0.2);
  const text = await eventually(async () => {
    const body = await (await fetch(`${server.apiUrl}/metrics`)).text();
    return /^n1radar_store_write_seconds_count [1-9]/m.test(body) ? body : undefined;
  });
  expect(text).toMatch(/^# TYPE n1radar_store_write_seconds histogram$/m);
  expect(text).toMatch(/^n1radar_store_write_seconds_bucket\{le="\+Inf"\} [1-9]/m);
  await eventually(async () =>
    /^n1radar_open_trace_quiet_seconds 0$/m.test(server.app.metrics.render()) ? true : undefined,
  );
});
