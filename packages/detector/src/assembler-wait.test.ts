/**
 * The assembler's wait for late request spans, each negative next to its positive twin: an SDK exports a
 * request's queries as they end and the request span in a later batch (5 s later by default), so the wait must
 * outlast that, and a request span that comes after its trace was judged without it must not make a second,
 * partial request.
 */
import type { SpanRecord } from "@n1radar/core";
import { SpanKind } from "@n1radar/core";
import { describe, expect, it } from "vitest";
import { TraceAssembler } from "./assembler.js";
import { detect } from "./detect.js";
import { defaultDetectorSettings } from "./settings.js";
import { traceBuilder } from "./testing/spans.js";

const WAIT = 30_000;
// No grace: these tests hold the wait itself; assembler-grace.test.ts adds the grace on top.
const settings = {
  waitMs: WAIT,
  maxOpenTraces: 100,
  maxSpansPerTrace: 1000,
  maxOpenSpans: 10_000,
  graceMs: 0,
};
const findingsOf = (sets: SpanRecord[][]) => sets.flatMap((set) => detect(set, defaultDetectorSettings));

/** A request with six lookups; children first, the request span last, as an SDK exports them. */
function loopTrace(service = "blog") {
  const t = traceBuilder({ service });
  const root = t.request();
  for (let i = 0; i < 6; i++) t.query(root, `SELECT * FROM authors WHERE id = ${i}`);
  return { t, root, children: t.spans.filter((s) => s !== root) };
}

describe("TraceAssembler: the request span in a later export batch", () => {
  it("judges one whole request when the request span comes 5 s (an SDK's batch delay) after its queries", () => {
    const asm = new TraceAssembler(settings);
    const { root, children } = loopTrace();
    expect(asm.add(children, 0)).toEqual([]);
    expect(asm.takeExpired(5_000)).toEqual([]); // the old 2 s idle time would have judged them here
    const ready = asm.add([root], 5_000);
    expect(findingsOf(ready)).toMatchObject([{ endpoint: "GET /posts", repeats: 6 }]);
    expect(asm.stats()).toMatchObject({ releasedRequests: 1, timedOutTraces: 0, openSpans: 0 });
  });

  it("judges the queries alone once the wait runs out, and then drops their late request span", () => {
    const asm = new TraceAssembler(settings);
    const { root, children } = loopTrace();
    asm.add(children, 0);
    expect(asm.takeExpired(WAIT - 1)).toEqual([]);
    const early = asm.takeExpired(WAIT);
    expect(findingsOf(early)).toMatchObject([{ endpoint: "(unknown endpoint)", repeats: 6 }]);
    expect(asm.add([root], WAIT + 1_000)).toEqual([]);
    expect(asm.stats()).toMatchObject({ timedOutTraces: 1, lateRequestSpans: 1, releasedRequests: 0 });
    expect(asm.takeAll()).toEqual([]); // the late request span is not judged on its own later either
  });

  it("drops the late request span's children that come after it, and the ones that came before it", () => {
    const asm = new TraceAssembler(settings);
    const t = traceBuilder();
    const root = t.request();
    const q = Array.from({ length: 6 }, (_, i) => t.query(root, `SELECT * FROM authors WHERE id = ${i}`));
    asm.add(q.slice(0, 2), 0);
    asm.takeExpired(WAIT);
    asm.add(q.slice(2, 4), WAIT + 100); // their parent's other children were judged: late
    asm.add([root], WAIT + 200);
    asm.add(q.slice(4), WAIT + 300);
    expect(asm.stats()).toMatchObject({ lateSpans: 4, lateRequestSpans: 1, openSpans: 0 });
    expect(asm.takeAll()).toEqual([]);
  });

  it("recognises a request span as late only while its trace is remembered (the wait again)", () => {
    const asm = new TraceAssembler(settings);
    const { root, children } = loopTrace();
    asm.add(children, 0);
    asm.takeExpired(WAIT);
    asm.takeExpired(2 * WAIT); // forgotten: ids are kept for one wait after the judgement
    expect(asm.stats()).toMatchObject({ judgedTraces: 0, rememberedIds: 0 });
    expect(asm.add([root], 2 * WAIT)).toEqual([[root]]); // a request with no calls: nothing to report
    expect(asm.stats()).toMatchObject({ lateRequestSpans: 0, releasedRequests: 1 });
  });

  it("waits in quiet time: a slow request whose queries keep coming is not cut, a silent one is", () => {
    const slow = new TraceAssembler(settings);
    const { root, children } = loopTrace();
    for (const [i, child] of children.entries()) {
      slow.add([child], i * 20_000); // 100 s in all, never 30 s apart
      expect(slow.takeExpired(i * 20_000 + 19_999)).toEqual([]);
    }
    expect(findingsOf(slow.add([root], 110_000))).toMatchObject([{ endpoint: "GET /posts", repeats: 6 }]);

    const silent = new TraceAssembler(settings);
    silent.add(children.slice(0, 3), 0);
    expect(silent.takeExpired(WAIT)).toHaveLength(1); // a gap of a whole wait: judged without the rest
    silent.add(children.slice(3), WAIT + 5_000);
    expect(silent.add([root], WAIT + 6_000)).toEqual([]);
    expect(silent.stats()).toMatchObject({ lateSpans: 3, lateRequestSpans: 1, releasedRequests: 0 });
  });
});

