/**
 * The real OpenTelemetry JS exporters, unmodified but for their endpoint, against a running n1radar: OTLP/HTTP
 * JSON, OTLP/HTTP protobuf and OTLP/gRPC, each plain and gzip. Every export must succeed and its N+1 must come
 * out of the API; with ingest keys configured, the exporters' own header and metadata options carry the key.
 */
import * as grpc from "@grpc/grpc-js";
import { OTLPTraceExporter as GrpcExporter } from "@opentelemetry/exporter-trace-otlp-grpc";
import { OTLPTraceExporter as JsonExporter } from "@opentelemetry/exporter-trace-otlp-http";
import { OTLPTraceExporter as ProtoExporter } from "@opentelemetry/exporter-trace-otlp-proto";
import type { SpanExporter } from "@opentelemetry/sdk-trace-base";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getFindings } from "./testing/api.js";
import { nPlusOneSpans } from "./testing/payloads.js";
import { eventually, startTestServer, type TestServer } from "./testing/server.js";

/** @opentelemetry/core's ExportResultCode, which the exporters report. */
const ExportResultCode = { SUCCESS: 0, FAILED: 1 } as const;

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

type Make = (s: TestServer, options: { gzip: boolean; key?: string }) => SpanExporter;

const EXPORTERS: Record<string, Make> = {
  "http/json": (s, { gzip, key }) =>
    new JsonExporter({
      url: `${s.otlpUrl}/v1/traces`,
      compression: gzip ? "gzip" : "none",
      headers: key ? { authorization: `Bearer ${key}` } : {},
    } as ConstructorParameters<typeof JsonExporter>[0]),
  "http/protobuf": (s, { gzip, key }) =>
    new ProtoExporter({
      url: `${s.otlpUrl}/v1/traces`,
      compression: gzip ? "gzip" : "none",
      headers: key ? { authorization: `Bearer ${key}` } : {},
    } as ConstructorParameters<typeof ProtoExporter>[0]),
  grpc: (s, { gzip, key }) => {
    const metadata = new grpc.Metadata();
    if (key) metadata.set("authorization", `Bearer ${key}`);
    return new GrpcExporter({
      url: `http://${s.grpcAddress}`,
      compression: gzip ? "gzip" : "none",
      metadata,
    } as ConstructorParameters<typeof GrpcExporter>[0]);
  },
};

function exportOnce(exporter: SpanExporter, service: string): Promise<{ code: number; error?: Error }> {
  return new Promise((resolve) => exporter.export(nPlusOneSpans({ service, route: "/orders" }), resolve));
}

async function findingFor(s: TestServer, service: string) {
  return eventually(async () => {
    const body = await getFindings(s.apiUrl, "?limit=500");
    return body.findings.find((f) => f.service === service);
  });
}

describe("real OpenTelemetry JS exporters", () => {
  for (const [protocol, make] of Object.entries(EXPORTERS)) {
    for (const gzip of [false, true]) {
      it(`${protocol}${gzip ? " + gzip" : ""}: exports succeed and the N+1 is found`, async () => {
        const service = `svc-${protocol.replace("/", "-")}${gzip ? "-gzip" : ""}`;
        const exporter = make(server, { gzip });
        try {
          const result = await exportOnce(exporter, service);
          expect(result.error).toBeUndefined();
          expect(result.code).toBe(ExportResultCode.SUCCESS);
          expect(await findingFor(server, service)).toMatchObject({
            endpoint: "GET /orders",
            repeats: 8,
            statement: "SELECT id, name FROM customers WHERE id = ?",
          });
        } finally {
          await exporter.shutdown();
        }
      });
    }
  }
});

describe("real exporters with ingest keys", () => {
  let locked: TestServer;
  beforeAll(async () => {
    locked = await startTestServer({ ingestKeys: ["team-key-1"] });
  });
  afterAll(() => locked.close());

  for (const [protocol, make] of Object.entries(EXPORTERS)) {
    it(`${protocol}: the key in the exporter's headers gets in, a wrong one fails without retrying`, async () => {
      const good = make(locked, { gzip: false, key: "team-key-1" });
      const bad = make(locked, { gzip: false, key: "not-the-key" });
      try {
        const service = `keyed-${protocol.replace("/", "-")}`;
        expect((await exportOnce(good, service)).code).toBe(ExportResultCode.SUCCESS);
        await findingFor(locked, service);
        const started = Date.now();
        const refused = await exportOnce(bad, `${service}-intruder`);
        expect(refused.code).toBe(ExportResultCode.FAILED);
        expect(Date.now() - started).toBeLessThan(2_000); // 401 / UNAUTHENTICATED are not retried
      } finally {
        await Promise.all([good.shutdown(), bad.shutdown()]);
      }
    });
  }
});

describe("/metrics after real exports", () => {
  let own: TestServer;
  beforeAll(async () => {
    own = await startTestServer();
  });
  afterAll(() => own.close());

  it("serves Prometheus text with what came in over each transport and what the pipeline did", async () => {
    // Its own server, fed here: the counts are of these six exports alone, whatever else ran first.
    for (const [protocol, make] of Object.entries(EXPORTERS)) {
      for (const gzip of [false, true]) {
        const exporter = make(own, { gzip });
        try {
          expect((await exportOnce(exporter, `metrics-${protocol}-${gzip}`)).code).toBe(
            ExportResultCode.SUCCESS,
          );
        } finally {
          await exporter.shutdown();
        }
      }
    }
    for (const protocol of Object.keys(EXPORTERS))
      for (const gzip of [false, true]) await findingFor(own, `metrics-${protocol}-${gzip}`);
    const res = await fetch(`${own.apiUrl}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/plain; version=0.0.4; charset=utf-8");
    const text = await res.text();
    const value = (series: string) =>
      Number(
        text
          .split("\n")
          .find((line) => line.startsWith(`${series} `))
          ?.split(" ")[1],
      );
    expect(value('n1radar_spans_received_total{transport="http",encoding="json"}')).toBe(20);
    expect(value('n1radar_spans_received_total{transport="http",encoding="protobuf"}')).toBe(20);
    expect(value('n1radar_spans_received_total{transport="grpc",encoding="protobuf"}')).toBe(20);
    expect(value('n1radar_requests_total{transport="grpc",outcome="accepted"}')).toBe(2);
    expect(value("n1radar_findings_total")).toBe(6);
    expect(value("n1radar_pipeline_spans_total")).toBe(60);
    for (const gauge of ["n1radar_queue_spans", "n1radar_open_traces", "n1radar_spans_dropped_total"]) {
      expect(value(gauge)).toBe(0);
    }
  });
});
