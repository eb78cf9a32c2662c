/**
 * Golden OTLP payloads through the running OTLP/HTTP receiver, written from the specification (OTLP/JSON
 * mapping: hex ids, lowerCamelCase or original field names, enums as integers, int64 as strings or numbers)
 * with the edge cases senders produce. Checks the response and the SpanRecords that reach the queue, so the
 * semantic-convention folding is verified end to end, not only in @n1radar/otlp's unit tests.
 */
import type { SpanRecord } from "@n1radar/core";
import { MAX_STATEMENT_CHARS } from "@n1radar/otlp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hexId, jsonRequest, jsonSpan, nPlusOneSpans, protobufOf } from "./testing/payloads.js";
import { startTestReceivers, type TestReceivers } from "./testing/receivers.js";

let rx: TestReceivers;
beforeAll(async () => {
  rx = await startTestReceivers({ maxBodyBytes: 4 * 1024 * 1024 });
});
afterAll(() => rx.close());

const str = (key: string, value: string) => ({ key, value: { stringValue: value } });
const int = (key: string, value: number | string) => ({ key, value: { intValue: value } });

/** Posts one body and returns the status, the parsed JSON answer and the spans it queued. */
async function send(body: string | Uint8Array, contentType = "application/json") {
  rx.release();
  const before = rx.batches.length;
  const res = await fetch(`${rx.httpUrl}/v1/traces`, {
    method: "POST",
    body,
    headers: { "content-type": contentType },
  });
  const bytes = new Uint8Array(await res.arrayBuffer());
  rx.release();
  const spans: SpanRecord[] = rx.batches.slice(before).flat();
  const answer = contentType === "application/json" ? JSON.parse(new TextDecoder().decode(bytes)) : bytes;
  return { status: res.status, answer, spans };
}

