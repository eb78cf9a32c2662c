import { type Finding, FindingAccumulator } from "@n1radar/core";
import { makeFinding } from "@n1radar/core/testing";
import { offenderId } from "@n1radar/detector";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { FanOutInput } from "./alert-outbox.js";
import type { RecordOptions } from "./record.js";
import { guidance } from "./testing/seed.js";
import { DIALECTS, openTestStore, type TestStore } from "./testing/stores.js";

describe.each(DIALECTS)("%s", (dialect) => {
  let store: TestStore;
  beforeEach(async () => {
    store = await openTestStore(dialect);
  });
  afterEach(() => store.close());

  const HOUR = 3_600_000;
  const finding = (fields: Partial<Finding> = {}) =>
    makeFinding({ fingerprint: "abc", environment: "production", seenAtMs: 10 * HOUR, ...fields });

  async function flush(findings: Finding[], options: RecordOptions = {}): Promise<void> {
    const acc = new FindingAccumulator(offenderId);
    for (const f of findings) acc.addTrace([f]);
    await store.recordDeltas(
      acc.drain().map((delta) => ({ delta, guidance: () => guidance })),
      { nowMs: 1_000, ...options },
    );
  }
  const eventRows = () =>
    store.rows<{ offender_id: string; event: string }>(
      "SELECT offender_id, event FROM alert_events ORDER BY id",
    );
  const events = async () => (await eventRows()).map((e) => e.event);

  describe("alert events in the offender transaction", () => {
    it("writes one new event for a new offender and none when the same traffic comes again", async () => {
      await flush([finding()]);
      expect(await events()).toEqual(["new"]);
      await flush([finding({ traceId: "b".repeat(32) })]);
      expect(await events()).toEqual(["new"]);
    });

    it("writes a regression when a resolved offender is seen again", async () => {
      await flush([finding()]);
      const id = (await eventRows())[0]!.offender_id;
      await store.setOffenderStatus(id, "resolved", 10 * HOUR + 1);
      await flush([finding({ seenAtMs: 10 * HOUR + 2 })]);
      expect(await events()).toEqual(["new", "regression"]);
    });

    it("writes a threshold event when a bar is crossed, once", async () => {
      const alertThresholds = [{ minRepeats: 20 }, { minWastedMsPerHour: 100 }];
      await flush([finding({ repeats: 5 })], { alertThresholds });
      await flush([finding({ repeats: 6 })], { alertThresholds });
      expect(await events()).toEqual(["new"]);
      await flush([finding({ repeats: 25 })], { alertThresholds });
      expect(await events()).toEqual(["new", "threshold"]);
      await flush([finding({ repeats: 30 })], { alertThresholds: [{ minRepeats: 20 }] });
      expect(await events()).toEqual(["new", "threshold"]);
      // 5+6+25+30 repeats wasted 62 ms so far this hour; 50 more crosses 100 ms per hour.
      await flush([finding({ repeats: 51 })], { alertThresholds: [{ minWastedMsPerHour: 100 }] });
      expect(await events()).toEqual(["new", "threshold", "threshold"]);
    });

    it("keeps the environment of the newest traces that carried one", async () => {
      await flush([finding()]);
      await flush([finding({ environment: null })]);
      const plan = (input: FanOutInput) => {
        expect([...input.offenders.values()][0]).toMatchObject({
          environment: "production",
          wastedMsPerHour: 8,
        });
        return { deliveries: [], notified: [], forget: [] };
      };
      await store.syncEnvDestinations(
        [{ name: "a", type: "slack", url: "https://x", secret: null, filter: {} }],
        0,
      );
      expect(await store.fanOutAlertEvents({ nowMs: 5_000, groupWaitMs: 0 }, plan)).toBe(1);
    });
  });

  describe("fan-out and delivery", () => {
    beforeEach(async () => {
      await store.syncEnvDestinations(
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

    it("waits for the group window, then turns events into deliveries in one go", async () => {
      await flush([finding(), finding({ fingerprint: "def" })]);
      expect(await store.fanOutAlertEvents({ nowMs: 1_500, groupWaitMs: 1_000 }, planOne)).toBe(0);
      expect(await store.fanOutAlertEvents({ nowMs: 2_000, groupWaitMs: 1_000 }, planOne)).toBe(2);
      expect(await events()).toEqual([]);
      expect((await store.claimDueDeliveries(2_000, 10, 60_000)).map((d) => d.delivery.id)).toEqual([
        "msg_0",
        "msg_1",
      ]);
    });

    it("rolls everything back when the plan throws: the events stay", async () => {
      await flush([finding()]);
      await expect(
        store.fanOutAlertEvents({ nowMs: 2_000, groupWaitMs: 0 }, () => {
          throw new Error("boom");
        }),
      ).rejects.toThrow("boom");
      expect(await events()).toEqual(["new"]);
    });

    it("records attempts, dead-letters, resends, and skips disabled destinations", async () => {
      await flush([finding()]);
      await store.fanOutAlertEvents({ nowMs: 2_000, groupWaitMs: 0 }, planOne);
      await store.recordAttempt(
        "msg_0",
        { status: "pending", nextAttemptAt: 5_000, lastError: "HTTP 500", lastStatus: 500 },
        2_000,
      );
      expect(await store.claimDueDeliveries(4_999, 10, 60_000)).toEqual([]);
      await store.recordAttempt(
        "msg_0",
        { status: "dead", nextAttemptAt: 5_000, lastError: "HTTP 503", lastStatus: 503 },
        5_000,
      );
      expect((await store.listDeliveries({ statuses: ["dead"], limit: 10 }))[0]).toMatchObject({
        destinationName: "ops",
        delivery: { id: "msg_0", attempts: 2, lastError: "HTTP 503" },
      });
      expect(await store.deliveryCounts()).toEqual({ pending: 0, sent: 0, dead: 1 });
      expect(await store.resendDelivery("msg_0", 6_000)).toMatchObject({ status: "pending", attempts: 0 });
      expect(await store.resendDelivery("msg_0", 6_000)).toBeNull();
      await store.setDestinationEnabled("env:ops", false, "HTTP 404", 6_000);
      expect(await store.claimDueDeliveries(6_000, 10, 60_000)).toEqual([]);
      expect(await store.getDestination("env:ops")).toMatchObject({
        enabled: false,
        disabledReason: "HTTP 404",
      });
    });

    it("re-syncs env destinations: re-enabled, updated, removed when gone", async () => {
      await store.setDestinationEnabled("env:ops", false, "HTTP 410", 1);
      await store.syncEnvDestinations(
        [{ name: "ops", type: "discord", url: "https://y", secret: null, filter: {} }],
        2,
      );
      expect(await store.getDestination("env:ops")).toMatchObject({
        type: "discord",
        url: "https://y",
        enabled: true,
      });
      await store.syncEnvDestinations([], 3);
      expect(await store.getDestination("env:ops")).toBeUndefined();
    });
  });
});
