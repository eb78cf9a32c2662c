import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import type { PipelineSnapshot } from "./pipeline.js";
import { shardOf, sumSnapshots } from "./pipeline-protocol.js";

describe("shardOf", () => {
  it("sends one trace id to one shard, always", () => {
    const id = randomBytes(16).toString("hex");
    const shard = shardOf(id, 4);
    for (let i = 0; i < 10; i++) expect(shardOf(id, 4)).toBe(shard);
  });

  it("spreads random trace ids evenly over the shards", () => {
    const counts = [0, 0, 0, 0];
    for (let i = 0; i < 40_000; i++) counts[shardOf(randomBytes(16).toString("hex"), 4)]!++;
    for (const n of counts) expect(Math.abs(n - 10_000)).toBeLessThan(600);
  });

  it("puts everything in shard 0 when there is one", () => {
    expect(shardOf("4bf92f3577b34da6a3ce929d0e0e4736", 1)).toBe(0);
  });
});

describe("sumSnapshots", () => {
  const snapshot = (over: Partial<PipelineSnapshot>): PipelineSnapshot => ({
    ...sumSnapshots([]),
    ...over,
  });

  it("adds the workers' counters and keeps the oldest quiet open trace", () => {
    const total = sumSnapshots([
      snapshot({ spansAccepted: 10, openTraces: 2, lateSpans: 1, quietestTouchedAt: 2_000 }),
      snapshot({ spansAccepted: 5, openTraces: 0, quietestTouchedAt: null }),
      snapshot({ spansAccepted: 1, openTraces: 1, lateSpans: 2, quietestTouchedAt: 1_000 }),
    ]);
    expect(total).toMatchObject({ spansAccepted: 16, openTraces: 3, lateSpans: 3, quietestTouchedAt: 1_000 });
  });

  it("has no quiet trace when no worker holds one", () => {
    expect(sumSnapshots([snapshot({}), snapshot({})]).quietestTouchedAt).toBeNull();
  });
});
