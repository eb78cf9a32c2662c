import { describe, expect, it } from "vitest";
import { DAY_MS, projectedSavings } from "./savings.js";

const base = {
  occurrences: 240,
  repeatsMedian: 11,
  wastedMs: 4800,
  firstSeenMs: 0,
  lastSeenMs: DAY_MS / 2,
  parallel: false,
};

describe("projectedSavings", () => {
  it("projects a sequential loop's calls, database time and request time per day at the rate seen", () => {
    // 240 requests in half a day: 480 a day, each 10 calls and 20 ms too many.
    expect(projectedSavings(base)).toEqual({
      requestsPerDay: 480,
      dbCallsPerDay: 4800,
      dbTimeMsPerDay: 9600,
      requestTimeMsPerDay: 9600,
    });
  });

  it("counts a concurrent fan-out's request time as about one call per request", () => {
    const s = projectedSavings({ ...base, parallel: true });
    expect(s.dbTimeMsPerDay).toBe(9600);
    expect(s.requestTimeMsPerDay).toBe(Math.round(9600 / 11));
  });

  it("takes a rate over an hour at least, so a minute of traffic is not multiplied by 1,440", () => {
    const minute = projectedSavings({ ...base, occurrences: 10, wastedMs: 100, lastSeenMs: 60_000 });
    expect(minute.requestsPerDay).toBe(240); // 10 an hour, not 10 a minute
    expect(projectedSavings({ ...base, occurrences: 0, wastedMs: 0 })).toMatchObject({
      requestsPerDay: 0,
      dbTimeMsPerDay: 0,
    });
  });
});
