import { type Finding, FindingAccumulator, type Guidance } from "@n1radar/core";
import { makeFinding } from "@n1radar/core/testing";
import { offenderId } from "@n1radar/detector";
import { afterEach, describe, expect, it } from "vitest";
import type { Store } from "./store.js";
import { guidance } from "./testing/seed.js";
import { DIALECTS, openTestStore } from "./testing/stores.js";

const finding = (traceId: string, repeats: number): Finding =>
  makeFinding({
    traceId,
    endpoint: "GET /posts",
    dbSystem: "sqlite",
    fingerprint: "abc",
    repeats,
    seenAtMs: 1000,
  });

/**
 * One flush of one request, with guidance read (as the pipeline does) from that request's sample. Returns how
 * many times the store asked for that guidance.
 */
async function flush(store: Store, traceId: string, repeats: number, summary: string): Promise<number> {
  const acc = new FindingAccumulator(offenderId);
  acc.addTrace([finding(traceId, repeats)]);
  let reads = 0;
  const withSummary = (): Guidance => {
    reads++;
    return { ...guidance, summary };
  };
  await store.recordDeltas(acc.drain().map((delta) => ({ delta, guidance: withSummary })));
  return reads;
}

const open: Store[] = [];
afterEach(async () => {
  for (const s of open.splice(0)) await s.close();
});

describe.each(DIALECTS)("%s: an offender's evidence", (dialect) => {
  it("keeps the guidance of the sample it keeps, and replaces both together", async () => {
    const store = await openTestStore(dialect);
    open.push(store);
    await flush(store, "t-nine", 9, "fix read from t-nine");
    // A smaller request later: the sample stays, and so does the guidance read from it.
    await flush(store, "t-five", 5, "fix read from t-five");
    const [listed] = (await store.findOffenders({ limit: 1, offset: 0 }, Date.now())).findings;
    let detail = await store.getOffender(listed!.id);
    expect(detail).toMatchObject({ sampleTraceId: "t-nine", guidance: { summary: "fix read from t-nine" } });
    // As many repeats again: the newer request and its guidance replace both.
    await flush(store, "t-nine-again", 9, "fix read from t-nine-again");
    detail = await store.getOffender(listed!.id);
    expect(detail).toMatchObject({
      sampleTraceId: "t-nine-again",
      guidance: { summary: "fix read from t-nine-again" },
      occurrences: 3,
    });
  });

  it("reads guidance only for a sample it stores: a new offender's, or one repeating at least as much", async () => {
    const store = await openTestStore(dialect);
    open.push(store);
    expect(await flush(store, "t-nine", 9, "first sight")).toBe(1);
    expect(await flush(store, "t-five", 5, "kept out")).toBe(0);
    expect(await flush(store, "t-nine-again", 9, "as many")).toBe(1);
    expect(await flush(store, "t-twelve", 12, "more")).toBe(1);
    const [listed] = (await store.findOffenders({ limit: 1, offset: 0 }, Date.now())).findings;
    expect(await store.getOffender(listed!.id)).toMatchObject({
      sampleTraceId: "t-twelve",
      guidance: { summary: "more" },
    });
  });
});
