import { SpanKind as Kind, N1Error } from "@n1radar/core";
import { ROOT_CONTEXT, trace } from "@opentelemetry/api";
import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider } from "@opentelemetry/sdk-trace";
import { describe, expect, it } from "vitest";
import { MAX_STATEMENT_CHARS } from "./fold.js";
import { decodeProtobufTraces } from "./index.js";
import { MAX_ERROR_MESSAGES } from "./result.js";
import { badRequest, prng } from "./test-support/expect-n1.js";
import * as pb from "./test-support/pb.js";
import {
  makeSpan,
  nPlusOneBatch,
  protobufOf,
  ROOT_ID,
  SpanKind,
  SpanStatusCode,
  START_MS,
  TRACE_ID,
} from "./test-support/sdk-fixtures.js";

describe("decodeProtobufTraces with SDK-encoded payloads", () => {
  it("decodes an N+1 batch exactly as the JS SDK encodes it", () => {
    const { spans, rejected, errors } = decodeProtobufTraces(protobufOf(nPlusOneBatch(3)));
    expect(rejected).toBe(0);
    expect(errors).toEqual([]);
    expect(spans).toHaveLength(4);
    const [root, query] = spans;
    expect(root).toMatchObject({
      traceId: TRACE_ID,
      spanId: ROOT_ID,
      parentSpanId: null,
      name: "GET /posts",
      kind: Kind.Server,
      status: "unset",
      resource: { serviceName: "shop", sdkLanguage: "nodejs", environment: "staging" },
      scope: { name: "@opentelemetry/instrumentation-http", version: "0.200.0" },
      db: null,
      http: { method: "GET", route: "/posts", path: null, statusCode: 200 },
      code: null,
      cached: false,
    });
    expect(root?.startMs).toBeCloseTo(START_MS, 3);
    expect((root?.endMs ?? 0) - (root?.startMs ?? 0)).toBeCloseTo(40, 3);
    expect(query).toMatchObject({
      spanId: "0000000000001000",
      parentSpanId: ROOT_ID,
      kind: Kind.Client,
      scope: { name: "@opentelemetry/instrumentation-pg", version: "0.50.0" },
      db: {
        system: "postgresql",
        statement: "SELECT * FROM authors WHERE id = $1",
        operation: "SELECT",
        collection: "authors",
        namespace: "shop",
        summary: null,
      },
      http: null,
    });
    expect(query?.startMs).toBeCloseTo(START_MS + 1, 3);
  });

  it("maps kinds, statuses and typed attribute values", () => {
    const kinds = [SpanKind.INTERNAL, SpanKind.SERVER, SpanKind.CLIENT, SpanKind.PRODUCER, SpanKind.CONSUMER];
    const input = kinds.map((kind, i) =>
      makeSpan({
        kind,
        spanId: `00000000000000${i + 1}0`,
        status: i === 0 ? SpanStatusCode.ERROR : SpanStatusCode.OK,
        attributes: {
          "http.status_code": 404,
          "code.lineno": 42,
          "code.function": "load",
          "code.namespace": "app.Repo",
          "db.cache.hit": true,
          "db.statement": ["not", "a", "string"],
          "db.system": "mysql",
        },
      }),
    );
    const { spans } = decodeProtobufTraces(protobufOf(input));
    expect(spans.map((s) => s.kind)).toEqual([1, 2, 3, 4, 5]);
    expect(spans.map((s) => s.status)).toEqual(["error", "ok", "ok", "ok", "ok"]);
    expect(spans[0]).toMatchObject({
      http: { statusCode: 404, method: null, route: null, path: null },
      code: { function: "app.Repo.load", file: null, line: 42 },
      db: { system: "mysql", statement: null },
      cached: true,
    });
  });

  it("decodes spans from a real TracerProvider", async () => {
    const exporter = new InMemorySpanExporter();
    const provider = new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter })] });
    const tracer = provider.getTracer("checkout", "2.0.0");
    const parentSpan = tracer.startSpan("parent");
    const attributes = { "db.system": "sqlite", "db.statement": "SELECT 1" };
    tracer.startSpan("child", { attributes }, trace.setSpan(ROOT_CONTEXT, parentSpan)).end();
    parentSpan.end();
    await provider.forceFlush();
    const finished = exporter.getFinishedSpans();
    const { spans, rejected } = decodeProtobufTraces(protobufOf(finished));
    expect(rejected).toBe(0);
    expect(spans.map((s) => s.name).sort()).toEqual(["child", "parent"]);
    const child = spans.find((s) => s.name === "child");
    const parent = spans.find((s) => s.name === "parent");
    expect(child?.parentSpanId).toBe(parent?.spanId);
    expect(child?.traceId).toBe(finished[0]?.spanContext().traceId);
    expect(child?.db).toMatchObject({ system: "sqlite", statement: "SELECT 1" });
    expect(child?.resource.sdkLanguage).toBe("nodejs");
    expect(child?.scope).toEqual({ name: "checkout", version: "2.0.0" });
    expect(Math.abs((child?.startMs ?? 0) - Date.now())).toBeLessThan(60_000);
  });
});

