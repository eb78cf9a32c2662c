import { SpanKind, type SpanRecord } from "@n1radar/core";
import { describe, expect, it } from "vitest";
import { IngestStats, MAX_INGEST_SERVICES, OTHER_SERVICES } from "./ingest-stats.js";

function span(service: string, statement: string | null = null): SpanRecord {
  return {
    traceId: "0".repeat(32),
    spanId: "1".repeat(16),
    parentSpanId: null,
    name: statement ? "SELECT" : "GET /",
    kind: statement ? SpanKind.Client : SpanKind.Server,
    startMs: 0,
    endMs: 1,
    status: "unset",
    resource: { serviceName: service, sdkLanguage: null, environment: null },
    scope: { name: "test", version: null },
    db: statement
      ? { system: "postgresql", statement, operation: null, collection: null, namespace: null, summary: null }
      : null,
    http: null,
    code: null,
    unit: null,
    intent: null,
    cached: false,
  };
}

describe("IngestStats", () => {
  it("reports nothing before any span, and when counting started", () => {
    const stats = new IngestStats(() => Date.UTC(2026, 0, 1));
    expect(stats.report()).toEqual({ since: "2026-01-01T00:00:00.000Z", spans: 0, dbSpans: 0, services: [] });
  });

  it("counts spans and database spans per service, with first and last arrival, latest service first", () => {
    let now = Date.UTC(2026, 0, 1, 12);
    const stats = new IngestStats(() => now);
    stats.add([span("blog-api"), span("blog-api", "SELECT 1 FROM posts"), span("blog-api", "SELECT ...")]);
    now += 5_000;
    stats.add([span("worker")]);
    now += 5_000;
    stats.add([span("blog-api", "SELECT x FROM authors WHERE id = ?")]);
    stats.add([]);
    const report = stats.report();
    expect(report.spans).toBe(5);
    expect(report.dbSpans).toBe(3);
    expect(report.services).toEqual([
      {
        service: "blog-api",
        spans: 4,
        dbSpans: 3,
        firstSeen: "2026-01-01T12:00:00.000Z",
        lastSeen: "2026-01-01T12:00:10.000Z",
      },
      {
        service: "worker",
        spans: 1,
        dbSpans: 0,
        firstSeen: "2026-01-01T12:00:05.000Z",
        lastSeen: "2026-01-01T12:00:05.000Z",
      },
    ]);
  });

  it("sums services past the limit under one entry, so a flood of names cannot grow it", () => {
    const stats = new IngestStats(() => 0);
    stats.add(Array.from({ length: MAX_INGEST_SERVICES + 500 }, (_, i) => span(`svc-${i}`)));
    const report = stats.report();
    expect(report.services).toHaveLength(MAX_INGEST_SERVICES + 1);
    expect(report.services.find((s) => s.service === OTHER_SERVICES)?.spans).toBe(500);
    expect(report.spans).toBe(MAX_INGEST_SERVICES + 500);
  });
});
