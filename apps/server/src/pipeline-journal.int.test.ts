/**
 * The pipeline's part in INGEST_DURABLE (heldFromSeq): a journal batch stays needed while any of its spans waits
 * in the assembler or sits judged but unwritten, and the traces behind each write are stored with it.
 */
import type { SpanRecord } from "@n1radar/core";
import { openStore, type Store } from "@n1radar/db";
import { defaultAssemblerSettings, defaultDetectorSettings } from "@n1radar/detector";
import { decodeProtobufTraces } from "@n1radar/otlp";
import { afterEach, describe, expect, it } from "vitest";
import { Pipeline } from "./pipeline.js";
import { nPlusOneSpans, protobufOf } from "./test-payloads.js";

const spansOf = (route: string): SpanRecord[] =>
  decodeProtobufTraces(protobufOf(nPlusOneSpans({ route }))).spans;

let store: Store | undefined;
afterEach(async () => {
  await store?.close();
  store = undefined;
});

async function pipeline(journal: string | undefined): Promise<Pipeline> {
  store = await openStore(":memory:");
  return new Pipeline({
    db: store,
    detector: defaultDetectorSettings,
    assembler: { ...defaultAssemblerSettings, graceMs: 0 },
    flushIntervalMs: 60_000,
    now: () => 1_000,
    ...(journal === undefined ? {} : { journal }),
  });
}

describe("Pipeline.heldFromSeq", () => {
  it("holds a batch while its spans wait or their findings are unwritten, and records the traces written", async () => {
    const p = await pipeline("journal-1");
    expect(p.heldFromSeq()).toBe(Number.POSITIVE_INFINITY);
    const waiting = spansOf("/waiting");
    p.accept(waiting.slice(0, -1), 1); // queries only: the request span has not come
    const done = spansOf("/done");
    p.accept(done, 2); // a whole request: judged at once, its finding not yet written
    expect(p.heldFromSeq()).toBe(1);
    await p.flush();
    expect(p.heldFromSeq()).toBe(1); // batch 1 still waits for its request span
    expect(await store!.listJournalTraces("journal-1")).toEqual([done[0]!.traceId]);
    p.accept(waiting.slice(-1), 3); // the request span: judged, unwritten
    expect(p.heldFromSeq()).toBe(1);
    await p.flush();
    expect(p.heldFromSeq()).toBe(Number.POSITIVE_INFINITY);
    expect((await store!.listJournalTraces("journal-1")).sort()).toEqual(
      [done[0]!.traceId, waiting[0]!.traceId].sort(),
    );
  });

  it("tracks nothing and records no trace without a journal", async () => {
    const p = await pipeline(undefined);
    p.accept(spansOf("/waiting").slice(0, -1), 1);
    p.accept(spansOf("/done"), 2);
    expect(p.heldFromSeq()).toBe(Number.POSITIVE_INFINITY);
    await p.flush();
    expect((await store!.listOffenders({ limit: 10, offset: 0 })).length).toBe(1);
    expect(await store!.listJournalTraces("journal-1")).toEqual([]);
  });
});
