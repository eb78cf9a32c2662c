import { projectedSavings } from "@n1radar/core";
import { afterEach, beforeEach, expect, it } from "vitest";
import { openSqliteStore, type SqliteStore } from "./open.js";
import { overview } from "./overview.js";
import { getOffender } from "./query.js";
import { seedOffenders } from "./testing/seed.js";

const HOUR = 3_600_000;
let store: SqliteStore;
beforeEach(() => {
  store = openSqliteStore(":memory:");
});
afterEach(() => store.close());

it("gives each offender its projected savings, and the overview sums those of the offenders still to fix", () => {
  seedOffenders(store.db, [
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
    { id: "fixed", status: "resolved", occurrences: 500, repeatsMedian: 20, wastedMs: 9000, lastSeen: HOUR },
  ]);
  const a = getOffender(store.db, "a")!;
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
  const b = getOffender(store.db, "b")!.savings;
  // The SQL sum and the function agree; the resolved offender saves nothing more.
  expect(overview(store.db).totals.savingsPerDay).toEqual({
    dbCalls: a.savings.dbCallsPerDay + b.dbCallsPerDay,
    dbTimeMs: a.savings.dbTimeMsPerDay + b.dbTimeMsPerDay,
  });
});
