import { describe, expect, it } from "vitest";
import { TraceAssembler } from "./assembler.js";
import { span } from "./test-spans.js";

const settings = { idleMs: 1000, maxOpenTraces: 2, maxSpansPerTrace: 3 };

describe("TraceAssembler", () => {
  it("releases a trace when its root arrives, across batches and out of order", () => {
    const asm = new TraceAssembler(settings);
    const root = span({ traceId: "a".repeat(32) });
    const child = span({ traceId: "a".repeat(32), parentSpanId: root.spanId });
    expect(asm.add([child], 0)).toEqual([]);
    expect(asm.add([root], 10)).toEqual([[child, root]]);
    expect(asm.stats().openTraces).toBe(0);
  });

  it("releases idle traces and bounds memory", () => {
    const asm = new TraceAssembler(settings);
    const orphan = (t: string) => span({ traceId: t.repeat(32), parentSpanId: "f".repeat(16) });
    asm.add([orphan("1")], 0);
    asm.add([orphan("2")], 500);
    expect(asm.takeIdle(1200).map((t) => t[0]?.traceId)).toEqual(["1".repeat(32)]);
    asm.add([orphan("3"), orphan("4")], 1300);
    expect(asm.stats()).toMatchObject({ openTraces: 2, evictedTraces: 1 });
    asm.add([orphan("3"), orphan("3"), orphan("3")], 1400);
    expect(asm.stats().droppedSpans).toBe(1);
    expect(asm.takeAll()).toHaveLength(2);
  });
});
