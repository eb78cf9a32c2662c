/**
 * recordDeltas on PostgreSQL, where several replicas write at once. Counters and sums are atomic increments
 * (`occurrences = occurrences + n`, the hour buckets an INSERT ... ON CONFLICT DO UPDATE), never a value read and
 * written back. What cannot be summed in SQL (the repeats histogram, the example traces, a regression, a bar
 * crossed) is decided under the offender's row lock, taken by `SELECT ... FOR UPDATE` and held to the commit, so a
 * concurrent writer of the same offender waits and then sees this write. Offenders are written in id order, so
 * two writers lock in the same order and never deadlock.
 */
import { EXAMPLES, histogramMedian } from "@n1radar/core";
import { and, eq, lt, sql } from "drizzle-orm";
import { columnsOf } from "../query.js";
import {
  type AlertThreshold,
  evidenceColumns,
  MERGED_FIELDS,
  meets,
  mergeHistogram,
  newOffenderColumns,
  type OffenderWrite,
  type RecordOptions,
  replacesEvidence,
} from "../record.js";
import { alertEvents, journalRequests, offenderHours, offenders } from "../schema-pg.js";
import type { PgDb, PgTx } from "./db.js";

const HOUR_MS = 3_600_000;
/** What a write reads of a stored offender to merge a delta into it (record.ts MERGED_FIELDS). */
const MERGED = columnsOf(offenders, MERGED_FIELDS);

export async function recordDeltas(
  db: PgDb,
  writes: readonly OffenderWrite[],
  options: RecordOptions = {},
): Promise<void> {
  if (writes.length === 0) return;
  const nowMs = options.nowMs ?? Date.now();
  const thresholds = options.alertThresholds ?? [];
  const ordered = [...writes].sort((a, b) =>
    a.delta.id < b.delta.id ? -1 : a.delta.id > b.delta.id ? 1 : 0,
  );
  const journaled = options.journaled;
  await db.transaction(async (tx) => {
    for (const write of ordered) {
      const event = await writeOne(tx, write, thresholds);
      if (event) await tx.insert(alertEvents).values({ offenderId: write.delta.id, event, createdAt: nowMs });
    }
    if (journaled && journaled.requests.length > 0)
      await tx
        .insert(journalRequests)
        .values(journaled.requests.map(({ request, seq }) => ({ journal: journaled.journal, request, seq })))
        .onConflictDoUpdate({
          target: [journalRequests.journal, journalRequests.request],
          set: { seq: sql`greatest(${journalRequests.seq}, excluded.seq)` },
        });
  });
}

/** See record.ts listJournalRequests. */
export async function listJournalRequests(db: PgDb, journal: string): Promise<string[]> {
  const rows = await db
    .select({ request: journalRequests.request })
    .from(journalRequests)
    .where(eq(journalRequests.journal, journal));
  return rows.map((r) => r.request);
}

/** See record.ts pruneJournalRequests. */
export async function pruneJournalRequests(db: PgDb, journal: string, seq: number): Promise<number> {
  const deleted = await db
    .delete(journalRequests)
    .where(and(eq(journalRequests.journal, journal), lt(journalRequests.seq, seq)))
    .returning({ request: journalRequests.request });
  return deleted.length;
}

