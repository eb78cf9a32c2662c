/**
 * OTLP/HTTP status codes and bodies, rule by rule, against the running receiver (specification/protocol/
 * otlp.md, "OTLP/HTTP Response"). Every failure must be a google.rpc.Status in the request's encoding.
 */
import http from "node:http";
import { deflateSync, gzipSync } from "node:zlib";
import { JsonTraceSerializer, ProtobufTraceSerializer } from "@opentelemetry/otlp-transformer";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { jsonOf, jsonRequest, jsonSpan, nPlusOneSpans, protobufOf, readStatus } from "../testing/payloads.js";
import { startTestReceivers, type TestReceivers } from "../testing/receivers.js";

const LIMIT = 64 * 1024;
let rx: TestReceivers;

beforeAll(async () => {
  rx = await startTestReceivers({ maxBodyBytes: LIMIT, maxQueuedSpans: 50 });
});
afterAll(() => rx.close());

const PB = "application/x-protobuf";
const JSON_TYPE = "application/json";

function post(body: Uint8Array | string, headers: Record<string, string> = {}, path = "/v1/traces") {
  return fetch(`${rx.httpUrl}${path}`, { method: "POST", body, headers: { "content-type": PB, ...headers } });
}

/** A protobuf google.rpc.Status body. */
async function status(res: Response) {
  expect(res.headers.get("content-type")).toBe(PB);
  return readStatus(new Uint8Array(await res.arrayBuffer()));
}

interface JsonStatus {
  code: number;
  message: string;
  details?: Record<string, unknown>[];
}

async function jsonStatus(res: Response): Promise<JsonStatus> {
  expect(res.headers.get("content-type")).toBe(JSON_TYPE);
  return (await res.json()) as JsonStatus;
}

