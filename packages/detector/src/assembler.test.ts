import type { SpanRecord } from "@n1radar/core";
import { SpanKind } from "@n1radar/core";
import { describe, expect, it } from "vitest";
import { TraceAssembler } from "./assembler.js";
import { detect } from "./detect.js";
import { defaultDetectorSettings } from "./settings.js";
import { span, traceBuilder } from "./testing/spans.js";

// No grace: these tests hold the release rules themselves; assembler-grace.test.ts adds the grace on top.
const settings = {
  waitMs: 1000,
  maxOpenTraces: 100,
  maxSpansPerTrace: 1000,
  maxOpenSpans: 10_000,
  graceMs: 0,
};
const ids = (sets: SpanRecord[][]) => sets.map((set) => set.map((s) => s.spanId).sort());

/** A request with six lookups; children first, the request span last, as an SDK exports them. */
function loopTrace(service = "blog") {
  const t = traceBuilder({ service });
  const root = t.request();
  for (let i = 0; i < 6; i++) t.query(root, `SELECT * FROM authors WHERE id = ${i}`);
  return { t, root, children: t.spans.filter((s) => s !== root) };
}

describe("TraceAssembler: release on the request span", () => {
  it("releases a request when its span arrives, across batches and out of order", () => {
    const asm = new TraceAssembler(settings);
    const { root, children } = loopTrace();
    const [a, b, c, d, e, f] = children as [
      SpanRecord,
      SpanRecord,
      SpanRecord,
      SpanRecord,
      SpanRecord,
      SpanRecord,
    ];
    expect(asm.add([e, b], 0)).toEqual([]);
    expect(asm.add([f], 1)).toEqual([]);
    expect(asm.add([d, a, c], 2)).toEqual([]);
    const ready = asm.add([root], 3);
    expect(ids(ready)).toEqual(ids([[root, ...children]]));
    expect(asm.stats()).toMatchObject({ openSpans: 0, releasedRequests: 1, lateSpans: 0 });
    expect(detect(ready[0] ?? [], defaultDetectorSettings)).toHaveLength(1);
  });

  it("releases with the whole batch even when the request span comes first in it", () => {
    const asm = new TraceAssembler(settings);
    const { root, children } = loopTrace();
    expect(ids(asm.add([root, ...children], 0))).toEqual(ids([[root, ...children]]));
  });

  it("judges each service's request on its own, whatever the order, parents in another service", () => {
    const t = traceBuilder({ service: "frontend" });
    const front = t.request("/page");
    const client = t.wrap(front, "GET http://api/posts", () => {}, { kind: SpanKind.Client });
    const api = traceBuilder({ service: "api", traceId: t.traceId });
    const server = api.request("/posts", "GET", { parentSpanId: client.spanId });
    for (let i = 0; i < 5; i++) api.query(server, `SELECT * FROM authors WHERE id = ${i}`);
    const asm = new TraceAssembler(settings);
    // The API's spans arrive first; the frontend's request span never arrives in this test.
    const apiReady = asm.add([...api.spans].reverse(), 0);
    expect(ids(apiReady)).toEqual(ids([api.spans]));
    expect(asm.add([client], 1)).toEqual([]);
    expect(asm.stats().lateSpans).toBe(0);
    expect(ids(asm.add([front], 2))).toEqual(ids([[front, client]]));
  });

  it("releases an inner SERVER span's request before the outer one, without overlap", () => {
    const t = traceBuilder();
    const outer = t.request("/outer");
    const inner = t.request("/inner", "GET", { parentSpanId: outer.spanId });
    const q1 = t.query(inner, "SELECT 1 FROM a");
    const q2 = t.query(outer, "SELECT 1 FROM b");
    const asm = new TraceAssembler(settings);
    expect(ids(asm.add([q1, inner], 0))).toEqual(ids([[inner, q1]]));
    expect(ids(asm.add([q2, outer], 1))).toEqual(ids([[outer, q2]]));
  });

  it("waits for a handler span that ends after the request span (Express), then releases it all", () => {
    const t = traceBuilder({ language: "nodejs" });
    const root = t.request();
    const handler = t.wrap(root, "request handler - /posts", (w) => {
      for (let i = 0; i < 5; i++) t.query(w, `SELECT * FROM authors WHERE id = ${i}`);
    });
    const queries = t.spans.filter((s) => s.db !== null);
    const asm = new TraceAssembler(settings);
    expect(asm.add([...queries, root], 0)).toEqual([]); // the queries' parent has not arrived yet: wait
    const ready = asm.add([handler], 1);
    expect(ids(ready)).toEqual(ids([t.spans]));
    expect(detect(ready[0] ?? [], defaultDetectorSettings)).toMatchObject([
      { endpoint: "GET /posts", repeats: 5 },
    ]);
  });

  it("releases a waiting request after waitMs when the spans it waited for never attach", () => {
    const t = traceBuilder();
    const root = t.request();
    const lost = t.query(root, "SELECT 1 FROM a", { parentSpanId: "e".repeat(16) });
    const asm = new TraceAssembler(settings);
    expect(asm.add([lost, root], 0)).toEqual([]);
    expect(ids(asm.takeExpired(1_000))).toEqual(ids([[root], [lost]]));
  });
});

