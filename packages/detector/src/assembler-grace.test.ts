/**
 * The grace after a request span: batches of one trace sent by concurrent exporter consumers (or through
 * several Collector pipelines) arrive out of order, so some of a request's queries can come just after its
 * span. Each case next to its twin without the grace.
 */
import type { SpanRecord } from "@n1radar/core";
import { describe, expect, it } from "vitest";
import { TraceAssembler } from "./assembler.js";
import { defaultAssemblerSettings } from "./assembler-state.js";
import { detect } from "./detect.js";
import { defaultDetectorSettings } from "./settings.js";
import { traceBuilder } from "./testing/spans.js";

const base = { waitMs: 30_000, maxOpenTraces: 100, maxSpansPerTrace: 1000, maxOpenSpans: 10_000 };
const findingsOf = (sets: SpanRecord[][]) => sets.flatMap((set) => detect(set, defaultDetectorSettings));

/** A request with eight lookups: the request span and the first five, then three more after it. */
function splitRequest() {
  const t = traceBuilder({ service: "blog" });
  const root = t.request();
  for (let i = 0; i < 8; i++) t.query(root, `SELECT * FROM authors WHERE id = ${i}`);
  const children = t.spans.filter((s) => s !== root);
  return { first: [root, ...children.slice(0, 5)], after: children.slice(5) };
}

describe("TraceAssembler: grace after the request span", () => {
  it("judges the request with the queries that came within the grace, once it ends", () => {
    const asm = new TraceAssembler({ ...base, graceMs: 300 });
    const { first, after } = splitRequest();
    expect(asm.add(first, 1_000)).toEqual([]);
    expect(asm.add(after, 1_200)).toEqual([]);
    expect(asm.takeExpired(1_299)).toEqual([]);
    const ready = asm.takeExpired(1_300);
    expect(findingsOf(ready)).toMatchObject([{ endpoint: "GET /posts", repeats: 8 }]);
    expect(asm.stats()).toMatchObject({ releasedRequests: 1, lateSpans: 0, openSpans: 0 });
  });

  it("without a grace, judges at once and drops the queries that come after as late", () => {
    const asm = new TraceAssembler({ ...base, graceMs: 0 });
    const { first, after } = splitRequest();
    expect(findingsOf(asm.add(first, 1_000))).toMatchObject([{ repeats: 5 }]);
    expect(asm.add(after, 1_200)).toEqual([]);
    expect(asm.stats()).toMatchObject({ releasedRequests: 1, lateSpans: 3 });
  });

  it("counts the grace from the request span's arrival, not from its latest query", () => {
    const asm = new TraceAssembler({ ...base, graceMs: 300 });
    const { first, after } = splitRequest();
    asm.add(first, 1_000);
    asm.add(after.slice(0, 1), 1_250);
    asm.add(after.slice(1), 1_290);
    expect(findingsOf(asm.takeExpired(1_300))).toMatchObject([{ repeats: 8 }]);
  });

  it("still drops queries that come after the grace, as late", () => {
    const asm = new TraceAssembler({ ...base, graceMs: 300 });
    const { first, after } = splitRequest();
    asm.add(first, 1_000);
    expect(findingsOf(asm.takeExpired(1_300))).toMatchObject([{ repeats: 5 }]);
    asm.add(after, 1_400);
    expect(asm.stats()).toMatchObject({ lateSpans: 3, openSpans: 0 });
  });

  it("judges a request in its grace with everything else on shutdown", () => {
    const asm = new TraceAssembler({ ...base, graceMs: 300 });
    const { first } = splitRequest();
    asm.add(first, 1_000);
    expect(findingsOf(asm.takeAll())).toMatchObject([{ repeats: 5 }]);
    expect(asm.takeExpired(2_000)).toEqual([]);
  });

  it("has a default grace that keeps a finding within half a second of its request span", () => {
    expect(defaultAssemblerSettings.graceMs).toBeGreaterThan(0);
    expect(defaultAssemblerSettings.graceMs).toBeLessThanOrEqual(350);
  });
});
