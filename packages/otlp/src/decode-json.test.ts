import { SpanKind as Kind } from "@n1radar/core";
import { describe, expect, it } from "vitest";
import { MAX_STATEMENT_CHARS } from "./fold.js";
import { decodeJsonTraces, decodeProtobufTraces } from "./index.js";
import { badRequest } from "./test-support/expect-n1.js";
import {
  jsonOf,
  makeSpan,
  nPlusOneBatch,
  protobufOf,
  ROOT_ID,
  SpanKind,
  SpanStatusCode,
  START_MS,
  TRACE_ID,
} from "./test-support/sdk-fixtures.js";

const encode = (doc: unknown) =>
  new TextEncoder().encode(typeof doc === "string" ? doc : JSON.stringify(doc));

const SPAN = {
  traceId: "5B8EFFF798038103D269B633813FC60C",
  spanId: "EEE19B7EC3C1B174",
  name: "SELECT",
  kind: 3,
  startTimeUnixNano: "1700000000123456789",
  endTimeUnixNano: "1700000000125956789",
};

/** A request around spans, with a service resource and a scope. */
function doc(spans: unknown[], extra: Record<string, unknown> = {}) {
  return {
    resourceSpans: [
      {
        resource: { attributes: [{ key: "service.name", value: { stringValue: "shop" } }] },
        scopeSpans: [{ scope: { name: "pg", version: "1.0" }, spans }],
      },
    ],
    ...extra,
  };
}

const decode = (d: unknown) => decodeJsonTraces(encode(d));

describe("decodeJsonTraces with SDK-encoded payloads", () => {
  it("decodes the JS SDK's JSON exactly like its protobuf", () => {
    const batch = [
      ...nPlusOneBatch(3),
      makeSpan({ spanId: "00000000000000aa", kind: SpanKind.CONSUMER, status: SpanStatusCode.ERROR }),
    ];
    const fromJson = decodeJsonTraces(jsonOf(batch));
    expect(fromJson.rejected).toBe(0);
    expect(fromJson.spans).toHaveLength(5);
    const fromProtobuf = decodeProtobufTraces(protobufOf(batch));
    expect(fromJson.spans.map(({ startMs, endMs, ...rest }) => rest)).toEqual(
      fromProtobuf.spans.map(({ startMs, endMs, ...rest }) => rest),
    );
    fromJson.spans.forEach((span, i) => {
      expect(span.startMs).toBeCloseTo(fromProtobuf.spans[i]?.startMs ?? 0, 3);
      expect(span.endMs).toBeCloseTo(fromProtobuf.spans[i]?.endMs ?? 0, 3);
    });
    expect(fromJson.spans[0]).toMatchObject({ traceId: TRACE_ID, spanId: ROOT_ID, kind: Kind.Server });
    expect(fromJson.spans[0]?.startMs).toBeCloseTo(START_MS, 3);
    expect(fromJson.spans[4]).toMatchObject({ kind: Kind.Consumer, status: "error" });
  });
  it("reads a one-element array attribute as its element, in JSON and protobuf alike", () => {
    // What the AWS SDK instrumentations send: the table only in aws.dynamodb.table_names.
    const dynamo = (id: string, tables: string[]) =>
      makeSpan({
        spanId: id,
        name: "DynamoDB.GetItem",
        attributes: {
          "db.system": "dynamodb",
          "db.operation": "GetItem",
          "aws.dynamodb.table_names": tables,
        },
      });
    const batch = [dynamo("00000000000000a1", ["users"]), dynamo("00000000000000a2", ["users", "orders"])];
    for (const { spans } of [decodeJsonTraces(jsonOf(batch)), decodeProtobufTraces(protobufOf(batch))]) {
      expect(spans[0]?.db).toMatchObject({ system: "dynamodb", operation: "GetItem", collection: "users" });
      // Two tables (BatchGetItem) name no single collection.
      expect(spans[1]?.db?.collection).toBeNull();
    }
  });
});

