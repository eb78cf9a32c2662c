/**
 * `n1radar analyze` and the server describe an offender the same way: the same traces through analyzeSpans and
 * through the pipeline into a store give the same source query, chain, fan-out, code location, counts and time
 * (one function, sampleEvidence, picks the evidence for both).
 */
import type { SpanRecord } from "@n1radar/core";
import { openStore } from "@n1radar/db";
import { defaultAssemblerSettings, defaultDetectorSettings } from "@n1radar/detector";
import { decodeProtobufTraces } from "@n1radar/otlp";
import { expect, it } from "vitest";
import { Pipeline } from "../processors/pipeline.js";
import { nPlusOneSpans, protobufOf } from "../testing/payloads.js";
import { analyzeSpans } from "./analyze.js";

it("gives the same offender offline and in the store", async () => {
  // Requests of different sizes: the evidence is the one with the most repeats, in both.
  const spans: SpanRecord[] = [6, 9, 7].flatMap(
    (repeats) => decodeProtobufTraces(protobufOf(nPlusOneSpans({ route: "/orders", repeats }))).spans,
  );
  const offline = analyzeSpans(spans, defaultDetectorSettings).findings;
  const store = await openStore(":memory:");
  try {
    const pipeline = new Pipeline({
      db: store,
      detector: defaultDetectorSettings,
      assembler: { ...defaultAssemblerSettings, graceMs: 0 },
      flushIntervalMs: 60_000,
    });
    pipeline.accept(spans);
    await pipeline.drain();
    const stored = (await store.findOffenders({ limit: 10, offset: 0 }, Date.now())).findings;
    expect(offline).toHaveLength(1);
    expect(stored).toHaveLength(1);
    const fields = [
      "id",
      "sourceStatement",
      "chain",
      "parallel",
      "code",
      "repeats",
      "repeatsMedian",
      "occurrences",
      "traces",
      "wastedMs",
    ] as const;
    const pick = (o: object) => Object.fromEntries(fields.map((f) => [f, (o as Record<string, unknown>)[f]]));
    expect(pick(stored[0]!)).toEqual(pick(offline[0]!));
    expect(offline[0]).toMatchObject({
      repeats: 9,
      occurrences: 3,
      sourceStatement: "SELECT id, customer_id FROM orders",
    });
  } finally {
    await store.close();
  }
});
