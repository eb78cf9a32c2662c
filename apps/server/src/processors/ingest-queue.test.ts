import type { SpanRecord } from "@n1radar/core";
import { describe, expect, it } from "vitest";
import { log } from "../log.js";
import { IngestQueue } from "./ingest-queue.js";

const spans = (n: number) => Array.from({ length: n }, (_, i) => ({ spanId: String(i) }) as SpanRecord);
const tick = () => new Promise((r) => setImmediate(r));

describe("IngestQueue", () => {
  it("feeds batches to the sink in order, off the caller's stack", async () => {
    const seen: number[] = [];
    const q = new IngestQueue((b) => seen.push(b.length), { maxSpans: 100 });
    expect(q.offer(spans(3))).toBe(true);
    expect(q.offer(spans(4))).toBe(true);
    expect(q.offer([])).toBe(true);
    expect(seen).toEqual([]);
    expect(q.depth).toBe(7);
    await tick();
    expect(seen).toEqual([3, 4]);
    expect(q.depth).toBe(0);
  });

  it("refuses what does not fit, but takes an oversized batch into an empty queue", () => {
    const q = new IngestQueue(() => {}, { maxSpans: 10 });
    expect(q.offer(spans(25))).toBe(true); // alone it could never fit; refusing would loop its sender forever
    expect(q.full).toBe(true);
    expect(q.offer(spans(1))).toBe(false);
    q.drainAll();
    expect(q.offer(spans(6))).toBe(true);
    expect(q.offer(spans(4))).toBe(true);
    expect(q.offer(spans(1))).toBe(false);
    expect(q.depth).toBe(10);
  });

  it("yields between slices so other work runs while a backlog drains", async () => {
    let fed = 0;
    const q = new IngestQueue(
      () => {
        fed++;
        const until = performance.now() + 2;
        while (performance.now() < until) {} // a slow pipeline: 2 ms per batch
      },
      { maxSpans: 1_000, sliceMs: 5 },
    );
    for (let i = 0; i < 20; i++) q.offer(spans(1));
    await tick();
    expect(fed).toBeGreaterThan(0);
    expect(fed).toBeLessThan(20);
    q.drainAll();
    expect(fed).toBe(20);
  });

  it("drains everything synchronously on shutdown", () => {
    const seen: number[] = [];
    const q = new IngestQueue((b) => seen.push(b.length), { maxSpans: 100 });
    q.offer(spans(2));
    q.offer(spans(5));
    q.drainAll();
    expect(seen).toEqual([2, 5]);
    expect(q.depth).toBe(0);
  });

  it("survives a pipeline that throws, counting the lost spans", async () => {
    const errors: unknown[] = [];
    const original = log.error;
    log.error = ((...args: unknown[]) => errors.push(args)) as typeof log.error;
    try {
      const seen: number[] = [];
      const q = new IngestQueue(
        (b) => {
          if (b.length === 3) throw new Error("boom");
          seen.push(b.length);
        },
        { maxSpans: 100 },
      );
      q.offer(spans(3));
      q.offer(spans(2));
      await tick();
      expect(seen).toEqual([2]);
      expect(q.failedSpans).toBe(3);
      expect(errors).toHaveLength(1);
      expect(errors[0]).toEqual([
        { err: new Error("boom"), spans: 3 },
        "pipeline failed on a batch of spans",
      ]);
    } finally {
      log.error = original;
    }
  });
});
