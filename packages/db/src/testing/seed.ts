/** Offender rows written straight into the tables, for tests that need many or hand-shaped offenders. */
import type { Guidance } from "@n1radar/core";
import type { offenderHours, offenders } from "../schema.js";

export const guidance: Guidance = {
  orm: null,
  ormName: "SQL",
  confidence: 0,
  summary: "batch it",
  why: "why",
  before: null,
  after: null,
  verify: "verify",
};

export type SeedOffender = Partial<typeof offenders.$inferInsert> & { id: string };

/** Complete rows: the given fields over plausible defaults. */
export function seedOffenderRows(rows: readonly SeedOffender[]): (typeof offenders.$inferInsert)[] {
  return rows.map((row) => ({
    kind: "n_plus_one",
    service: "blog",
    endpoint: "GET /posts",
    statement: `SELECT * FROM t WHERE id = ? /* ${row.id} */`,
    fingerprint: row.id,
    chain: [],
    parallel: false,
    guidance,
    repeatsMax: 5,
    repeatsHistogram: { "5": 1 },
    repeatsMedian: 5,
    occurrences: 1,
    traces: 1,
    wastedMs: 1,
    firstSeen: 0,
    lastSeen: 0,
    sampleTraceId: "0".repeat(32),
    sampleSpans: [],
    exampleTraceIds: [],
    ...row,
  }));
}

/** Hour buckets for one offender: `counts[i]` occurrences in the hour starting at startMs + i hours. */
export function seedHoursRows(
  offenderId: string,
  startMs: number,
  counts: readonly number[],
): (typeof offenderHours.$inferInsert)[] {
  return counts.flatMap((occurrences, i) =>
    occurrences === 0
      ? []
      : [
          {
            offenderId,
            hourStart: startMs + i * 3_600_000,
            occurrences,
            wastedMs: occurrences,
            repeatsMax: 5,
          },
        ],
  );
}
