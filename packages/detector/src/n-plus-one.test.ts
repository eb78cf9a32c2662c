import { SpanKind } from "@n1radar/core";
import { describe, expect, it } from "vitest";
import { detectNPlusOne } from "./n-plus-one.js";
import { defaultDetectorSettings } from "./settings.js";
import { span } from "./test-spans.js";

const t0 = 1_700_000_000_000;
function request() {
  return span({
    name: "GET /posts",
    kind: SpanKind.Server,
    startMs: t0,
    endMs: t0 + 100,
    http: { method: "GET", route: "/posts", path: "/posts", statusCode: 200 },
  });
}

describe("detectNPlusOne", () => {
  it("finds a 1+N under the request, with its source query", () => {
    const root = request();
    const source = span({
      parentSpanId: root.spanId,
      sql: "SELECT * FROM posts",
      startMs: t0 + 1,
      endMs: t0 + 2,
    });
    const loop = Array.from({ length: 6 }, (_, i) =>
      span({
        parentSpanId: root.spanId,
        sql: `SELECT * FROM authors WHERE id = ${i}`,
        startMs: t0 + 3 + i,
        endMs: t0 + 4 + i,
      }),
    );
    const [finding, ...rest] = detectNPlusOne([root, source, ...loop], defaultDetectorSettings);
    expect(rest).toHaveLength(0);
    expect(finding).toMatchObject({
      service: "blog",
      endpoint: "GET /posts",
      statement: "SELECT * FROM authors WHERE id = ?",
      sourceStatement: "SELECT * FROM posts",
      repeats: 6,
      totalMs: 6,
      wastedMs: 5,
    });
    expect(finding?.spans.filter((s) => s.repeated)).toHaveLength(6);
  });

  it("looks through wrapper spans that hold a single query each", () => {
    const root = request();
    const spans = [root];
    for (let i = 0; i < 5; i++) {
      const wrapper = span({
        parentSpanId: root.spanId,
        name: "Author Load",
        startMs: t0 + i,
        endMs: t0 + i + 1,
      });
      spans.push(
        wrapper,
        span({ parentSpanId: wrapper.spanId, sql: `SELECT * FROM authors WHERE id = ${i}` }),
      );
    }
    expect(detectNPlusOne(spans, defaultDetectorSettings)).toHaveLength(1);
  });

  it("does not fire under the threshold, on distinct queries, or on cached spans", () => {
    const root = request();
    const under = Array.from({ length: 4 }, (_, i) =>
      span({ parentSpanId: root.spanId, sql: `SELECT * FROM a WHERE id = ${i}` }),
    );
    const distinct = ["a", "b", "c", "d", "e", "f"].map((t) =>
      span({ parentSpanId: root.spanId, sql: `SELECT * FROM ${t}` }),
    );
    const cached = Array.from({ length: 6 }, () =>
      span({ parentSpanId: root.spanId, sql: "SELECT * FROM c WHERE id = 1", cached: true }),
    );
    expect(detectNPlusOne([root, ...under, ...distinct, ...cached], defaultDetectorSettings)).toEqual([]);
  });

  it("keeps repeats under different requests apart", () => {
    const a = request();
    const b = request();
    const spans = [a, b];
    for (let i = 0; i < 3; i++) {
      spans.push(span({ parentSpanId: a.spanId, sql: "SELECT * FROM x WHERE id = 1" }));
      spans.push(span({ parentSpanId: b.spanId, sql: "SELECT * FROM x WHERE id = 1" }));
    }
    expect(detectNPlusOne(spans, defaultDetectorSettings)).toEqual([]);
  });
});