describe("decodeProtobufTraces with golden payloads", () => {
  it("accepts an empty request and an empty resource", () => {
    expect(decodeProtobufTraces(new Uint8Array(0))).toEqual({ spans: [], rejected: 0, errors: [] });
    expect(decodeProtobufTraces(pb.request(pb.resourceSpans([])))).toEqual({
      spans: [],
      rejected: 0,
      errors: [],
    });
  });

  it("defaults a missing resource and scope", () => {
    const { spans } = decodeProtobufTraces(pb.request(pb.resourceSpans([pb.scopeSpans([pb.span()])])));
    expect(spans[0]?.resource).toEqual({
      serviceName: "unknown_service",
      sdkLanguage: null,
      environment: null,
    });
    expect(spans[0]?.scope).toEqual({ name: "", version: null });
  });

  it("converts fixed64 nanoseconds to fractional ms without BigInt and clamps end before start", () => {
    const { spans } = decodeProtobufTraces(
      pb.simpleRequest(pb.span(), pb.span({ spanId: "0000000000000002", endNs: pb.T0 - 1_000_000n })),
    );
    expect(spans[0]?.startMs).toBeCloseTo(1_700_000_000_123.4568, 3);
    expect(spans[0]?.endMs).toBeCloseTo(1_700_000_000_125.9568, 3);
    expect(spans[1]?.endMs).toBe(spans[1]?.startMs);
  });

  it("skips unknown fields of every wire type at every level", () => {
    const junk = pb.cat(
      pb.vField(900, -1),
      pb.fixed64Field(901, 5n),
      pb.lenField(902, "junk"),
      pb.fixed32Field(903, 7),
      pb.cat(pb.tag(904, 3), pb.vField(1, 1), pb.tag(904, 4)),
    );
    const span = pb.span({
      attrs: {
        "db.system": pb.cat(junk, pb.anyString("postgresql")),
        "unknown.attr": pb.anyString("x"),
      },
      extra: [junk, pb.lenField(15, pb.cat(junk, pb.vField(3, 2)))],
    });
    const scope = pb.cat(pb.lenField(1, pb.cat(pb.lenField(1, "pg"), junk)), junk, pb.lenField(2, span));
    const resource = pb.cat(
      pb.lenField(1, pb.cat(junk, pb.attr(1, "service.name", pb.anyString("shop")))),
      junk,
      pb.lenField(2, scope),
    );
    const { spans, rejected } = decodeProtobufTraces(pb.cat(junk, pb.lenField(1, resource), junk));
    expect(rejected).toBe(0);
    expect(spans[0]).toMatchObject({
      status: "error",
      resource: { serviceName: "shop" },
      scope: { name: "pg" },
      db: { system: "postgresql" },
    });
  });

  it("skips nested array values at any depth without recursing, keeping the span", () => {
    // array_value=5 > ArrayValue.values=1 > AnyValue, 5,000 levels deep.
    let nested = pb.anyString("x");
    for (let i = 0; i < 5_000; i++) nested = pb.lenField(5, pb.lenField(1, nested));
    const body = pb.simpleRequest(
      pb.span({ attrs: { "db.system": pb.anyString("pg"), "db.statement": nested, deep: nested } }),
    );
    const started = performance.now();
    const { spans } = decodeProtobufTraces(body);
    expect(performance.now() - started).toBeLessThan(1_000);
    expect(spans[0]?.db).toMatchObject({ system: "pg", statement: null });
  });

  it("accepts fields in any order, and merges a repeated resource", () => {
    const spanBytes = pb.cat(
      pb.attr(9, "db.system", pb.anyString("redis")),
      pb.fixed64Field(8, pb.T0 + 1_000_000n),
      pb.lenField(2, pb.hex("0000000000000001")),
      pb.lenField(9, pb.cat(pb.lenField(2, pb.anyString("GET")), pb.lenField(1, "db.operation"))),
      pb.fixed64Field(7, pb.T0),
      pb.lenField(1, pb.hex("00000000000000000000000000000001")),
    );
    const scope = pb.cat(pb.lenField(2, spanBytes), pb.lenField(1, pb.lenField(1, "redis-client")));
    const resource = pb.cat(
      pb.lenField(2, scope),
      pb.lenField(1, pb.attr(1, "service.name", pb.anyString("cart"))),
      pb.lenField(1, pb.attr(1, "telemetry.sdk.language", pb.anyString("go"))),
    );
    const { spans } = decodeProtobufTraces(pb.request(resource));
    expect(spans[0]).toMatchObject({
      traceId: "00000000000000000000000000000001",
      spanId: "0000000000000001",
      scope: { name: "redis-client" },
      resource: { serviceName: "cart", sdkLanguage: "go" },
      db: { system: "redis", operation: "GET" },
    });
    expect((spans[0]?.endMs ?? 0) - (spans[0]?.startMs ?? 0)).toBeCloseTo(1, 6);
  });

  it("rejects spans with invalid ids individually and keeps the rest", () => {
    const bad = [
      pb.span({ traceId: "00000000000000000000000000000000" }),
      pb.span({ traceId: "0102" }),
      pb.span({ spanId: "0000000000000000" }),
      pb.span({ spanId: "01020304050607" }),
      pb.span({ parentSpanId: "0102030405" }),
      pb.span({ extra: [pb.vField(1, 5)] }).subarray(18), // trace id dropped: only a wrongly-typed field 1
    ];
    const good = pb.span({ parentSpanId: "0000000000000000" });
    const { spans, rejected, errors } = decodeProtobufTraces(pb.simpleRequest(...bad, good));
    expect(spans).toHaveLength(1);
    expect(spans[0]?.parentSpanId).toBeNull();
    expect(rejected).toBe(bad.length);
    expect(errors).toHaveLength(MAX_ERROR_MESSAGES);
    expect(errors[0]).toBe(
      "resourceSpans[0].scopeSpans[0].spans[0].traceId: must be 16 bytes and not all zero",
    );
    expect(errors[2]).toMatch(/^resourceSpans\[0\]\.scopeSpans\[0\]\.spans\[2\]\.spanId: /);
    expect(errors[4]).toMatch(/spans\[4\]\.parentSpanId: must be empty or 8 bytes/);
  });

  it("reads a 1 MB attribute value (keeping the statement's first MAX_STATEMENT_CHARS) and skips a 1 MB unknown one", () => {
    const big = `SELECT '${"x".repeat(1024 * 1024)}'`;
    const span = pb.span({ attrs: { "db.statement": pb.anyString(big), blob: pb.anyString(big) } });
    const { spans } = decodeProtobufTraces(pb.simpleRequest(span));
    expect(spans[0]?.db?.statement).toBe(big.slice(0, MAX_STATEMENT_CHARS));
  });

  it("skips deeply nested attribute values without recursing", () => {
    let nested = pb.anyString("leaf");
    for (let depth = 0; depth < 5000; depth++) {
      nested = depth % 2 ? pb.anyArray(nested) : pb.anyKvlist(pb.keyValue("k", nested));
    }
    const span = pb.span({
      attrs: { "db.system": pb.anyString("pg"), "db.statement": nested, deep: nested },
    });
    const { spans } = decodeProtobufTraces(pb.simpleRequest(span));
    expect(spans[0]?.db).toMatchObject({ system: "pg", statement: null });
  });

  it("reads int, double, bool and negative int values and clamps unknown enums", () => {
    const span = pb.span({
      kind: -1,
      statusCode: 7,
      attrs: {
        "http.response.status_code": pb.anyDouble(503),
        "code.line.number": pb.anyInt(-3),
        "cache.hit": pb.anyBool(true),
      },
    });
    const { spans } = decodeProtobufTraces(pb.simpleRequest(span));
    expect(spans[0]).toMatchObject({
      kind: 0,
      status: "unset",
      http: { statusCode: 503 },
      code: { line: -3 },
      cached: true,
    });
  });

  it("replaces invalid UTF-8 in strings rather than failing the batch", () => {
    const name = pb.cat(pb.lenField(5, Uint8Array.of(0x53, 0x45, 0xff, 0x4c)));
    const { spans } = decodeProtobufTraces(pb.simpleRequest(pb.span({ extra: [name] })));
    expect(spans[0]?.name).toBe("SE\uFFFDL");
  });
});

