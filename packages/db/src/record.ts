import { EXAMPLES, type Guidance, histogramMedian, type OffenderDelta, sampleEvidence } from "@n1radar/core";
import { and, eq, lt, sql } from "drizzle-orm";
import type { Db } from "./open.js";
import { columnsOf } from "./query.js";
import { alertEvents, journalRequests, offenderHours, offenders } from "./schema.js";
import { writeTransaction } from "./write-transaction.js";

export interface OffenderWrite {
  delta: OffenderDelta;
  /**
   * The fix read from the delta's sample. Called only when the write stores that sample (a new offender, or a
   * sample repeating at least as much as the stored one): most flushes of a known offender keep the stored
   * evidence, and skip the work.
   */
  guidance: () => Guidance;
}

/** A bar some alert destination sets: an offender crossing it raises a `threshold` alert event. */
export interface AlertThreshold {
  minRepeats?: number;
  minWastedMsPerHour?: number;
}

/** The requests behind a write, for INGEST_DURABLE's replay (schema.ts journalRequests). */
export interface JournaledRequests {
  /** The writing process's journal. */
  journal: string;
  /** Each judged request with a finding in this write, and the last journal batch holding its trace's spans. */
  requests: readonly { request: string; seq: number }[];
}

export interface RecordOptions {
  /** The bars of the destinations that want threshold alerts; none means no threshold events. */
  alertThresholds?: readonly AlertThreshold[];
  nowMs?: number;
  /** Recorded in the same transaction as the findings (INGEST_DURABLE). */
  journaled?: JournaledRequests;
}

const HOUR_MS = 3_600_000;

export function meets(t: AlertThreshold, repeats: number, wastedMsPerHour: number): boolean {
  return repeats >= (t.minRepeats ?? 0) && wastedMsPerHour >= (t.minWastedMsPerHour ?? 0);
}

/** A histogram never holds more than this many distinct repeat counts; the rarest are folded together. */
const HISTOGRAM_KEYS = 200;

export function mergeHistogram(
  stored: Record<string, number>,
  delta: ReadonlyMap<number, number>,
): Record<string, number> {
  const merged = new Map<number, number>(Object.entries(stored).map(([k, v]) => [Number(k), v]));
  for (const [repeats, count] of delta) merged.set(repeats, (merged.get(repeats) ?? 0) + count);
  if (merged.size > HISTOGRAM_KEYS) {
    // Fold the least frequent counts into their nearest kept neighbour: the median moves by at most one step.
    const keep = new Set(
      [...merged]
        .sort((a, b) => b[1] - a[1])
        .slice(0, HISTOGRAM_KEYS)
        .map(([k]) => k),
    );
    const kept = [...keep].sort((a, b) => a - b);
    for (const [k, v] of [...merged]) {
      if (keep.has(k)) continue;
      merged.delete(k);
      const nearest = kept.reduce((best, x) => (Math.abs(x - k) < Math.abs(best - k) ? x : best));
      merged.set(nearest, (merged.get(nearest) ?? 0) + v);
    }
  }
  return Object.fromEntries([...merged].sort((a, b) => a[0] - b[0]).map(([k, v]) => [String(k), v]));
}

/**
 * The evidence an offender keeps: one request's sample and the guidance read from that very sample, always written
 * together, so the fix shown always describes the request shown. A write replaces them when its sample repeats
 * more than the stored one, or as much once the stored one is EVIDENCE_REFRESH_MS old (detection and guidance
 * improve between versions, and the newest request is the likeliest to still look like that), and leaves them
 * otherwise: an offender seen on every flush does not rewrite its sample and recompute its guidance each time.
 */
export const EVIDENCE_REFRESH_MS = 3_600_000;

export function replacesEvidence(
  delta: OffenderDelta,
  stored: { repeatsMax: number; sampleSeenAt: number },
): boolean {
  if (delta.repeatsMax !== stored.repeatsMax) return delta.repeatsMax > stored.repeatsMax;
  return delta.sample.seenAtMs - stored.sampleSeenAt >= EVIDENCE_REFRESH_MS;
}

export function evidenceColumns(delta: OffenderDelta, guidanceOf: () => Guidance) {
  const { code, ...evidence } = sampleEvidence(delta);
  const guidance = guidanceOf();
  return {
    ...evidence,
    sampleSeenAt: delta.sample.seenAtMs,
    codeFunction: code?.function ?? null,
    codeFile: code?.file ?? null,
    codeLine: code?.line ?? null,
    orm: guidance.orm,
    guidance,
  };
}

/** A first sight's row, the same in both dialects: the delta as it is, with its evidence. */
export function newOffenderColumns(delta: OffenderDelta, guidance: () => Guidance) {
  const { latest } = delta;
  const histogram = mergeHistogram({}, delta.repeatsHistogram);
  return {
    id: delta.id,
    kind: latest.kind,
    service: latest.service,
    endpoint: latest.endpoint,
    statement: latest.statement,
    fingerprint: latest.fingerprint,
    dbSystem: latest.dbSystem,
    repeatsMax: delta.repeatsMax,
    repeatsHistogram: histogram,
    repeatsMedian: histogramMedian(histogram),
    occurrences: delta.occurrences,
    traces: delta.traces,
    wastedMs: delta.wastedMs,
    firstSeen: delta.firstSeenMs,
    lastSeen: delta.lastSeenMs,
    exampleTraceIds: delta.exampleTraceIds,
    environment: latest.environment ?? null,
    ...evidenceColumns(delta, guidance),
  };
}

/**
 * What a write reads of a stored offender to merge a delta into it: never the sample or the guidance, whose JSON
 * (kilobytes) would be parsed for every offender of every flush only to be replaced.
 */
