/**
 * OTLP/gRPC status codes and trailers against the running receiver (specification/protocol/otlp.md,
 * "OTLP/gRPC Response" and "OTLP/gRPC Throttling"), with a plain grpc-js client sending raw bytes.
 */
import * as grpc from "@grpc/grpc-js";
import { ProtobufTraceSerializer } from "@opentelemetry/otlp-transformer";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { nPlusOneSpans, protobufOf, readStatus } from "../testing/payloads.js";
import { startTestReceivers, type TestReceivers } from "../testing/receivers.js";

const LIMIT = 64 * 1024;
const TRACES = "/opentelemetry.proto.collector.trace.v1.TraceService/Export";
let rx: TestReceivers;
const clients: grpc.Client[] = [];

beforeAll(async () => {
  rx = await startTestReceivers({ maxBodyBytes: LIMIT, maxQueuedSpans: 50 });
});
afterAll(async () => {
  for (const c of clients) c.close();
  await rx.close();
});

function client(address: string, options: grpc.ChannelOptions = {}): grpc.Client {
  const c = new grpc.Client(address, grpc.credentials.createInsecure(), options);
  clients.push(c);
  return c;
}

interface Outcome {
  code: grpc.status;
  response?: Buffer;
  error?: grpc.ServiceError;
}

function call(
  body: Uint8Array,
  options: { via?: grpc.Client; metadata?: Record<string, string>; path?: string } = {},
): Promise<Outcome> {
  const metadata = new grpc.Metadata();
  for (const [k, v] of Object.entries(options.metadata ?? {})) metadata.set(k, v);
  const via = options.via ?? client(rx.grpcAddress);
  return new Promise((resolve) => {
    via.makeUnaryRequest(
      options.path ?? TRACES,
      (b: Buffer) => b,
      (b: Buffer) => b,
      Buffer.from(body),
      metadata,
      (error, response) =>
        resolve(error ? { code: error.code, error } : { code: grpc.status.OK, response: response! }),
    );
  });
}

/** The google.rpc.Status the server put in `grpc-status-details-bin`. */
function statusDetails(outcome: Outcome) {
  const bin = outcome.error?.metadata.get("grpc-status-details-bin")[0];
  return bin ? readStatus(bin as Buffer) : undefined;
}

describe("OTLP/gRPC success", () => {
  it("answers an empty request with an empty response, and queues SDK-encoded spans", async () => {
    const empty = await call(new Uint8Array(0));
    expect(empty.code).toBe(grpc.status.OK);
    expect(empty.response).toHaveLength(0);
    rx.release();
    expect((await call(protobufOf(nPlusOneSpans()))).code).toBe(grpc.status.OK);
    rx.release();
    expect(rx.batches.at(-1)).toHaveLength(10);
  });

  it("accepts gzip-compressed messages (grpc-encoding: gzip)", async () => {
    const gzip = client(rx.grpcAddress, { "grpc.default_compression_algorithm": 2 });
    expect((await call(protobufOf(nPlusOneSpans()), { via: gzip })).code).toBe(grpc.status.OK);
    rx.release();
    expect(rx.batches.at(-1)).toHaveLength(10);
  });

  it("reports a partial success when some spans are invalid", async () => {
    const spans = nPlusOneSpans();
    const bytes = protobufOf(spans);
    const at = Buffer.from(bytes).indexOf(Buffer.from(spans[1]!.spanContext().spanId, "hex"));
    bytes.fill(0, at, at + 8);
    const outcome = await call(bytes);
    expect(outcome.code).toBe(grpc.status.OK);
    const response = ProtobufTraceSerializer.deserializeResponse(new Uint8Array(outcome.response!));
    expect(response.partialSuccess?.rejectedSpans).toBe(1);
    rx.release();
  });

  it("acknowledges metrics and logs exports", async () => {
    for (const service of ["metrics.v1.MetricsService", "logs.v1.LogsService"]) {
      const outcome = await call(new Uint8Array([1, 2, 3]), {
        path: `/opentelemetry.proto.collector.${service}/Export`,
      });
      expect(outcome.code).toBe(grpc.status.OK);
    }
  });
});

