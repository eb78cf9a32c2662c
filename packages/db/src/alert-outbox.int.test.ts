import type { Finding } from "@n1radar/core";
import { makeFinding } from "@n1radar/core/testing";
import { FindingAccumulator } from "@n1radar/detector";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { getDestination, setDestinationEnabled, syncEnvDestinations } from "./alert-destinations.js";
import {
  deliveryCounts,
  dueDeliveries,
  type FanOutInput,
  fanOutAlertEvents,
  listDeliveries,
  recordAttempt,
  resendDelivery,
} from "./alert-outbox.js";
import { openSqliteStore, type SqliteStore } from "./open.js";
import { type RecordOptions, recordDeltas } from "./record.js";
import { alertEvents } from "./schema.js";
import { guidance } from "./testing/seed.js";
import { setOffenderStatus } from "./workflow.js";

let store: SqliteStore;
beforeEach(() => {
  store = openSqliteStore(":memory:");
});
afterEach(() => store.close());

const HOUR = 3_600_000;
const finding = (fields: Partial<Finding> = {}) =>
  makeFinding({ fingerprint: "abc", environment: "production", seenAtMs: 10 * HOUR, ...fields });

function flush(findings: Finding[], options: RecordOptions = {}): void {
  const acc = new FindingAccumulator();
  for (const f of findings) acc.addTrace([f]);
  recordDeltas(
    store.db,
    acc.drain().map((delta) => ({ delta, guidance })),
    { nowMs: 1_000, ...options },
  );
}
const events = () =>
  store.db
    .select()
    .from(alertEvents)
    .all()
    .map((e) => e.event);

describe("alert events in the offender transaction", () => {
  it("writes one new event for a new offender and none when the same traffic comes again", () => {
    flush([finding()]);
    expect(events()).toEqual(["new"]);
    flush([finding({ traceId: "b".repeat(32) })]);
    expect(events()).toEqual(["new"]);
  });

  it("writes a regression when a resolved offender is seen again", () => {
    flush([finding()]);
    const id = store.db.select().from(alertEvents).get()!.offenderId;
    setOffenderStatus(store.db, id, "resolved", 10 * HOUR + 1);
    flush([finding({ seenAtMs: 10 * HOUR + 2 })]);
    expect(events()).toEqual(["new", "regression"]);
  });

  it("writes a threshold event when a bar is crossed, once", () => {
    const alertThresholds = [{ minRepeats: 20 }, { minWastedMsPerHour: 100 }];
    flush([finding({ repeats: 5 })], { alertThresholds });
    flush([finding({ repeats: 6 })], { alertThresholds });
    expect(events()).toEqual(["new"]);
    flush([finding({ repeats: 25 })], { alertThresholds });
    expect(events()).toEqual(["new", "threshold"]);
    flush([finding({ repeats: 30 })], { alertThresholds: [{ minRepeats: 20 }] });
    expect(events()).toEqual(["new", "threshold"]);
    // 5+6+25+30 repeats wasted 62 ms so far this hour; 50 more crosses 100 ms per hour.
    flush([finding({ repeats: 51 })], { alertThresholds: [{ minWastedMsPerHour: 100 }] });
    expect(events()).toEqual(["new", "threshold", "threshold"]);
  });

  it("keeps the environment of the newest traces that carried one", () => {
    flush([finding()]);
    flush([finding({ environment: null })]);
    const plan = (input: FanOutInput) => {
      expect([...input.offenders.values()][0]).toMatchObject({
        environment: "production",
        wastedMsPerHour: 8,
      });
      return { deliveries: [], notified: [], forget: [] };
    };
    syncEnvDestinations(
      store.db,
      [{ name: "a", type: "slack", url: "https://x", secret: null, filter: {} }],
      0,
    );
    expect(fanOutAlertEvents(store.db, { nowMs: 5_000, groupWaitMs: 0 }, plan)).toBe(1);
  });
});

describe("fan-out and delivery", () => {
  beforeEach(() => {
    syncEnvDestinations(
      store.db,
      [{ name: "ops", type: "slack", url: "https://x", secret: null, filter: {} }],
      0,
    );
  });

  const planOne = (input: FanOutInput) => ({
    deliveries: input.events.map((e, i) => ({
      id: `msg_${i}`,
      destinationId: "env:ops",
      kind: "alert" as const,
      event: e.event,
      offenderIds: [e.offenderId],
      body: "{}",
    })),
    notified: input.events.map((e) => ({
      destinationId: "env:ops",
      offenderId: e.offenderId,
      event: e.event,
      at: 1,
    })),
    forget: [],
  });

  it("waits for the group window, then turns events into deliveries in one go", () => {
    flush([finding(), finding({ fingerprint: "def" })]);
    expect(fanOutAlertEvents(store.db, { nowMs: 1_500, groupWaitMs: 1_000 }, planOne)).toBe(0);
    expect(fanOutAlertEvents(store.db, { nowMs: 2_000, groupWaitMs: 1_000 }, planOne)).toBe(2);
    expect(events()).toEqual([]);
    expect(dueDeliveries(store.db, 2_000, 10).map((d) => d.delivery.id)).toEqual(["msg_0", "msg_1"]);
  });

  it("rolls everything back when the plan throws: the events stay", () => {
    flush([finding()]);
    expect(() =>
      fanOutAlertEvents(store.db, { nowMs: 2_000, groupWaitMs: 0 }, () => {
        throw new Error("boom");
      }),
    ).toThrow("boom");
    expect(events()).toEqual(["new"]);
  });

  it("records attempts, dead-letters, resends, and skips disabled destinations", () => {
    flush([finding()]);
    fanOutAlertEvents(store.db, { nowMs: 2_000, groupWaitMs: 0 }, planOne);
    recordAttempt(
      store.db,
      "msg_0",
      { status: "pending", nextAttemptAt: 5_000, lastError: "HTTP 500", lastStatus: 500 },
      2_000,
    );
    expect(dueDeliveries(store.db, 4_999, 10)).toEqual([]);
    recordAttempt(
      store.db,
      "msg_0",
      { status: "dead", nextAttemptAt: 5_000, lastError: "HTTP 503", lastStatus: 503 },
      5_000,
    );
    expect(listDeliveries(store.db, { statuses: ["dead"], limit: 10 })[0]).toMatchObject({
      destinationName: "ops",
      delivery: { id: "msg_0", attempts: 2, lastError: "HTTP 503" },
    });
    expect(deliveryCounts(store.db)).toEqual({ pending: 0, sent: 0, dead: 1 });
    expect(resendDelivery(store.db, "msg_0", 6_000)).toMatchObject({ status: "pending", attempts: 0 });
    expect(resendDelivery(store.db, "msg_0", 6_000)).toBeNull();
    setDestinationEnabled(store.db, "env:ops", false, "HTTP 404", 6_000);
    expect(dueDeliveries(store.db, 6_000, 10)).toEqual([]);
    expect(getDestination(store.db, "env:ops")).toMatchObject({ enabled: false, disabledReason: "HTTP 404" });
  });

  it("re-syncs env destinations: re-enabled, updated, removed when gone", () => {
    setDestinationEnabled(store.db, "env:ops", false, "HTTP 410", 1);
    syncEnvDestinations(
      store.db,
      [{ name: "ops", type: "discord", url: "https://y", secret: null, filter: {} }],
      2,
    );
    expect(getDestination(store.db, "env:ops")).toMatchObject({
      type: "discord",
      url: "https://y",
      enabled: true,
    });
    syncEnvDestinations(store.db, [], 3);
    expect(getDestination(store.db, "env:ops")).toBeUndefined();
  });
});