/** What a write reads of a stored offender to merge a delta into it (see MERGED); both dialects. */
export const MERGED_FIELDS = [
  "status",
  "statusChangedAt",
  "repeatsMax",
  "repeatsHistogram",
  "sampleSeenAt",
  "exampleTraceIds",
  "firstSeen",
  "lastSeen",
  "environment",
] as const;
const MERGED = columnsOf(offenders, MERGED_FIELDS);

/**
 * Writes one flush worth of offender deltas in a single transaction: each offender is read and written once,
 * whatever the number of traces behind it. A resolved offender seen again becomes a regression. Alert events
 * (new, regression, a bar crossed) go to the outbox in the same transaction, so none is lost or invented.
 */
export function recordDeltas(db: Db, writes: readonly OffenderWrite[], options: RecordOptions = {}): void {
  if (writes.length === 0) return;
  const nowMs = options.nowMs ?? Date.now();
  const thresholds = options.alertThresholds ?? [];
  writeTransaction(db, (tx) => {
    const alert = (offenderId: string, event: "new" | "regression" | "threshold") =>
      tx.insert(alertEvents).values({ offenderId, event, createdAt: nowMs }).run();
    for (const { delta, guidance } of writes) {
      const existing = tx.select(MERGED).from(offenders).where(eq(offenders.id, delta.id)).get();
      const latest = delta.latest;
      // The latest hour's waste before and after this write, for the per-hour bars.
      const hourStart = Math.floor(delta.lastSeenMs / HOUR_MS) * HOUR_MS;
      const hourBefore =
        existing && thresholds.length > 0
          ? (tx
              .select({ wastedMs: offenderHours.wastedMs })
              .from(offenderHours)
              .where(and(eq(offenderHours.offenderId, delta.id), eq(offenderHours.hourStart, hourStart)))
              .get()?.wastedMs ?? 0)
          : 0;
      if (!existing) {
        tx.insert(offenders).values(newOffenderColumns(delta, guidance)).run();
        alert(delta.id, "new");
      } else {
        const histogram = mergeHistogram(existing.repeatsHistogram, delta.repeatsHistogram);
        const examples = [...new Set([...delta.exampleTraceIds, ...existing.exampleTraceIds])].slice(
          0,
          EXAMPLES,
        );
        const regressed =
          existing.status === "resolved" && delta.lastSeenMs > (existing.statusChangedAt ?? 0);
        tx.update(offenders)
          .set({
            repeatsMax: Math.max(existing.repeatsMax, delta.repeatsMax),
            repeatsHistogram: histogram,
            repeatsMedian: histogramMedian(histogram),
            occurrences: sql`${offenders.occurrences} + ${delta.occurrences}`,
            traces: sql`${offenders.traces} + ${delta.traces}`,
            wastedMs: sql`${offenders.wastedMs} + ${delta.wastedMs}`,
            firstSeen: Math.min(existing.firstSeen, delta.firstSeenMs),
            lastSeen: Math.max(existing.lastSeen, delta.lastSeenMs),
            exampleTraceIds: examples,
            environment: latest.environment ?? existing.environment,
            ...(replacesEvidence(delta, existing) ? evidenceColumns(delta, guidance) : {}),
            ...(regressed
              ? { status: "regressed", statusChangedAt: delta.lastSeenMs, statusChangedBy: null }
              : {}),
          })
          .where(eq(offenders.id, delta.id))
          .run();
        if (regressed) alert(delta.id, "regression");
        else if (existing.status !== "ignored" && existing.status !== "resolved") {
          const hourAfter = hourBefore + (delta.hours.get(hourStart)?.wastedMs ?? 0);
          const repeatsAfter = Math.max(existing.repeatsMax, delta.repeatsMax);
          const crossed = thresholds.some(
            (t) => !meets(t, existing.repeatsMax, hourBefore) && meets(t, repeatsAfter, hourAfter),
          );
          if (crossed) alert(delta.id, "threshold");
        }
      }
      for (const [hourStart, hour] of delta.hours) {
        tx.insert(offenderHours)
          .values({ offenderId: delta.id, hourStart, ...hour })
          .onConflictDoUpdate({
            target: [offenderHours.offenderId, offenderHours.hourStart],
            set: {
              occurrences: sql`${offenderHours.occurrences} + ${hour.occurrences}`,
              wastedMs: sql`${offenderHours.wastedMs} + ${hour.wastedMs}`,
              repeatsMax: sql`max(${offenderHours.repeatsMax}, ${hour.repeatsMax})`,
            },
          })
          .run();
      }
    }
    const journaled = options.journaled;
    for (const { request, seq } of journaled?.requests ?? [])
      tx.insert(journalRequests)
        .values({ journal: journaled!.journal, request, seq })
        .onConflictDoUpdate({
          target: [journalRequests.journal, journalRequests.request],
          set: { seq: sql`max(${journalRequests.seq}, ${seq})` },
        })
        .run();
  });
}

/** The requests of `journal` whose findings are stored (INGEST_DURABLE's replay does not count them again). */
export function listJournalRequests(db: Db, journal: string): string[] {
  return db
    .select({ request: journalRequests.request })
    .from(journalRequests)
    .where(eq(journalRequests.journal, journal))
    .all()
    .map((r) => r.request);
}

/** Forgets the requests whose traces' spans the journal no longer holds (all below `seq`); returns how many. */
export function pruneJournalRequests(db: Db, journal: string, seq: number): number {
  return db
    .delete(journalRequests)
    .where(and(eq(journalRequests.journal, journal), lt(journalRequests.seq, seq)))
    .run().changes;
}
