import { projectedSavings } from "@n1radar/core";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { DIALECTS, openTestStore, type TestStore } from "./testing/stores.js";

const HOUR = 3_600_000;
describe.each(DIALECTS)("%s", (dialect) => {
  let store: TestStore;
  beforeEach(async () => {
    store = await openTestStore(dialect);
  });
  afterEach(() => store.close());

  it("gives each offender its projected savings, and the overview sums those of the offenders still to fix", async () => {
    await store.seedOffenders([
      { id: "a", occurrences: 120, repeatsMedian: 9, wastedMs: 2400, firstSeen: 0, lastSeen: 6 * HOUR },
      {
        id: "b",
        occurrences: 30,
        repeatsMedian: 6,
        wastedMs: 600,
        firstSeen: 0,
        lastSeen: 10 * 60_000,
        parallel: true,
      },
      {
        id: "fixed",
        status: "resolved",
        occurrences: 500,
        repeatsMedian: 20,
        wastedMs: 9000,
        lastSeen: HOUR,
      },
    ]);
    const a = (await store.getOffender("a"))!;
    expect(a.savings).toEqual(
      projectedSavings({
        occurrences: 120,
        repeatsMedian: 9,
        wastedMs: 2400,
        firstSeenMs: 0,
        lastSeenMs: 6 * HOUR,
        parallel: false,
      }),
    );
    expect(a.savings).toMatchObject({ requestsPerDay: 480, dbCallsPerDay: 3840, dbTimeMsPerDay: 9600 });
    const b = (await store.getOffender("b"))!.savings;
    // The SQL sum and the function agree; the resolved offender saves nothing more.
    expect((await store.overview()).totals.savingsPerDay).toEqual({
      dbCalls: a.savings.dbCallsPerDay + b.dbCallsPerDay,
      dbTimeMs: a.savings.dbTimeMsPerDay + b.dbTimeMsPerDay,
    });
  });
});