describe("decodeJsonTraces with golden payloads", () => {
  it("accepts an empty request", () => {
    expect(decode({})).toEqual({ spans: [], rejected: 0, errors: [] });
    expect(decode({ resourceSpans: [] })).toEqual({ spans: [], rejected: 0, errors: [] });
    expect(decode({ resourceSpans: null })).toEqual({ spans: [], rejected: 0, errors: [] });
  });

  it("lower-cases hex ids, keeps nanosecond precision and defaults a missing resource", () => {
    const { spans } = decode({ resourceSpans: [{ scopeSpans: [{ spans: [SPAN] }] }] });
    expect(spans[0]).toMatchObject({
      traceId: "5b8efff798038103d269b633813fc60c",
      spanId: "eee19b7ec3c1b174",
      parentSpanId: null,
      resource: { serviceName: "unknown_service", sdkLanguage: null, environment: null },
      scope: { name: "", version: null },
    });
    expect((spans[0]?.startMs ?? 0) - 1_700_000_000_123).toBeCloseTo(0.456789, 3);
    expect((spans[0]?.endMs ?? 0) - (spans[0]?.startMs ?? 0)).toBeCloseTo(2.5, 6);
  });

  it("accepts snake_case field names, int64 as strings or numbers, and enum names", () => {
    const snake = {
      trace_id: SPAN.traceId,
      span_id: SPAN.spanId,
      parent_span_id: "b7ad6b7169203331",
      name: "q",
      kind: "SPAN_KIND_CLIENT",
      start_time_unix_nano: 1_700_000_000_000_000_000,
      end_time_unix_nano: "1700000000002000000",
      status: { code: "STATUS_CODE_ERROR" },
      attributes: [
        { key: "db.system", value: { string_value: "mysql" } },
        { key: "http.status_code", value: { int_value: "500" } },
        { key: "code.lineno", value: { intValue: 12 } },
        { key: "cache.hit", value: { bool_value: true } },
      ],
    };
    const body = { resource_spans: [{ scope_spans: [{ spans: [snake] }] }] };
    const { spans, rejected } = decode(body);
    expect(rejected).toBe(0);
    expect(spans[0]).toMatchObject({
      parentSpanId: "b7ad6b7169203331",
      kind: Kind.Client,
      status: "error",
      db: { system: "mysql" },
      http: { statusCode: 500 },
      code: { line: 12 },
      cached: true,
    });
    expect((spans[0]?.endMs ?? 0) - (spans[0]?.startMs ?? 0)).toBeCloseTo(2, 3);
  });

  it("ignores unknown fields everywhere", () => {
    const noisy = {
      ...SPAN,
      flags: 257,
      futureField: { a: [1, 2] },
      events: [{ name: "e" }],
      attributes: [{ key: "db.system", value: { stringValue: "pg", futureValue: 1 }, extra: true }],
    };
    const body = {
      future: 1,
      resourceSpans: [
        {
          schemaUrl: "x",
          resource: { attributes: [], entityRefs: [] },
          scopeSpans: [{ x: 1, spans: [noisy] }],
        },
      ],
    };
    const { spans, rejected } = decode(body);
    expect(rejected).toBe(0);
    expect(spans[0]?.db?.system).toBe("pg");
  });

  it("rejects spans with bad fields individually, naming the path", () => {
    const bad = [
      { ...SPAN, traceId: "xyz" },
      { ...SPAN, spanId: "0000000000000000" },
      { ...SPAN, parentSpanId: 7 },
      "not a span",
      { ...SPAN, startTimeUnixNano: "-5" },
      { ...SPAN, kind: "SPAN_KIND_BOGUS" },
      { ...SPAN, attributes: [{ key: "db.statement", value: { stringValue: 5 } }] },
    ];
    const good = { ...SPAN, parentSpanId: "" };
    const { spans, rejected, errors } = decode(doc([...bad, good]));
    expect(spans).toHaveLength(1);
    expect(rejected).toBe(bad.length);
    expect(errors).toEqual([
      "resourceSpans[0].scopeSpans[0].spans[0].traceId: expected 32 hex characters",
      "resourceSpans[0].scopeSpans[0].spans[1].spanId: an all-zero id is invalid",
      "resourceSpans[0].scopeSpans[0].spans[2].parentSpanId: expected 16 hex characters or empty",
      "resourceSpans[0].scopeSpans[0].spans[3]: expected an object",
      "resourceSpans[0].scopeSpans[0].spans[4].startTimeUnixNano: expected unsigned 64-bit integer nanoseconds (string or number)",
    ]);
    const more = decode(doc(bad.slice(5)));
    expect(more.errors).toEqual([
      "resourceSpans[0].scopeSpans[0].spans[0].kind: expected an enum integer or name",
      "resourceSpans[0].scopeSpans[0].spans[1].attributes[0].value.stringValue: expected a string",
    ]);
  });

  it("fails the request when a container has the wrong shape", () => {
    const cases: [unknown, string][] = [
      ["[1]", "expected a JSON object"],
      [{ resourceSpans: {} }, "resourceSpans: expected an array"],
      [{ resourceSpans: [5] }, "resourceSpans[0]: expected an object"],
      [{ resourceSpans: [{ resource: [] }] }, "resourceSpans[0].resource: expected an object"],
      [
        { resourceSpans: [{ resource: { attributes: [{ key: 1 }] } }] },
        "resourceSpans[0].resource.attributes[0].key: expected a string",
      ],
      [
        { resourceSpans: [{ scopeSpans: [{}, { spans: "x" }] }] },
        "resourceSpans[0].scopeSpans[1].spans: expected an array",
      ],
      [
        { resourceSpans: [{ scopeSpans: [{ scope: { name: 3 } }] }] },
        "resourceSpans[0].scopeSpans[0].scope.name",
      ],
    ];
    for (const [body, message] of cases) {
      expect(badRequest(() => decode(body)).message).toContain(message);
    }
  });

  it("rejects invalid UTF-8 and invalid JSON with a clear bad_request", () => {
    const invalidUtf8 = Uint8Array.of(0x7b, 0x22, 0xff, 0x22, 0x3a, 0x31, 0x7d);
    expect(badRequest(() => decodeJsonTraces(invalidUtf8)).message).toMatch(/not valid UTF-8/);
    expect(badRequest(() => decode("{")).message).toMatch(/^invalid OTLP\/JSON payload: /);
    expect(badRequest(() => decodeJsonTraces(new Uint8Array(0))).code).toBe("bad_request");
  });

  it("accepts a UTF-8 byte order mark and non-ASCII text", () => {
    const body = new Uint8Array([0xef, 0xbb, 0xbf, ...encode(doc([{ ...SPAN, name: "SELECT “ü” 🚀" }]))]);
    expect(decodeJsonTraces(body).spans[0]?.name).toBe("SELECT “ü” 🚀");
  });

  it("reads a 1 MB attribute value and keeps the statement's first MAX_STATEMENT_CHARS", () => {
    const big = "x".repeat(1024 * 1024);
    const attributes = [{ key: "db.statement", value: { stringValue: big } }];
    expect(decode(doc([{ ...SPAN, attributes }])).spans[0]?.db?.statement).toBe(
      big.slice(0, MAX_STATEMENT_CHARS),
    );
  });

  it("ignores nested attribute values, and refuses nesting past MAX_JSON_DEPTH before parsing", () => {
    const nestedBody = (depth: number) => {
      const nested = `${'{"arrayValue":{"values":['.repeat(depth)}{"stringValue":"x"}${"]}}".repeat(depth)}`;
      const span = JSON.stringify({
        ...SPAN,
        attributes: [{ key: "db.system", value: { stringValue: "pg" } }],
      });
      const withDeep = span.replace(
        '"attributes":[',
        `"attributes":[{"key":"db.statement","value":${nested}},{"key":"deep","value":${nested}},`,
      );
      return `{"resourceSpans":[{"scopeSpans":[{"spans":[${withDeep}]}]}]}`;
    };
    // 30 levels of attribute values (three JSON levels each, about 100 in all) are kept: the span stays,
    // the nested value is skipped.
    expect(decode(nestedBody(30)).spans[0]?.db).toMatchObject({ system: "pg", statement: null });
    // 50,000 levels would hold the event loop for seconds inside JSON.parse.
    const started = performance.now();
    expect(() => decode(nestedBody(50_000))).toThrow(/nested deeper than 128 levels at byte \d+/);
    expect(performance.now() - started).toBeLessThan(1_000);
  });
});
