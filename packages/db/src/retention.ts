/**
 * Retention: what the store forgets, and when. Without it months of traffic grow the database without bound: an
 * offender's hour buckets (its history) pile up, offenders the team resolved or ignored linger after they stopped
 * happening, and sent alert messages accumulate. Pruning deletes in small batches (each its own short
 * transaction) so the writer is never held for long; the server calls `pruneBatch` on a timer and yields between
 * batches, so ingest never stalls behind a large backlog.
 */
import { sql } from "drizzle-orm";
import type { Db } from "./open.js";
import { writeTransaction } from "./write-transaction.js";

const DAY_MS = 86_400_000;

export interface RetentionPolicy {
  /** Hour buckets (occurrences, waste, repeats per hour) older than this are deleted; 0 keeps them forever. */
  historyDays: number;
  /** Resolved and ignored offenders not seen for this long are deleted with their history; 0 keeps them. */
  closedOffenderDays: number;
  /** Sent and dead-lettered alert messages older than this are deleted; 0 keeps them. Pending ones never are. */
  deliveryDays: number;
}

export const defaultRetention: RetentionPolicy = { historyDays: 30, closedOffenderDays: 30, deliveryDays: 7 };

/** Rows deleted by one batch, per kind; `done` when nothing older than the policy was left. */
export interface PruneResult {
  hours: number;
  offenders: number;
  deliveries: number;
  done: boolean;
}

export const PRUNE_KINDS = ["hours", "offenders", "deliveries"] as const;

/**
 * Deletes at most `batch` rows of each kind that the policy no longer keeps. Row-value subqueries keep every
 * statement a bounded, index-driven delete (offender_hours by its hour index, offenders by last_seen).
 */
export function pruneBatch(db: Db, policy: RetentionPolicy, nowMs: number, batch = 500): PruneResult {
  return writeTransaction(db, (tx) => {
    let hours = 0;
    let offenders = 0;
    let deliveries = 0;
    if (policy.closedOffenderDays > 0) {
      const before = nowMs - policy.closedOffenderDays * DAY_MS;
      // Cascades to the offender's hours, alert events and notification marks.
      offenders = tx.run(sql`
        DELETE FROM offenders WHERE id IN (
          SELECT id FROM offenders
          WHERE status IN ('resolved', 'ignored') AND last_seen < ${before}
          LIMIT ${batch})`).changes;
    }
    if (policy.historyDays > 0) {
      const before = nowMs - policy.historyDays * DAY_MS;
      hours = tx.run(sql`
        DELETE FROM offender_hours WHERE (offender_id, hour_start) IN (
          SELECT offender_id, hour_start FROM offender_hours WHERE hour_start < ${before} LIMIT ${batch})`).changes;
    }
    if (policy.deliveryDays > 0) {
      const before = nowMs - policy.deliveryDays * DAY_MS;
      deliveries = tx.run(sql`
        DELETE FROM alert_deliveries WHERE id IN (
          SELECT id FROM alert_deliveries
          WHERE status IN ('sent', 'dead') AND updated_at < ${before}
          LIMIT ${batch})`).changes;
    }
    const done = hours < batch && offenders < batch && deliveries < batch;
    return { hours, offenders, deliveries, done };
  });
}