describe("decodeProtobufTraces on malformed input", () => {
  it("throws bad_request for a payload truncated at every byte offset", () => {
    const payload = protobufOf(nPlusOneBatch(2));
    for (let cut = 1; cut < payload.length; cut++) {
      badRequest(() => decodeProtobufTraces(payload.subarray(0, cut)));
    }
  });

  it("either decodes or throws bad_request for randomly corrupted payloads", () => {
    const payload = protobufOf(nPlusOneBatch(3));
    const random = prng(42);
    for (let round = 0; round < 3000; round++) {
      const corrupt = payload.slice();
      const flips = 1 + Math.floor(random() * 4);
      for (let i = 0; i < flips; i++) {
        corrupt[Math.floor(random() * corrupt.length)] = Math.floor(random() * 256);
      }
      try {
        const result = decodeProtobufTraces(corrupt);
        expect(result.spans.length + result.rejected).toBeLessThanOrEqual(10);
      } catch (err) {
        if (!(err instanceof N1Error) || err.code !== "bad_request") throw err;
      }
    }
  });

  it("names the problem in the error", () => {
    const err = badRequest(() => decodeProtobufTraces(Uint8Array.of(0x0a, 0x05, 0x01)));
    expect(err.message).toMatch(/^invalid protobuf payload: truncated at byte 2/);
    expect(badRequest(() => decodeProtobufTraces(Uint8Array.of(0x0f))).message).toMatch(/wire type 7/);
  });
});
