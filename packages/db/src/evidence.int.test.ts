import { type Finding, FindingAccumulator, type Guidance } from "@n1radar/core";
import { makeFinding } from "@n1radar/core/testing";
import { offenderId } from "@n1radar/detector";
import { afterEach, describe, expect, it } from "vitest";
import type { Store } from "./store.js";
import { guidance } from "./testing/seed.js";
import { DIALECTS, openTestStore } from "./testing/stores.js";

const HOUR = 3_600_000;

const finding = (traceId: string, repeats: number, seenAtMs: number): Finding =>
  makeFinding({ traceId, endpoint: "GET /posts", dbSystem: "sqlite", fingerprint: "abc", repeats, seenAtMs });

/**
 * One flush of one request, with guidance read (as the pipeline does) from that request's sample. Returns how
 * many times the store asked for that guidance.
 */
async function flush(
  store: Store,
  traceId: string,
  repeats: number,
  seenAtMs: number,
  summary: string,
): Promise<number> {
  const acc = new FindingAccumulator(offenderId);
  acc.addTrace([finding(traceId, repeats, seenAtMs)]);
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
    await flush(store, "t-nine", 9, 1000, "fix read from t-nine");
    // A smaller request later: the sample stays, and so does the guidance read from it.
    await flush(store, "t-five", 5, 2000, "fix read from t-five");
    const [listed] = (await store.findOffenders({ limit: 1, offset: 0 }, Date.now())).findings;
    let detail = await store.getOffender(listed!.id);
    expect(detail).toMatchObject({ sampleTraceId: "t-nine", guidance: { summary: "fix read from t-nine" } });
    // More repeats: the newer request and its guidance replace both.
    await flush(store, "t-ten", 10, 3000, "fix read from t-ten");
    detail = await store.getOffender(listed!.id);
    expect(detail).toMatchObject({
      sampleTraceId: "t-ten",
      guidance: { summary: "fix read from t-ten" },
      occurrences: 3,
    });
  });

  it("reads guidance only for a sample it stores: a new offender's, more repeats, or as many an hour on", async () => {
    const store = await openTestStore(dialect);
    open.push(store);
    const sample = async () => {
      const [listed] = (await store.findOffenders({ limit: 1, offset: 0 }, Date.now())).findings;
      return (await store.getOffender(listed!.id))?.sampleTraceId;
    };
    expect(await flush(store, "t-nine", 9, 1000, "first sight")).toBe(1);
    expect(await flush(store, "t-five", 5, 2000, "fewer")).toBe(0);
    // As many repeats within the hour: the stored sample and guidance stay (no rewrite on every flush).
    expect(await flush(store, "t-nine-soon", 9, 1000 + HOUR / 2, "as many, soon")).toBe(0);
    expect(await sample()).toBe("t-nine");
    // As many an hour after the stored sample's request: the newer one replaces it.
    expect(await flush(store, "t-nine-later", 9, 1000 + HOUR, "as many, an hour on")).toBe(1);
    expect(await sample()).toBe("t-nine-later");
    expect(await flush(store, "t-twelve", 12, 1000 + HOUR + 1, "more")).toBe(1);
    expect(await sample()).toBe("t-twelve");
  });
});
