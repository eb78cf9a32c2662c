import { sql } from "drizzle-orm";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { openSqliteStore, type SqliteStore } from "./open.js";
import { getOffender } from "./query.js";
import { pruneBatch, type RetentionPolicy } from "./retention.js";
import { offenderHours } from "./schema.js";
import { seedHours, seedOffenders } from "./testing/seed.js";

const DAY = 86_400_000;
const NOW = 100 * DAY;
const policy: RetentionPolicy = { historyDays: 30, closedOffenderDays: 10, deliveryDays: 7 };

let store: SqliteStore;
beforeEach(() => {
  store = openSqliteStore(":memory:");
});
afterEach(() => store.close());

const hourCount = () => store.db.select().from(offenderHours).all().length;

function seedDelivery(id: string, status: string, updatedAt: number): void {
  store.db.run(
    sql`INSERT OR IGNORE INTO alert_destinations (id, name, source, type, url, filter, enabled, created_at, updated_at)
        VALUES ('d', 'hook', 'api', 'webhook', 'https://example.com/h', '{}', 1, 0, 0)`,
  );
  store.db.run(
    sql`INSERT INTO alert_deliveries (id, destination_id, kind, offender_ids, body, status, next_attempt_at, created_at, updated_at)
        VALUES (${id}, 'd', 'alert', '[]', '{}', ${status}, 0, ${updatedAt}, ${updatedAt})`,
  );
}

describe("pruneBatch", () => {
  it("deletes hour buckets past the history window and keeps the recent ones", () => {
    seedOffenders(store.db, [{ id: "a", lastSeen: NOW }]);
    seedHours(store.db, "a", NOW - 40 * DAY, Array(24 * 20).fill(1)); // days 40..20 ago
    const result = pruneBatch(store.db, policy, NOW, 100_000);
    expect(result).toMatchObject({ hours: 24 * 10, offenders: 0, done: true });
    expect(hourCount()).toBe(24 * 10);
    expect(getOffender(store.db, "a")).not.toBeNull();
  });

  it("deletes resolved and ignored offenders not seen within the window, never open ones", () => {
    seedOffenders(store.db, [
      { id: "resolved-old", status: "resolved", lastSeen: NOW - 11 * DAY },
      { id: "ignored-old", status: "ignored", lastSeen: NOW - 50 * DAY },
      { id: "resolved-recent", status: "resolved", lastSeen: NOW - 9 * DAY },
      { id: "open-old", status: "open", lastSeen: NOW - 90 * DAY },
      { id: "acknowledged-old", status: "acknowledged", lastSeen: NOW - 90 * DAY },
    ]);
    seedHours(store.db, "resolved-old", NOW - 12 * DAY, [3, 4]);
    expect(pruneBatch(store.db, policy, NOW)).toMatchObject({ offenders: 2, done: true });
    expect(getOffender(store.db, "resolved-old")).toBeNull();
    expect(getOffender(store.db, "ignored-old")).toBeNull();
    for (const kept of ["resolved-recent", "open-old", "acknowledged-old"])
      expect(getOffender(store.db, kept)).not.toBeNull();
    expect(hourCount()).toBe(0); // the deleted offender's history went with it
  });

  it("deletes sent and dead alert messages past the window, never pending ones", () => {
    seedDelivery("sent-old", "sent", NOW - 8 * DAY);
    seedDelivery("dead-old", "dead", NOW - 30 * DAY);
    seedDelivery("pending-old", "pending", NOW - 30 * DAY);
    seedDelivery("sent-recent", "sent", NOW - 1 * DAY);
    expect(pruneBatch(store.db, policy, NOW)).toMatchObject({ deliveries: 2, done: true });
    const left = store.db.all<{ id: string }>(sql`SELECT id FROM alert_deliveries ORDER BY id`);
    expect(left.map((r) => r.id)).toEqual(["pending-old", "sent-recent"]);
  });

  it("works in batches: a backlog takes several calls, each bounded, until done", () => {
    seedOffenders(store.db, [{ id: "a", lastSeen: NOW }]);
    seedHours(store.db, "a", NOW - 60 * DAY, Array(250).fill(1));
    const calls: number[] = [];
    for (;;) {
      const r = pruneBatch(store.db, policy, NOW, 100);
      calls.push(r.hours);
      if (r.done) break;
    }
    expect(calls).toEqual([100, 100, 50]);
    expect(hourCount()).toBe(0);
  });

  it("keeps everything when a window is 0", () => {
    seedOffenders(store.db, [{ id: "r", status: "resolved", lastSeen: 0 }]);
    seedHours(store.db, "r", 0, [1, 1]);
    seedDelivery("s", "sent", 0);
    const forever = { historyDays: 0, closedOffenderDays: 0, deliveryDays: 0 };
    expect(pruneBatch(store.db, forever, NOW)).toEqual({ hours: 0, offenders: 0, deliveries: 0, done: true });
    expect(hourCount()).toBe(2);
  });
});
