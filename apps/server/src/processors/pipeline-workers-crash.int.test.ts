/**
 * A pipeline worker that dies (a bug, or memory) is replaced, and the spans it held are counted as lost, not
 * forgotten: the service keeps judging with a fresh worker. The worker here is a fixture that dies on request.
 */
import type { SpanRecord } from "@n1radar/core";
import { defaultAssemblerSettings, defaultDetectorSettings } from "@n1radar/detector";
import { expect, it } from "vitest";
import { eventually } from "../testing/server.js";
import { PipelineWorkers } from "./pipeline-workers.js";

const spans = (traceId: string, n: number) =>
  Array.from({ length: n }, (_, i) => ({ traceId, spanId: `s${i}` }) as unknown as SpanRecord);

it("replaces a worker that died and counts the spans it held as lost", async () => {
  let lost = 0;
  let room = 0;
  const workers = new PipelineWorkers({
    count: 1,
    script: new URL("./fixtures/crashing-worker.mjs", import.meta.url),
    databaseUrl: ":memory:",
    detector: defaultDetectorSettings,
    assembler: defaultAssemblerSettings,
    flushIntervalMs: 100,
    ignoreRules: () => [],
    onLost: (n) => {
      lost += n;
    },
    onRoom: () => {
      room++;
    },
  });
  try {
    await workers.started();
    workers.accept(spans("a", 3));
    workers.accept(spans("crash", 5)); // the worker dies holding these five
    await eventually(async () => (lost === 5 ? true : undefined));
    expect(room).toBeGreaterThan(0); // the ingest queue is told to feed the new worker
    // The replacement takes spans as the first did: nothing else is lost.
    workers.accept(spans("b", 4));
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(lost).toBe(5);
    expect(workers.full).toBe(false);
  } finally {
    await workers.close();
  }
});