describe("TraceAssembler: eviction, other services and handler spans under the longer wait", () => {
  it("drops the request span of a trace evicted for memory, and releases one that was not evicted", () => {
    const asm = new TraceAssembler({ ...settings, maxOpenTraces: 1 });
    const first = loopTrace();
    const second = loopTrace();
    asm.add(first.children, 0);
    const evicted = asm.add(second.children, 1); // two traces waiting, room for one: the older goes
    expect(findingsOf(evicted)).toMatchObject([{ endpoint: "(unknown endpoint)" }]);
    expect(asm.add([first.root], 2)).toEqual([]);
    expect(findingsOf(asm.add([second.root], 3))).toMatchObject([{ endpoint: "GET /posts", repeats: 6 }]);
    expect(asm.stats()).toMatchObject({ evictedTraces: 1, lateRequestSpans: 1, releasedRequests: 1 });
  });

  it("bounds the judged traces it remembers, forgetting the oldest", () => {
    const asm = new TraceAssembler({ ...settings, maxOpenTraces: 10 });
    for (let i = 0; i < 50; i++) {
      const { root, children } = loopTrace();
      asm.add([...children, root], i);
    }
    expect(asm.stats()).toMatchObject({ judgedTraces: 10, forgottenTraces: 40, releasedRequests: 50 });
  });

  it("waits for a frontend's request span while its backend's requests come and go", () => {
    const front = traceBuilder({ service: "frontend" });
    const page = front.request("/page");
    const pageQueries = Array.from({ length: 5 }, (_, i) =>
      front.query(page, `SELECT * FROM widgets WHERE id = ${i}`),
    );
    const client = front.wrap(page, "GET http://api/posts", () => {}, { kind: SpanKind.Client });
    const api = traceBuilder({ service: "api", traceId: front.traceId });
    const server = api.request("/posts", "GET", { parentSpanId: client.spanId });
    for (let i = 0; i < 5; i++) api.query(server, `SELECT * FROM authors WHERE id = ${i}`);
    const asm = new TraceAssembler(settings);
    asm.add(pageQueries, 0);
    expect(findingsOf(asm.add([...api.spans].reverse(), 4_000))).toMatchObject([{ service: "api" }]);
    expect(asm.takeExpired(10_000)).toEqual([]);
    const ready = asm.add([client, page], 10_000);
    expect(findingsOf(ready)).toMatchObject([{ service: "frontend", endpoint: "GET /page", repeats: 5 }]);
    expect(asm.stats()).toMatchObject({ releasedRequests: 2, lateSpans: 0, timedOutTraces: 0 });
  });

  it("waits for an Express handler span that comes in a later batch; without it, judges at the wait", () => {
    const build = () => {
      const t = traceBuilder({ language: "nodejs" });
      const root = t.request();
      const handler = t.wrap(root, "request handler - /posts", (w) => {
        for (let i = 0; i < 5; i++) t.query(w, `SELECT * FROM authors WHERE id = ${i}`);
      });
      return { root, handler, queries: t.spans.filter((s) => s.db !== null) };
    };
    const late = build();
    const asm = new TraceAssembler(settings);
    asm.add([...late.queries, late.root], 0);
    expect(asm.takeExpired(5_000)).toEqual([]);
    expect(findingsOf(asm.add([late.handler], 5_000))).toMatchObject([
      { endpoint: "GET /posts", repeats: 5 },
    ]);

    const lost = build();
    const alone = new TraceAssembler(settings);
    alone.add([...lost.queries, lost.root], 0);
    const judged = alone.takeExpired(WAIT);
    expect(judged.map((set) => set.length)).toEqual([1, 5]); // the request, then its orphaned queries
    expect(alone.add([lost.handler], WAIT + 1)).toEqual([]); // the handler came too late: dropped
    expect(alone.stats()).toMatchObject({ lateRequestSpans: 1, timedOutTraces: 1 });
  });

  it("does not hold a request for its service's next request in the trace, only for spans within its time", () => {
    // A gateway calls the API twice in one trace; the batch holds the first call's spans and the second's
    // queries, whose request span comes in the next batch.
    const gateway = traceBuilder({ service: "gateway" });
    const page = gateway.request("/page");
    const api = traceBuilder({ service: "api", traceId: gateway.traceId });
    const first = api.request("/posts", "GET", { parentSpanId: page.spanId });
    for (let i = 0; i < 5; i++) api.query(first, `SELECT * FROM authors WHERE id = ${i}`);
    first.endMs = api.spans.at(-1)?.endMs ?? first.startMs;
    api.idle(5);
    const second = api.request("/tags", "GET", { parentSpanId: page.spanId });
    for (let i = 0; i < 5; i++) api.query(second, `SELECT * FROM tags WHERE id = ${i}`);
    const secondQueries = api.spans.slice(-5);
    const asm = new TraceAssembler(settings);
    const ready = asm.add([...api.spans.slice(1, 6), first, ...secondQueries], 0);
    expect(findingsOf(ready)).toMatchObject([{ endpoint: "GET /posts", repeats: 5 }]);
    expect(findingsOf(asm.add([second], 5_000))).toMatchObject([{ endpoint: "GET /tags", repeats: 5 }]);

    // The same queries, had they run during the first request (unknown parent): the first request waits.
    const during = new TraceAssembler(settings);
    const overlapping = secondQueries.map((q) => ({ ...q, startMs: first.startMs + 1 }));
    expect(during.add([...api.spans.slice(1, 6), first, ...overlapping], 0)).toEqual([]);
  });
});

describe("TraceAssembler: how long the quietest open trace has waited", () => {
  it("reports when the least recently touched open trace last got a span, and none once all are judged", () => {
    const asm = new TraceAssembler(settings);
    const a = loopTrace();
    const b = loopTrace();
    expect(asm.stats().quietestTouchedAt).toBeNull();
    asm.add(a.children.slice(0, 3), 1_000);
    asm.add(b.children, 2_000);
    expect(asm.stats().quietestTouchedAt).toBe(1_000);
    asm.add(a.children.slice(3), 3_000); // a is touched again: b is now the quietest
    expect(asm.stats().quietestTouchedAt).toBe(2_000);
    asm.add([a.root, b.root], 4_000);
    expect(asm.stats().quietestTouchedAt).toBeNull();
  });
});
