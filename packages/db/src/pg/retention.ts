/** retention.ts's pruneBatch on PostgreSQL: the same bounded, index-driven deletes, counted by RETURNING. */
import { sql } from "drizzle-orm";
import type { PruneResult, RetentionPolicy } from "../retention.js";
import type { PgDb } from "./db.js";

const DAY_MS = 86_400_000;

export async function pruneBatch(
  db: PgDb,
  policy: RetentionPolicy,
  nowMs: number,
  batch = 500,
): Promise<PruneResult> {
  return db.transaction(async (tx) => {
    let hours = 0;
    let offenders = 0;
    let deliveries = 0;
    if (policy.closedOffenderDays > 0) {
      const before = nowMs - policy.closedOffenderDays * DAY_MS;
      // Cascades to the offender's hours, alert events and notification marks. SKIP LOCKED: an offender a
      // replica is writing right now is left for the next batch.
      offenders =
        (
          await tx.execute(sql`
        DELETE FROM offenders WHERE id IN (
          SELECT id FROM offenders
          WHERE status IN ('resolved', 'ignored') AND last_seen < ${before}::bigint
          LIMIT ${batch} FOR UPDATE SKIP LOCKED)`)
        ).rowCount ?? 0;
    }
    if (policy.historyDays > 0) {
      const before = nowMs - policy.historyDays * DAY_MS;
      hours =
        (
          await tx.execute(sql`
        DELETE FROM offender_hours WHERE (offender_id, hour_start) IN (
          SELECT offender_id, hour_start FROM offender_hours WHERE hour_start < ${before}::bigint
          LIMIT ${batch} FOR UPDATE SKIP LOCKED)`)
        ).rowCount ?? 0;
    }
    if (policy.deliveryDays > 0) {
      const before = nowMs - policy.deliveryDays * DAY_MS;
      deliveries =
        (
          await tx.execute(sql`
        DELETE FROM alert_deliveries WHERE id IN (
          SELECT id FROM alert_deliveries
          WHERE status IN ('sent', 'dead') AND updated_at < ${before}::bigint
          LIMIT ${batch} FOR UPDATE SKIP LOCKED)`)
        ).rowCount ?? 0;
    }
    const done = hours < batch && offenders < batch && deliveries < batch;
    return { hours, offenders, deliveries, done };
  });
}
