import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { RetentionPolicy } from "./retention.js";
import { DIALECTS, openTestStore, type TestStore } from "./testing/stores.js";

const DAY = 86_400_000;
const NOW = 100 * DAY;
const policy: RetentionPolicy = { historyDays: 30, closedOffenderDays: 10, deliveryDays: 7 };

describe.each(DIALECTS)("%s", (dialect) => {
  let store: TestStore;
  beforeEach(async () => {
    store = await openTestStore(dialect);
  });
  afterEach(() => store.close());

  const hourCount = async () => (await store.rows("SELECT offender_id FROM offender_hours")).length;

  async function seedDelivery(id: string, status: string, updatedAt: number): Promise<void> {
    await store.run(
      `INSERT INTO alert_destinations (id, name, source, type, url, filter, enabled, created_at, updated_at)
       VALUES ('d', 'hook', 'api', 'webhook', 'https://example.com/h', '{}', true, 0, 0) ON CONFLICT DO NOTHING`,
    );
    await store.run(
      `INSERT INTO alert_deliveries (id, destination_id, kind, offender_ids, body, status, next_attempt_at, created_at, updated_at)
       VALUES ('${id}', 'd', 'alert', '[]', '{}', '${status}', 0, ${updatedAt}, ${updatedAt})`,
    );
  }

  describe("pruneBatch", () => {
    it("deletes hour buckets past the history window and keeps the recent ones", async () => {
      await store.seedOffenders([{ id: "a", lastSeen: NOW }]);
      await store.seedHours("a", NOW - 40 * DAY, Array(24 * 20).fill(1)); // days 40..20 ago
      const result = await store.pruneBatch(policy, NOW, 100_000);
      expect(result).toMatchObject({ hours: 24 * 10, offenders: 0, done: true });
      expect(await hourCount()).toBe(24 * 10);
      expect(await store.getOffender("a")).not.toBeNull();
    });

    it("deletes resolved and ignored offenders not seen within the window, never open ones", async () => {
      await store.seedOffenders([
        { id: "resolved-old", status: "resolved", lastSeen: NOW - 11 * DAY },
        { id: "ignored-old", status: "ignored", lastSeen: NOW - 50 * DAY },
        { id: "resolved-recent", status: "resolved", lastSeen: NOW - 9 * DAY },
        { id: "open-old", status: "open", lastSeen: NOW - 90 * DAY },
        { id: "acknowledged-old", status: "acknowledged", lastSeen: NOW - 90 * DAY },
      ]);
      await store.seedHours("resolved-old", NOW - 12 * DAY, [3, 4]);
      expect(await store.pruneBatch(policy, NOW)).toMatchObject({ offenders: 2, done: true });
      expect(await store.getOffender("resolved-old")).toBeNull();
      expect(await store.getOffender("ignored-old")).toBeNull();
      for (const kept of ["resolved-recent", "open-old", "acknowledged-old"])
        expect(await store.getOffender(kept)).not.toBeNull();
      expect(await hourCount()).toBe(0); // the deleted offender's history went with it
    });

    it("deletes sent and dead alert messages past the window, never pending ones", async () => {
      await seedDelivery("sent-old", "sent", NOW - 8 * DAY);
      await seedDelivery("dead-old", "dead", NOW - 30 * DAY);
      await seedDelivery("pending-old", "pending", NOW - 30 * DAY);
      await seedDelivery("sent-recent", "sent", NOW - 1 * DAY);
      expect(await store.pruneBatch(policy, NOW)).toMatchObject({ deliveries: 2, done: true });
      const left = await store.rows<{ id: string }>("SELECT id FROM alert_deliveries ORDER BY id");
      expect(left.map((r) => r.id)).toEqual(["pending-old", "sent-recent"]);
    });

    it("works in batches: a backlog takes several calls, each bounded, until done", async () => {
      await store.seedOffenders([{ id: "a", lastSeen: NOW }]);
      await store.seedHours("a", NOW - 60 * DAY, Array(250).fill(1));
      const calls: number[] = [];
      for (;;) {
        const r = await store.pruneBatch(policy, NOW, 100);
        calls.push(r.hours);
        if (r.done) break;
      }
      expect(calls).toEqual([100, 100, 50]);
      expect(await hourCount()).toBe(0);
    });

    it("keeps everything when a window is 0", async () => {
      await store.seedOffenders([{ id: "r", status: "resolved", lastSeen: 0 }]);
      await store.seedHours("r", 0, [1, 1]);
      await seedDelivery("s", "sent", 0);
      const forever = { historyDays: 0, closedOffenderDays: 0, deliveryDays: 0 };
      expect(await store.pruneBatch(forever, NOW)).toEqual({
        hours: 0,
        offenders: 0,
        deliveries: 0,
        done: true,
      });
      expect(await hourCount()).toBe(2);
      // The twin: the same rows under one-day windows are all past them.
      const day = { historyDays: 1, closedOffenderDays: 1, deliveryDays: 1 };
      expect(await store.pruneBatch(day, NOW)).toMatchObject({ offenders: 1, deliveries: 1, done: true });
      expect(await hourCount()).toBe(0);
    });
  });
});
