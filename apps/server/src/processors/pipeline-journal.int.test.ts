/**
 * The pipeline's part in INGEST_DURABLE (heldFromSeq): a journal batch stays needed while any of its spans waits
 * in the assembler or sits judged but unwritten, and the traces behind each write are stored with it.
 */
import type { SpanRecord } from "@n1radar/core";
import { openStore, type Store } from "@n1radar/db";
import { defaultAssemblerSettings, defaultDetectorSettings } from "@n1radar/detector";
import { decodeProtobufTraces } from "@n1radar/otlp";
import { afterEach, describe, expect, it } from "vitest";
import { nPlusOneSpans, protobufOf } from "../testing/payloads.js";
import { Pipeline } from "./pipeline.js";

const spansOf = (route: string): SpanRecord[] =>
  decodeProtobufTraces(protobufOf(nPlusOneSpans({ route }))).spans;
/** A request's key: its trace and its request span (the SDK ends it, and so lists it, last). */
const requestOf = (spans: SpanRecord[]) => `${spans[0]!.traceId}/${spans.at(-1)!.spanId}`;

let store: Store | undefined;
afterEach(async () => {
  await store?.close();
  store = undefined;
});

async function pipeline(journal: string | undefined, storedRequests?: Set<string>): Promise<Pipeline> {
  store = await openStore(":memory:");
  return new Pipeline({
    ...(storedRequests ? { storedRequests } : {}),
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
    expect(await store!.listJournalRequests("journal-1")).toEqual([requestOf(done)]);
    p.accept(waiting.slice(-1), 3); // the request span: judged, unwritten
    expect(p.heldFromSeq()).toBe(1);
    await p.flush();
    expect(p.heldFromSeq()).toBe(Number.POSITIVE_INFINITY);
    expect((await store!.listJournalRequests("journal-1")).sort()).toEqual(
      [requestOf(done), requestOf(waiting)].sort(),
    );
  });

  it("adds nothing for a request already stored (a replay), and counts the others", async () => {
    const stored = spansOf("/stored");
    const fresh = spansOf("/fresh");
    const p = await pipeline("journal-1", new Set([requestOf(stored)]));
    p.accept(stored, 1);
    p.accept(fresh, 1);
    await p.flush();
    const offenders = (await store!.findOffenders({ limit: 10, offset: 0 }, Date.now())).findings;
    expect(offenders.map((o) => o.endpoint)).toEqual(["GET /fresh"]);
    expect(await store!.listJournalRequests("journal-1")).toEqual([requestOf(fresh)]);
    expect(p.heldFromSeq()).toBe(Number.POSITIVE_INFINITY);
  });

  it("tracks nothing and records no trace without a journal", async () => {
    const p = await pipeline(undefined);
    p.accept(spansOf("/waiting").slice(0, -1), 1);
    p.accept(spansOf("/done"), 2);
    expect(p.heldFromSeq()).toBe(Number.POSITIVE_INFINITY);
    await p.flush();
    expect((await store!.findOffenders({ limit: 10, offset: 0 }, Date.now())).findings.length).toBe(1);
    expect(await store!.listJournalRequests("journal-1")).toEqual([]);
  });
});
