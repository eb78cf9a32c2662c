import { describe, expect, it } from "vitest";
import { FindingAccumulator, histogramMedian } from "./accumulator.js";
import type { Finding } from "./finding.js";
import { makeFinding } from "./testing/index.js";

/** An offender's identity as the detector keys it (its hash aside). */
const idOf = (f: Finding) => `${f.service}|${f.endpoint}|${f.kind}|${f.fingerprint}`;

function finding(traceId: string, repeats: number, seenAtMs: number): Finding {
  return makeFinding({ traceId, service: "s", endpoint: "GET /x", statement: "SELECT ?", repeats, seenAtMs });
}

describe("FindingAccumulator", () => {
  it("folds findings into one delta per offender", () => {
    const acc = new FindingAccumulator(idOf);
    acc.addTrace([finding("t1", 5, 1000), finding("t1", 7, 1000)]);
    acc.addTrace([finding("t2", 6, 3_600_000 + 5)]);
    const [delta, ...rest] = acc.drain();
    expect(rest).toEqual([]);
    expect(delta).toMatchObject({
      occurrences: 3,
      traces: 2,
      wastedMs: 15,
      repeatsMax: 7,
      firstSeenMs: 1000,
      lastSeenMs: 3_600_005,
    });
    expect(delta?.sample.repeats).toBe(7);
    expect(delta?.latest.traceId).toBe("t2");
    expect(delta?.exampleTraceIds).toEqual(["t2", "t1"]);
    expect([...(delta?.hours.keys() ?? [])]).toEqual([0, 3_600_000]);
    expect(acc.drain()).toEqual([]);
  });

  it("says which findings would become their offender's sample: the first, then only more repeats", () => {
    const acc = new FindingAccumulator(idOf);
    expect(acc.keepsSample(finding("t1", 5, 1000))).toBe(true);
    acc.addTrace([finding("t1", 5, 1000)]);
    expect(acc.keepsSample(finding("t2", 5, 2000))).toBe(false);
    expect(acc.keepsSample(finding("t2", 4, 2000))).toBe(false);
    expect(acc.keepsSample(finding("t2", 6, 2000))).toBe(true);
    expect(acc.keepsSample(makeFinding({ endpoint: "GET /other", repeats: 2 }))).toBe(true);
    // A new window keeps the first finding again.
    acc.drain();
    expect(acc.keepsSample(finding("t3", 3, 3000))).toBe(true);
  });
});

describe("histogramMedian", () => {
  it("matches the median of the expanded values", () => {
    expect(histogramMedian(new Map([[5, 1]]))).toBe(5);
    expect(
      histogramMedian(
        new Map([
          [5, 1],
          [9, 1],
        ]),
      ),
    ).toBe(7);
    expect(histogramMedian({ "5": 2, "7": 1, "100": 1 })).toBe(6);
    expect(histogramMedian(new Map())).toBe(0);
  });
});

describe("FindingAccumulator across requests of one trace", () => {
  it("counts a trace once when the assembler releases its requests one by one", () => {
    const acc = new FindingAccumulator(idOf);
    acc.addTrace([finding("t1", 5, 1000)]);
    acc.addTrace([finding("t1", 6, 1001)]);
    acc.addTrace([finding("t2", 6, 1002)]);
    expect(acc.drain()[0]).toMatchObject({ occurrences: 3, traces: 2 });
    acc.addTrace([finding("t1", 5, 1003)]);
    expect(acc.drain()[0]).toMatchObject({ occurrences: 1, traces: 1 });
  });
});