describe("golden OTLP/JSON payloads", () => {
  it("an empty request, and resourceSpans with nothing in them, succeed with no spans", async () => {
    for (const body of ["{}", '{"resourceSpans":[]}', '{"resourceSpans":[{"scopeSpans":[{}]}]}']) {
      const r = await send(body);
      expect([r.status, r.answer, r.spans]).toEqual([200, {}, []]);
    }
  });

  it("a missing resource and scope default to unknown_service and an empty scope", async () => {
    const body = JSON.stringify({ resourceSpans: [{ scopeSpans: [{ spans: [jsonSpan()] }] }] });
    const { spans } = await send(body);
    expect(spans[0]?.resource).toEqual({
      serviceName: "unknown_service",
      sdkLanguage: null,
      environment: null,
    });
    expect(spans[0]?.scope).toEqual({ name: "", version: null });
  });

  it("folds old and new conventions, resource and scope into one span model", async () => {
    const traceId = hexId(16).toUpperCase(); // hex ids are case-insensitive
    const oldDb = jsonSpan({
      traceId,
      kind: 3,
      attributes: [
        str("db.system", "mysql"),
        str("db.statement", "SELECT 1"),
        str("code.namespace", "app.Orders"),
        str("code.function", "list"),
        str("code.filepath", "app/orders.py"),
        int("code.lineno", "42"),
      ],
    });
    const newDb = jsonSpan({
      traceId,
      kind: 3,
      attributes: [
        str("db.system.name", "postgresql"),
        str("db.query.text", "SELECT 2"),
        str("code.function.name", "app.Orders.show"),
        str("code.file.path", "app/orders.ts"),
        int("code.line.number", 7),
      ],
    });
    const oldHttp = jsonSpan({
      traceId,
      attributes: [str("http.method", "GET"), str("http.target", "/o?id=1")],
    });
    const newHttp = jsonSpan({
      traceId,
      attributes: [str("http.request.method", "POST"), str("http.route", "/o/:id"), str("url.path", "/o/1")],
    });
    const resource = {
      attributes: [
        str("service.name", "orders"),
        str("telemetry.sdk.language", "python"),
        str("deployment.environment", "prod"),
      ],
    };
    const body = JSON.stringify({
      resourceSpans: [
        {
          resource,
          scopeSpans: [
            { scope: { name: "sqlalchemy", version: "0.50b0" }, spans: [oldDb, newDb, oldHttp, newHttp] },
          ],
        },
      ],
    });
    const { spans } = await send(body);
    expect(spans.map((s) => s.traceId)).toEqual(Array(4).fill(traceId.toLowerCase()));
    expect(spans[0]).toMatchObject({
      kind: 3,
      db: { system: "mysql", statement: "SELECT 1" },
      code: { function: "app.Orders.list", file: "app/orders.py", line: 42 },
      resource: { serviceName: "orders", sdkLanguage: "python", environment: "prod" },
      scope: { name: "sqlalchemy", version: "0.50b0" },
    });
    expect(spans[1]).toMatchObject({
      db: { system: "postgresql", statement: "SELECT 2" },
      code: { function: "app.Orders.show", file: "app/orders.ts", line: 7 },
    });
    expect(spans[2]?.http).toEqual({ method: "GET", route: null, path: "/o", statusCode: null });
    expect(spans[3]?.http).toMatchObject({ method: "POST", route: "/o/:id", path: "/o/1" });
  });

  it("accepts original snake_case names, int64 as numbers, and ignores unknown fields everywhere", async () => {
    const span = {
      trace_id: hexId(16),
      span_id: hexId(8),
      parent_span_id: hexId(8),
      name: "q",
      kind: 3,
      start_time_unix_nano: 1_700_000_000_000_000_000,
      end_time_unix_nano: "1700000000002000000",
      attributes: [{ key: "db.system", value: { string_value: "redis" }, future: 1 }],
      brandNewField: { nested: [1, 2, 3] },
    };
    const body = JSON.stringify({
      resource_spans: [
        { schema_url: "x", scope_spans: [{ scope: { name: "s", extra: true }, spans: [span] }] },
      ],
      unknownTopLevel: "ignored",
    });
    const { status, spans } = await send(body);
    expect(status).toBe(200);
    expect(spans[0]).toMatchObject({ kind: 3, db: { system: "redis" }, endMs: spans[0]!.startMs + 2 });
  });

  it("reads huge attribute values, keeping a statement's first MAX_STATEMENT_CHARS, and skips nested ones", async () => {
    const statement = `SELECT '${"x".repeat(512 * 1024)}'`;
    const nested = `${'{"arrayValue":{"values":['.repeat(30)}{"intValue":"1"}${"]}}".repeat(30)}`;
    const span = JSON.stringify(
      jsonSpan({ attributes: [str("db.system", "pg"), str("db.statement", statement)] }),
    );
    const deep = span.replace('"attributes":[', `"attributes":[{"key":"deep","value":${nested}},`);
    const { status, spans } = await send(jsonRequest([]).replace('"spans":[]', `"spans":[${deep}]`));
    expect(status).toBe(200);
    expect(spans[0]?.db?.statement).toBe(statement.slice(0, MAX_STATEMENT_CHARS));
  });

  it("refuses JSON nested past 128 levels with a 400, before the costly parse", async () => {
    const nested = `${'{"arrayValue":{"values":['.repeat(20_000)}{"intValue":"1"}${"]}}".repeat(20_000)}`;
    const span = JSON.stringify(jsonSpan({ attributes: [str("db.system", "pg")] }));
    const deep = span.replace('"attributes":[', `"attributes":[{"key":"deep","value":${nested}},`);
    const { status, answer } = await send(jsonRequest([]).replace('"spans":[]', `"spans":[${deep}]`));
    expect(status).toBe(400);
    expect(answer.message).toMatch(/nested deeper than 128 levels/);
  });

  it("rejects invalid ids span by span, as a partial success naming them", async () => {
    const body = jsonRequest([
      jsonSpan(),
      jsonSpan({ traceId: "abc" }),
      jsonSpan({ traceId: "0".repeat(32) }),
      jsonSpan({ spanId: "zz".repeat(8) }),
      jsonSpan({ parentSpanId: "123" }),
    ]);
    const { status, answer, spans } = await send(body);
    expect(status).toBe(200);
    expect(spans).toHaveLength(1);
    expect(answer.partialSuccess.rejectedSpans).toBe("4");
    expect(answer.partialSuccess.errorMessage).toMatch(
      /spans\[1\]\.traceId.*spans\[2\]\.traceId.*spans\[3\]\.spanId/,
    );
  });

  it("refuses a JSON body that is not valid UTF-8 with 400", async () => {
    const bytes = new TextEncoder().encode(jsonRequest([jsonSpan({ name: "caf\u00e9" })]));
    const at = bytes.indexOf(0xc3);
    bytes[at] = 0xff;
    const { status, answer } = await send(bytes);
    expect(status).toBe(400);
    expect(answer.message).toMatch(/not valid UTF-8/);
  });
});

describe("golden OTLP/protobuf payloads", () => {
  it("keeps a span whose string was cut mid-character, with U+FFFD in its place", async () => {
    const spans = nPlusOneSpans();
    const bytes = protobufOf(spans);
    const needle = new TextEncoder().encode("SELECT id, customer_id");
    const at = Buffer.from(bytes).indexOf(needle);
    bytes[at] = 0xff;
    const r = await send(bytes, "application/x-protobuf");
    expect(r.status).toBe(200);
    expect(
      r.spans.find((s) => s.db?.statement?.endsWith("ELECT id, customer_id FROM orders"))?.db?.statement,
    ).toBe("\ufffdELECT id, customer_id FROM orders");
  });
});