describe("OTLP/gRPC failures", () => {
  it("INVALID_ARGUMENT with a BadRequest detail for undecodable data", async () => {
    const outcome = await call(new Uint8Array([0x0a, 0xff, 0xff, 0xff]));
    expect(outcome.code).toBe(grpc.status.INVALID_ARGUMENT);
    expect(outcome.error?.details).toMatch(/invalid protobuf payload/);
    expect(statusDetails(outcome)).toMatchObject({ code: 3, details: [{ type: "google.rpc.BadRequest" }] });
  });

  it("RESOURCE_EXHAUSTED without RetryInfo over the limit, compressed or not (gzip bomb)", async () => {
    const big = await call(new Uint8Array(LIMIT + 1));
    expect(big.code).toBe(grpc.status.RESOURCE_EXHAUSTED);
    expect(statusDetails(big)).toBeUndefined(); // no RetryInfo: the spec says do not retry
    const gzip = client(rx.grpcAddress, { "grpc.default_compression_algorithm": 2 });
    const bomb = await call(new Uint8Array(64 * LIMIT), { via: gzip }); // 4 MB of zeros, ~4 KB on the wire
    expect(bomb.code).toBe(grpc.status.RESOURCE_EXHAUSTED);
    expect((await call(new Uint8Array(0))).code).toBe(grpc.status.OK);
  });

  it("UNAVAILABLE with RetryInfo while the queue is full", async () => {
    rx.release();
    expect((await call(protobufOf(nPlusOneSpans({ repeats: 60 })))).code).toBe(grpc.status.OK);
    const full = await call(protobufOf(nPlusOneSpans()));
    expect(full.code).toBe(grpc.status.UNAVAILABLE);
    expect(statusDetails(full)).toMatchObject({
      code: 14,
      details: [{ type: "google.rpc.RetryInfo", retryDelayMs: 2000 }],
    });
    // Refused from the metadata, before the message is read: an oversized one gets UNAVAILABLE too, not the
    // RESOURCE_EXHAUSTED reading it would give.
    expect((await call(new Uint8Array(LIMIT + 1))).code).toBe(grpc.status.UNAVAILABLE);
    // Metrics and logs are still acknowledged while saturated.
    const metrics = "/opentelemetry.proto.collector.metrics.v1.MetricsService/Export";
    expect((await call(new Uint8Array(0), { path: metrics })).code).toBe(grpc.status.OK);
    rx.release();
    expect((await call(protobufOf(nPlusOneSpans()))).code).toBe(grpc.status.OK);
    rx.release();
  });

  it("UNIMPLEMENTED for other methods", async () => {
    const outcome = await call(new Uint8Array(0), {
      path: "/opentelemetry.proto.collector.trace.v1.Nope/Export",
    });
    expect(outcome.code).toBe(grpc.status.UNIMPLEMENTED);
  });

  it("UNAUTHENTICATED without a valid ingest key in the metadata", async () => {
    const locked = await startTestReceivers({ keys: { keys: ["s3cret"] }, maxBodyBytes: LIMIT });
    try {
      const via = client(locked.grpcAddress);
      expect((await call(new Uint8Array(0), { via })).code).toBe(grpc.status.UNAUTHENTICATED);
      // Checked on the metadata, before the message is buffered: oversized is still UNAUTHENTICATED.
      expect((await call(new Uint8Array(LIMIT + 1), { via })).code).toBe(grpc.status.UNAUTHENTICATED);
      const logs = "/opentelemetry.proto.collector.logs.v1.LogsService/Export";
      expect((await call(new Uint8Array(0), { via, path: logs })).code).toBe(grpc.status.UNAUTHENTICATED);
      const wrong = await call(new Uint8Array(0), { via, metadata: { authorization: "Bearer nope" } });
      expect(wrong.code).toBe(grpc.status.UNAUTHENTICATED);
      const ok = await call(new Uint8Array(0), { via, metadata: { authorization: "Bearer s3cret" } });
      expect(ok.code).toBe(grpc.status.OK);
    } finally {
      await locked.close();
    }
  });

  it("counts gRPC refusals by reason, including those grpc-js makes itself", async () => {
    // Its own receivers: the counts are of this test's calls alone, whatever else ran first.
    const own = await startTestReceivers({ maxBodyBytes: LIMIT, maxQueuedSpans: 50 });
    try {
      const via = client(own.grpcAddress);
      const gzip = client(own.grpcAddress, { "grpc.default_compression_algorithm": 2 });
      expect((await call(protobufOf(nPlusOneSpans()), { via })).code).toBe(grpc.status.OK); // 10 spans
      expect((await call(new Uint8Array([0x0a, 0xff, 0xff, 0xff]), { via })).code).toBe(
        grpc.status.INVALID_ARGUMENT,
      );
      expect((await call(new Uint8Array(LIMIT + 1), { via })).code).toBe(grpc.status.RESOURCE_EXHAUSTED);
      // Refused by grpc-js while decompressing, before n1radar's handler sees it.
      expect((await call(new Uint8Array(64 * LIMIT), { via: gzip })).code).toBe(
        grpc.status.RESOURCE_EXHAUSTED,
      );
      // Nothing released: 10 spans queued, so 62 more do not fit.
      expect((await call(protobufOf(nPlusOneSpans({ repeats: 60 })), { via })).code).toBe(
        grpc.status.UNAVAILABLE,
      );
      const text = own.metrics.render();
      const value = (series: string) =>
        Number(new RegExp(`^${series.replace(/[{}]/g, "\\$&")} (\\S+)$`, "m").exec(text)?.[1]);
      expect(value('n1radar_requests_rejected_total{transport="grpc",reason="bad_request"}')).toBe(1);
      expect(value('n1radar_requests_rejected_total{transport="grpc",reason="too_large"}')).toBe(2);
      expect(value('n1radar_requests_rejected_total{transport="grpc",reason="overloaded"}')).toBe(1);
      expect(value('n1radar_requests_total{transport="grpc",outcome="accepted"}')).toBe(1);
      expect(value('n1radar_spans_received_total{transport="grpc",encoding="protobuf"}')).toBe(10);
    } finally {
      await own.close();
    }
  });
});