/** Writes one offender's delta; returns the alert event it raises, if any. */
async function writeOne(
  tx: PgTx,
  { delta, guidance }: OffenderWrite,
  thresholds: readonly AlertThreshold[],
): Promise<"new" | "regression" | "threshold" | null> {
  const latest = delta.latest;
  const hourStart = Math.floor(delta.lastSeenMs / HOUR_MS) * HOUR_MS;
  // Most writes are to offenders already stored: lock and read first, and send the whole new row only when
  // there is none. Of several replicas inserting the same new offender, only one gets a row back from the
  // insert and says "new"; the others wait for it, then merge into its row like any later write.
  let existing = await lockOffender(tx, delta.id);
  if (!existing) {
    const inserted = await tx
      .insert(offenders)
      .values(newOffenderColumns(delta, guidance))
      .onConflictDoNothing({ target: offenders.id })
      .returning({ id: offenders.id });
    if (inserted.length > 0) {
      await addHours(tx, delta.id, delta.hours);
      return "new";
    }
    existing = await lockOffender(tx, delta.id);
  }
  // Deleted between the insert and the lock (retention): the write fails and the pipeline writes it again.
  if (!existing) throw new Error(`offender ${delta.id} vanished while being written`);
  const histogram = mergeHistogram(existing.repeatsHistogram, delta.repeatsHistogram);
  const examples = [...new Set([...delta.exampleTraceIds, ...existing.exampleTraceIds])].slice(0, EXAMPLES);
  const regressed = existing.status === "resolved" && delta.lastSeenMs > (existing.statusChangedAt ?? 0);
  await tx
    .update(offenders)
    .set({
      repeatsMax: sql`greatest(${offenders.repeatsMax}, ${delta.repeatsMax})`,
      repeatsHistogram: histogram,
      repeatsMedian: histogramMedian(histogram),
      occurrences: sql`${offenders.occurrences} + ${delta.occurrences}`,
      traces: sql`${offenders.traces} + ${delta.traces}`,
      wastedMs: sql`${offenders.wastedMs} + ${delta.wastedMs}`,
      firstSeen: sql`least(${offenders.firstSeen}, ${delta.firstSeenMs})`,
      lastSeen: sql`greatest(${offenders.lastSeen}, ${delta.lastSeenMs})`,
      exampleTraceIds: examples,
      environment: latest.environment ?? existing.environment,
      ...(replacesEvidence(delta, existing) ? evidenceColumns(delta, guidance) : {}),
      ...(regressed ? { status: "regressed", statusChangedAt: delta.lastSeenMs } : {}),
    })
    .where(eq(offenders.id, delta.id));
  const hourAfter = (await addHours(tx, delta.id, delta.hours)).get(hourStart) ?? 0;
  if (regressed) return "regression";
  if (existing.status === "ignored" || existing.status === "resolved" || thresholds.length === 0) return null;
  const hourBefore = hourAfter - (delta.hours.get(hourStart)?.wastedMs ?? 0);
  const repeatsAfter = Math.max(existing.repeatsMax, delta.repeatsMax);
  const crossed = thresholds.some(
    (t) => !meets(t, existing.repeatsMax, hourBefore) && meets(t, repeatsAfter, hourAfter),
  );
  return crossed ? "threshold" : null;
}

/** The offender's fields a write merges, its row locked (FOR UPDATE) until the transaction ends; none if absent. */
async function lockOffender(tx: PgTx, id: string) {
  const [row] = await tx.select(MERGED).from(offenders).where(eq(offenders.id, id)).for("update");
  return row;
}

/** Adds the delta's hour buckets (atomic upserts); returns each bucket's waste after the write. */
async function addHours(
  tx: PgTx,
  offenderId: string,
  hours: ReadonlyMap<number, { occurrences: number; wastedMs: number; repeatsMax: number }>,
): Promise<Map<number, number>> {
  const after = new Map<number, number>();
  for (const [hourStart, hour] of hours) {
    const [row] = await tx
      .insert(offenderHours)
      .values({ offenderId, hourStart, ...hour })
      .onConflictDoUpdate({
        target: [offenderHours.offenderId, offenderHours.hourStart],
        set: {
          occurrences: sql`${offenderHours.occurrences} + ${hour.occurrences}`,
          wastedMs: sql`${offenderHours.wastedMs} + ${hour.wastedMs}`,
          repeatsMax: sql`greatest(${offenderHours.repeatsMax}, ${hour.repeatsMax})`,
        },
      })
      .returning({ wastedMs: offenderHours.wastedMs });
    after.set(hourStart, row?.wastedMs ?? 0);
  }
  return after;
}
