/**
 * End to end with the real OpenTelemetry JS SDK and its OTLP/HTTP exporter: one request with an N+1 and one
 * without go in over HTTP; the first comes out of /api/findings, the second does not.
 */

import type { IngestReport } from "@n1radar/core";
import { FindingAnswerSchema, HealthSchema, IngestReportSchema } from "@n1radar/core/schemas";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { apiError, apiJson, getFindings } from "./testing/api.js";
import { eventually, startTestServer, type TestServer } from "./testing/server.js";
import { startTraffic, type Traffic } from "./testing/traffic.js";

let server: TestServer;
let traffic: Traffic;
/** What GET /api/ingest said before anything was sent, read before any test runs. */
let atStart: IngestReport;

const ingest = async () => apiJson(await fetch(`${server.apiUrl}/api/ingest`), IngestReportSchema);

beforeAll(async () => {
  server = await startTestServer();
  atStart = await ingest();
  traffic = startTraffic(server.otlpUrl);
});

afterAll(async () => {
  await traffic.shutdown();
  await server.close();
});

describe("n1radar end to end", () => {
  it("says what has arrived per service before any N+1 (GET /api/ingest)", async () => {
    expect(atStart.services).toEqual([]);
    expect(atStart.spans).toBe(0);
    expect(Date.parse(atStart.since)).toBeLessThanOrEqual(Date.now());
    // Counted from this test's own start, so it holds whatever the other tests sent before it.
    const before = await ingest();
    const blogSpans = (report: IngestReport) =>
      report.services.find((s) => s.service === "blog-api")?.spans ?? 0;
    traffic.send("/health", ["SELECT 1"]);
    await traffic.flush();
    const after = await eventually(async () => {
      const body = await ingest();
      return body.spans >= before.spans + 2 ? body : undefined;
    });
    expect(after.spans - before.spans).toBe(2);
    expect(after.dbSpans - before.dbSpans).toBe(1);
    expect(blogSpans(after) - blogSpans(before)).toBe(2);
    const blog = after.services.find((s) => s.service === "blog-api");
    expect(Date.now() - Date.parse(blog?.lastSeen ?? "")).toBeLessThan(60_000);
  });

  it("reports the N+1 sent by the real OTLP exporter, and not the clean request", async () => {
    traffic.send("/posts", [
      "SELECT id, title, author_id FROM posts",
      ...Array.from({ length: 8 }, (_, i) => `SELECT id, name FROM authors WHERE id = ${i + 1}`),
    ]);
    traffic.send("/about", ["SELECT id FROM pages WHERE slug = 'about'", "SELECT count(*) FROM posts"]);
    await traffic.flush();

    const findings = await eventually(async () => {
      const body = await getFindings(server.apiUrl);
      return body.findings.length > 0 ? body.findings : undefined;
    });
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({
      service: "blog-api",
      endpoint: "GET /posts",
      statement: "SELECT id, name FROM authors WHERE id = ?",
      sourceStatement: "SELECT id, title, author_id FROM posts",
      repeats: 8,
      traces: 1,
    });
    const detail = await fetch(`${server.apiUrl}/api/findings/${findings[0]?.id}`);
    const { finding } = await apiJson(detail, FindingAnswerSchema);
    expect(finding.sampleTraceId).toMatch(/^[0-9a-f]{32}$/);
    expect(finding.sampleSpans.length).toBeGreaterThan(8);

    await apiError(await fetch(`${server.apiUrl}/api/findings/nope`), 404);
    expect(await apiJson(await fetch(`${server.apiUrl}/api/health`), HealthSchema)).toEqual({ status: "ok" });
  });
});
