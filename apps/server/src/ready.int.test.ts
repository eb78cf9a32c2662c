/** /api/ready: 200 while this replica should get traffic, 503 with the reasons while it should not. */
import { openStore } from "@n1radar/db";
import { afterAll, beforeAll, expect, it } from "vitest";
import { readiness } from "./app.js";
import { createIngestKeyCheck } from "./ingest-keys.js";
import { IngestQueue } from "./ingest-queue.js";
import { Metrics } from "./metrics.js";
import { Receiver } from "./receiver.js";
import { startTestServer, type TestServer } from "./test-server.js";

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

it("answers 200 when ready, and 503 naming the reason once the service is stopping", async () => {
  const ready = await fetch(`${server.apiUrl}/api/ready`);
  expect(ready.status).toBe(200);
  expect(await ready.json()).toEqual({ status: "ready" });
  server.app.receiver.stopping = true;
  const stopping = await server.app.api.request("/api/ready");
  expect(stopping.status).toBe(503);
  expect(await stopping.json()).toEqual({ status: "not_ready", problems: ["shutting down"] });
  server.app.receiver.stopping = false;
});

it("is not ready while the ingest queue is full or the database does not answer", () => {
  const store = openStore(":memory:");
  const queue = new IngestQueue(() => {}, { maxSpans: 2, schedule: () => {} }); // never drains
  const receiver = new Receiver({
    queue,
    metrics: new Metrics(),
    retryAfterSeconds: 1,
    keys: createIngestKeyCheck({ keys: [], header: "authorization" }),
  });
  expect(readiness(store.db, queue, receiver)).toEqual([]);
  queue.offer([{} as never, {} as never]);
  store.close();
  const problems = readiness(store.db, queue, receiver);
  expect(problems[0]).toBe("ingest queue full (2 of 2 spans)");
  expect(problems[1]).toMatch(/^database unreachable: /);
});
