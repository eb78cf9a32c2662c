import { SpanKind, type SpanRecord } from "@n1radar/core";
import { describe, expect, it } from "vitest";
import { encodeJsonTraces, msToNanos } from "./encode-json.js";
import { decodeJsonTraces, decodeProtobufTraces } from "./index.js";
import { nPlusOneBatch, protobufOf } from "./test-support/sdk-fixtures.js";

const bytes = (doc: object) => new TextEncoder().encode(JSON.stringify(doc));

/** Decoding what was encoded gives the records back; times to the nanosecond the wire carries. */
function expectRoundTrip(spans: SpanRecord[]): void {
  const back = decodeJsonTraces(bytes(encodeJsonTraces(spans)));
  expect(back.rejected).toBe(0);
  expect(back.spans).toHaveLength(spans.length);
  back.spans.forEach((span, i) => {
    const original = spans[i] as SpanRecord;
    expect(span.startMs).toBeCloseTo(original.startMs, 5);
    expect(span.endMs).toBeCloseTo(original.endMs, 5);
    expect({ ...span, startMs: 0, endMs: 0 }).toEqual({ ...original, startMs: 0, endMs: 0 });
  });
}

// Every field set, so a field added to SpanRecord without an attribute here fails the round trip.
const FULL: SpanRecord = {
  traceId: "0af7651916cd43dd8448eb211c80319c",
  spanId: "b7ad6b7169203331",
  parentSpanId: "00f067aa0ba902b7",
  name: "SELECT blog.authors",
  kind: SpanKind.Client,
  startMs: 1_700_000_000_123.456,
  endMs: 1_700_000_000_125.5,
  status: "error",
  resource: { serviceName: "blog", sdkLanguage: "python", environment: "staging" },
  scope: { name: "opentelemetry.instrumentation.sqlalchemy", version: "0.48b0" },
  db: {
    system: "postgresql",
    statement: "SELECT * FROM authors WHERE id = %(id)s",
    operation: "SELECT",
    collection: "authors",
    namespace: "blog",
    summary: "SELECT authors",
  },
  http: { method: "GET", route: "/posts", path: "/posts", statusCode: 200 },
  code: { function: "views.list_posts", file: "app/views.py", line: 42 },
  unit: { kind: "graphql", name: "query PostAuthors" },
  intent: { maxRepeats: 50, reason: "one query per tenant, by design" },
  cached: true,
};

describe("encodeJsonTraces", () => {
  it("round-trips a span with every field set", () => {
    expectRoundTrip([FULL]);
  });

  it("round-trips a span with every optional part absent", () => {
    expectRoundTrip([
      {
        ...FULL,
        parentSpanId: null,
        status: "unset",
        resource: { serviceName: "blog", sdkLanguage: null, environment: null },
        scope: { name: "manual", version: null },
        db: null,
        http: null,
        code: null,
        unit: null,
        intent: null,
        cached: false,
      },
    ]);
  });

  it("round-trips a loop intended without a bound", () => {
    expectRoundTrip([{ ...FULL, intent: { maxRepeats: null, reason: null } }]);
  });

  it("round-trips every kind of unit of work", () => {
    const units = [
      { kind: "graphql", name: "mutation ImportComments" },
      { kind: "graphql", name: "query { posts }" },
      { kind: "rpc", name: "grpc helloworld.Greeter/SayHello" },
      { kind: "messaging", name: "kafka process orders" },
    ] as const;
    expectRoundTrip(units.map((unit, i) => ({ ...FULL, spanId: `b7ad6b716920333${i}`, unit, http: null })));
  });

  it("round-trips what the real JS SDK sent over protobuf, grouped per resource and scope", () => {
    const spans = decodeProtobufTraces(protobufOf(nPlusOneBatch(6))).spans;
    const other = spans.map((s) => ({ ...s, resource: { ...s.resource, serviceName: "other" } }));
    const doc = encodeJsonTraces([...spans, ...other]) as { resourceSpans: unknown[] };
    expect(doc.resourceSpans).toHaveLength(2);
    expectRoundTrip([...spans, ...other]);
  });

  it("writes nanoseconds without float loss at epoch scale", () => {
    expect(msToNanos(1_700_000_000_123.456)).toBe("1700000000123456000");
    expect(msToNanos(0.5)).toBe("500000");
    expect(msToNanos(1_700_000_000_123 + 0.9996)).toBe("1700000000124000000");
  });
});