describe("OTLP/HTTP request ids", () => {
  it("names a refused request in its answer, keeping the sender's id when it is a plain token", async () => {
    const fresh = await post("not protobuf at all");
    expect(fresh.status).toBe(400);
    expect(fresh.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
    const given = await post("not protobuf at all", { "x-request-id": "collector-42" });
    expect(given.headers.get("x-request-id")).toBe("collector-42");
    const odd = await post("not protobuf at all", { "x-request-id": "x".repeat(100) });
    expect(odd.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
  });
});

describe("OTLP/HTTP success", () => {
  it("answers an empty request with an empty ExportTraceServiceResponse, in each encoding", async () => {
    const pb = await post(new Uint8Array(0));
    expect(pb.status).toBe(200);
    expect(pb.headers.get("content-type")).toBe(PB);
    expect((await pb.arrayBuffer()).byteLength).toBe(0);
    const json = await post("{}", { "content-type": "application/json; charset=utf-8" });
    expect(json.status).toBe(200);
    expect(json.headers.get("content-type")).toBe(JSON_TYPE);
    expect(await json.json()).toEqual({});
  });

  it("accepts SDK-encoded protobuf and JSON, plain, gzip and deflate", async () => {
    rx.release();
    const spans = nPlusOneSpans();
    const before = rx.batches.length;
    for (const [body, type] of [
      [protobufOf(spans), PB],
      [jsonOf(spans), JSON_TYPE],
    ] as const) {
      expect((await post(body, { "content-type": type })).status).toBe(200);
      expect((await post(gzipSync(body), { "content-type": type, "content-encoding": "gzip" })).status).toBe(
        200,
      );
      expect(
        (await post(deflateSync(body), { "content-type": type, "content-encoding": "deflate" })).status,
      ).toBe(200);
      rx.release();
    }
    expect(rx.batches.slice(before).map((b) => b.length)).toEqual([10, 10, 10, 10, 10, 10]);
  });

  it("reports a partial success with the rejected count and why, keeping the valid spans", async () => {
    rx.release();
    const body = jsonRequest([
      jsonSpan(),
      jsonSpan({ traceId: "xyz" }),
      jsonSpan({ spanId: "0".repeat(16) }),
    ]);
    const res = await post(body, { "content-type": JSON_TYPE });
    expect(res.status).toBe(200);
    const json = JsonTraceSerializer.deserializeResponse(new Uint8Array(await res.arrayBuffer()));
    expect(json.partialSuccess?.rejectedSpans).toBe("2");
    expect(json.partialSuccess?.errorMessage).toMatch(/spans\[1\]\.traceId.*; .*spans\[2\]\.spanId/);
    rx.release();
    expect(rx.batches.at(-1)).toHaveLength(1);
  });

  it("answers protobuf partial success in protobuf", async () => {
    const spans = nPlusOneSpans();
    const bytes = protobufOf(spans);
    // An all-zero span id keeps the framing intact but makes that one span invalid.
    const spanId = Buffer.from(spans[0]!.spanContext().spanId, "hex");
    const at = Buffer.from(bytes).indexOf(spanId);
    bytes.fill(0, at, at + 8);
    const res = await post(bytes);
    expect(res.status).toBe(200);
    const decoded = ProtobufTraceSerializer.deserializeResponse(new Uint8Array(await res.arrayBuffer()));
    expect(decoded.partialSuccess?.rejectedSpans).toBe(1);
    expect(decoded.partialSuccess?.errorMessage).toMatch(/spanId/);
    rx.release();
  });

  it("acknowledges metrics and logs without reading them", async () => {
    for (const path of ["/v1/metrics", "/v1/logs"]) {
      const res = await post(new Uint8Array([1, 2, 3]), {}, path);
      expect(res.status).toBe(200);
    }
  });
});

describe("OTLP/HTTP failures", () => {
  it("400 with a BadRequest Status for undecodable protobuf and JSON, in the request's encoding", async () => {
    const pb = await post(new Uint8Array([0x0a, 0xff, 0xff, 0xff]));
    expect(pb.status).toBe(400);
    expect(pb.headers.get("content-type")).toBe(PB);
    const st = await status(pb);
    expect(st.code).toBe(3);
    expect(st.message).toMatch(/invalid protobuf payload/);
    expect(st.details).toEqual([{ type: "google.rpc.BadRequest" }]);

    const json = await post('{"resourceSpans": 7}', { "content-type": JSON_TYPE });
    expect(json.status).toBe(400);
    const body = await jsonStatus(json);
    expect(body).toMatchObject({
      code: 3,
      message: expect.stringMatching(/resourceSpans: expected an array/),
    });
    expect(body.details?.[0]?.["@type"]).toBe("type.googleapis.com/google.rpc.BadRequest");
  });

  it("400 for a body that is not the gzip it claims to be", async () => {
    const res = await post(new Uint8Array([1, 2, 3, 4]), { "content-encoding": "gzip" });
    expect(res.status).toBe(400);
    expect((await status(res)).message).toMatch(/not valid gzip/);
  });

  it("413 over the limit: declared, streamed without a length, and decompressed (gzip bomb)", async () => {
    const declared = await post(new Uint8Array(LIMIT + 1));
    expect(declared.status).toBe(413);
    expect((await status(declared)).code).toBe(8);

    const chunked = await new Promise<number>((resolve, reject) => {
      const req = http.request(
        `${rx.httpUrl}/v1/traces`,
        { method: "POST", headers: { "content-type": PB } },
        (r) => {
          r.resume();
          resolve(r.statusCode!);
        },
      );
      req.on("error", reject);
      for (let i = 0; i < 5; i++) req.write(Buffer.alloc(LIMIT / 2));
      req.end();
    });
    expect(chunked).toBe(413);

    const bomb = gzipSync(Buffer.alloc(64 * LIMIT)); // 4 MB of zeros in about 4 KB
    expect(bomb.length).toBeLessThan(LIMIT);
    const res = await post(bomb, { "content-encoding": "gzip" });
    expect(res.status).toBe(413);
    expect((await status(res)).message).toMatch(/decompressed body exceeds/);
    expect((await post(new Uint8Array(0))).status).toBe(200); // still serving
  });

  it("415 for other content types and content encodings", async () => {
    const cases: Record<string, string>[] = [
      { "content-type": "text/plain" },
      { "content-type": "" },
      { "content-encoding": "br" },
    ];
    for (const headers of cases) {
      const res = await post("{}", headers);
      expect(res.status).toBe(415);
    }
  });

  it("405 with Allow for other methods, 404 for other paths", async () => {
    for (const method of ["GET", "PUT", "DELETE", "PATCH"]) {
      const res = await fetch(`${rx.httpUrl}/v1/traces`, { method });
      expect(res.status).toBe(405);
      expect(res.headers.get("allow")).toBe("POST, OPTIONS");
      expect((await status(res)).code).toBe(12);
    }
    const notFound = await post("{}", { "content-type": JSON_TYPE }, "/v2/traces");
    expect(notFound.status).toBe(404);
    expect((await jsonStatus(notFound)).message).toMatch(/POST \/v1\/traces/);
  });

  it("503 with Retry-After and RetryInfo while the queue is full, and accepts again once it drains", async () => {
    rx.release();
    const spans = protobufOf(nPlusOneSpans({ repeats: 60 })); // 62 spans: over the 50-span queue alone
    expect((await post(spans)).status).toBe(200); // an empty queue takes an oversized batch
    const full = await post(protobufOf(nPlusOneSpans()));
    expect(full.status).toBe(503);
    expect(full.headers.get("retry-after")).toBe("2");
    expect(await status(full)).toMatchObject({
      code: 14,
      details: [{ type: "google.rpc.RetryInfo", retryDelayMs: 2000 }],
    });
    const json = await post(jsonOf(nPlusOneSpans()), { "content-type": JSON_TYPE });
    expect(json.status).toBe(503);
    expect((await jsonStatus(json)).details?.[0]).toEqual({
      "@type": "type.googleapis.com/google.rpc.RetryInfo",
      retryDelay: "2s",
    });
    rx.release();
    expect((await post(protobufOf(nPlusOneSpans()))).status).toBe(200);
    rx.release();
  });
});

describe("memory bounds", () => {
  it("503 when request bodies in flight would pass the budget, and serves again once they finish", async () => {
    const small = await startTestReceivers({ maxBodyBytes: LIMIT, maxUploadBytes: LIMIT + LIMIT / 2 });
    let slow: http.ClientRequest | undefined;
    try {
      const url = new URL(`${small.httpUrl}/v1/traces`);
      // A slow upload holding most of the budget: all but its last byte sent. Two such bodies do not fit.
      const body = protobufOf(nPlusOneSpans({ repeats: 300 }));
      expect(body.length).toBeGreaterThan((LIMIT * 3) / 4);
      expect(body.length).toBeLessThan(LIMIT);
      slow = http.request(url, {
        method: "POST",
        headers: { "content-type": PB, "content-length": body.length },
      });
      const slowStatus = new Promise<number>((resolve) =>
        slow?.on("response", (r) => {
          r.resume();
          resolve(r.statusCode!);
        }),
      );
      slow.write(body.subarray(0, body.length - 1));
      await new Promise((r) => setTimeout(r, 100));
      const second = await fetch(url, { method: "POST", body, headers: { "content-type": PB } });
      expect(second.status).toBe(503);
      expect(second.headers.get("retry-after")).toBe("2");
      slow.end(body.subarray(body.length - 1));
      expect(await slowStatus).toBe(200);
      expect((await fetch(url, { method: "POST", body, headers: { "content-type": PB } })).status).toBe(200);
    } finally {
      slow?.destroy();
      await small.close();
    }
  });
});

describe("self-telemetry", () => {
  it("counts what was received and refused, by reason", async () => {
    // Its own receivers: the counts are of this test's requests alone, whatever else ran first.
    const own = await startTestReceivers({ maxBodyBytes: LIMIT, maxQueuedSpans: 50 });
    try {
      const send = (body: Uint8Array | string, headers: Record<string, string> = {}, path = "/v1/traces") =>
        fetch(`${own.httpUrl}${path}`, { method: "POST", body, headers: { "content-type": PB, ...headers } });
      expect((await send(protobufOf(nPlusOneSpans()))).status).toBe(200); // 10 spans
      expect((await send(jsonOf(nPlusOneSpans()), { "content-type": JSON_TYPE })).status).toBe(200);
      const partial = jsonRequest([
        jsonSpan(),
        jsonSpan({ traceId: "xyz" }),
        jsonSpan({ spanId: "0".repeat(16) }),
      ]);
      expect((await send(partial, { "content-type": JSON_TYPE })).status).toBe(200);
      expect((await send(new Uint8Array([0x0a, 0xff, 0xff, 0xff]))).status).toBe(400);
      expect((await send(new Uint8Array(LIMIT + 1))).status).toBe(413);
      expect((await send("{}", { "content-type": "text/plain" })).status).toBe(415);
      expect((await fetch(`${own.httpUrl}/v1/traces`, { method: "GET" })).status).toBe(405);
      expect((await send("{}", { "content-type": JSON_TYPE }, "/v2/traces")).status).toBe(404);
      for (const path of ["/v1/metrics", "/v1/logs"])
        expect((await send(new Uint8Array([1]), {}, path)).status).toBe(200);
      // Nothing released: 21 spans queued, so 62 more do not fit.
      expect((await send(protobufOf(nPlusOneSpans({ repeats: 60 })))).status).toBe(503);

      const text = own.metrics.render();
      const value = (series: string) =>
        Number(new RegExp(`^${series.replace(/[{}]/g, "\\$&")} (\\S+)$`, "m").exec(text)?.[1]);
      expect(value('n1radar_spans_received_total{transport="http",encoding="protobuf"}')).toBe(10);
      expect(value('n1radar_spans_received_total{transport="http",encoding="json"}')).toBe(11);
      expect(value('n1radar_spans_rejected_total{reason="invalid"}')).toBe(2);
      expect(value('n1radar_spans_rejected_total{reason="overloaded"}')).toBe(62);
      for (const reason of [
        "bad_request",
        "too_large",
        "unsupported_media_type",
        "method_not_allowed",
        "overloaded",
        "not_found",
      ]) {
        expect(value(`n1radar_requests_rejected_total{transport="http",reason="${reason}"}`), reason).toBe(1);
      }
      expect(value('n1radar_requests_total{transport="http",outcome="accepted"}')).toBe(2);
      expect(value('n1radar_requests_total{transport="http",outcome="partial"}')).toBe(1);
      expect(value('n1radar_requests_total{transport="http",outcome="discarded"}')).toBe(2);
      expect(value("n1radar_queue_capacity_spans")).toBe(50);
    } finally {
      await own.close();
    }
  });
});