describe("TraceAssembler: late, duplicate and orphan spans", () => {
  it("drops spans that arrive after their request was judged, with their waiting children", () => {
    const t = traceBuilder();
    const root = t.request();
    const early = t.query(root, "SELECT * FROM posts");
    let late: SpanRecord | undefined;
    const wrapper = t.wrap(root, "Author Load", (w) => {
      late = t.query(w, "SELECT * FROM authors WHERE id = 1");
    });
    const asm = new TraceAssembler(settings);
    expect(asm.add([early, root], 0)).toHaveLength(1);
    expect(asm.add([late as SpanRecord], 10)).toEqual([]); // parent unknown yet: waits
    expect(asm.add([wrapper], 20)).toEqual([]); // parent judged: late, and so is its waiting child
    expect(asm.stats()).toMatchObject({ lateSpans: 2, openSpans: 0 });
    expect(asm.takeExpired(5_000)).toEqual([]);
    expect(asm.stats()).toMatchObject({ openTraces: 0, judgedTraces: 0, rememberedIds: 0 });
  });

  it("does not count a loop twice when half of it arrives late", () => {
    const { root, children } = loopTrace();
    const asm = new TraceAssembler(settings);
    const judged = [...asm.add([...children.slice(0, 3), root], 0), ...asm.add(children.slice(3), 1)];
    judged.push(...asm.takeExpired(10_000));
    const findings = judged.flatMap((set) => detect(set, defaultDetectorSettings));
    expect(findings).toEqual([]); // three before the request span, three late: neither half is a loop of five
    expect(asm.stats().lateSpans).toBe(3);
    // The twin: all six before the request span are one loop of six.
    const whole = loopTrace();
    const judgedWhole = new TraceAssembler(settings).add([...whole.children, whole.root], 0);
    expect(judgedWhole.flatMap((set) => detect(set, defaultDetectorSettings))).toMatchObject([
      { repeats: 6 },
    ]);
  });

  it("drops a span sent twice (exporter retry)", () => {
    const { root, children } = loopTrace();
    const asm = new TraceAssembler(settings);
    asm.add(children, 0);
    asm.add(children.slice(0, 2), 1);
    asm.add([root, root], 2);
    expect(asm.stats()).toMatchObject({ duplicateSpans: 3, releasedRequests: 1, openSpans: 0 });
  });

  it("judges spans whose parent never comes after the trace has been quiet for waitMs", () => {
    const { children } = loopTrace();
    const asm = new TraceAssembler(settings);
    asm.add(children.slice(0, 3), 0);
    asm.add(children.slice(3), 500);
    expect(asm.takeExpired(1_400)).toEqual([]);
    const ready = asm.takeExpired(1_500);
    expect(ids(ready)).toEqual(ids([children]));
    expect(asm.stats()).toMatchObject({ timedOutTraces: 1, openTraces: 0 });
    expect(detect(ready[0] ?? [], defaultDetectorSettings)).toMatchObject([
      { endpoint: "(unknown endpoint)", repeats: 6 },
    ]);
  });

  it("judges everything still waiting on takeAll (shutdown)", () => {
    const asm = new TraceAssembler(settings);
    asm.add(loopTrace().children, 0);
    asm.add(loopTrace().children, 0);
    expect(asm.takeAll()).toHaveLength(2);
    expect(asm.stats()).toMatchObject({ openTraces: 0, openSpans: 0 });
  });
});

describe("TraceAssembler: bounded memory", () => {
  const orphan = (traceId: string) => span({ traceId, parentSpanId: "f".repeat(16) });

  it("a flood of unfinished traces evicts the oldest, counted", () => {
    const asm = new TraceAssembler({ ...settings, maxOpenTraces: 50 });
    let released = 0;
    for (let i = 0; i < 10_000; i++)
      released += asm.add([orphan(i.toString(16).padStart(32, "0"))], i).length;
    expect(asm.stats()).toMatchObject({ openTraces: 50, openSpans: 50, evictedTraces: 9_950 });
    expect(released).toBe(9_950);
  });

  it("bounds waiting spans across traces and per trace", () => {
    const asm = new TraceAssembler({ ...settings, maxOpenSpans: 10, maxSpansPerTrace: 4 });
    const trace = "a".repeat(32);
    asm.add(
      Array.from({ length: 6 }, () => orphan(trace)),
      0,
    );
    expect(asm.stats()).toMatchObject({ openSpans: 4, droppedSpans: 2 });
    for (let i = 0; i < 4; i++)
      asm.add(
        Array.from({ length: 3 }, () => orphan(`${i}`.repeat(32))),
        1,
      );
    expect(asm.stats().openSpans).toBeLessThanOrEqual(10);
    expect(asm.stats().evictedTraces).toBeGreaterThan(0);
  });

  it("forgets judged traces after waitMs, so remembered ids do not pile up", () => {
    const asm = new TraceAssembler(settings);
    for (let i = 0; i < 20; i++) {
      const { root, children } = loopTrace();
      asm.add([...children, root], i);
    }
    // Only the request spans' ids are remembered: database calls are leaves, never a late span's parent.
    expect(asm.stats()).toMatchObject({ openTraces: 0, openSpans: 0, judgedTraces: 20, rememberedIds: 20 });
    asm.takeExpired(2_000);
    expect(asm.stats()).toMatchObject({ judgedTraces: 0, rememberedIds: 0 });
  });
});
