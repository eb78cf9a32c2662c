import {
  type Guidance,
  type Offender,
  type OffenderDetail,
  type OffenderStatus,
  projectedSavings,
  roundMs,
  type SampleSpan,
} from "@n1radar/core";
import { asc, eq } from "drizzle-orm";
import type { Db } from "./open.js";
import { offenderHours, offenders } from "./schema.js";

/**
 * The fields an Offender is built from. Lists select only these: the sample spans, histogram and example ids
 * are the bulk of a row and only the detail page needs them. Both dialects select them (columnsOf).
 */
export const OFFENDER_FIELDS = [
  "id",
  "kind",
  "service",
  "endpoint",
  "statement",
  "sourceStatement",
  "chain",
  "parallel",
  "dbSystem",
  "orm",
  "guidance",
  "repeatsMax",
  "repeatsMedian",
  "occurrences",
  "traces",
  "wastedMs",
  "firstSeen",
  "lastSeen",
  "status",
  "codeFunction",
  "codeFile",
  "codeLine",
] as const;

/** Some of a table's columns by name, for a select: the same field list serves either dialect's table. */
export function columnsOf<T extends object, K extends keyof T>(table: T, names: readonly K[]): Pick<T, K> {
  return Object.fromEntries(names.map((name) => [name, table[name]])) as Pick<T, K>;
}

export const offenderColumns = columnsOf(offenders, OFFENDER_FIELDS);

export type OffenderRow = Pick<typeof offenders.$inferSelect, keyof typeof offenderColumns>;

export function toOffender(row: OffenderRow): Offender {
  const hasCode = row.codeFunction !== null || row.codeFile !== null || row.codeLine !== null;
  return {
    id: row.id,
    kind: row.kind as Offender["kind"],
    service: row.service,
    endpoint: row.endpoint,
    statement: row.statement,
    sourceStatement: row.sourceStatement,
    chain: row.chain,
    parallel: row.parallel,
    dbSystem: row.dbSystem,
    orm: row.orm,
    repeats: row.repeatsMax,
    repeatsMedian: row.repeatsMedian,
    traces: row.traces,
    occurrences: row.occurrences,
    wastedMs: roundMs(row.wastedMs),
    firstSeen: new Date(row.firstSeen).toISOString(),
    lastSeen: new Date(row.lastSeen).toISOString(),
    status: row.status as OffenderStatus,
    guidance: row.guidance as Guidance,
    code: hasCode ? { function: row.codeFunction, file: row.codeFile, line: row.codeLine } : null,
    savings: projectedSavings({
      occurrences: row.occurrences,
      repeatsMedian: row.repeatsMedian,
      wastedMs: row.wastedMs,
      firstSeenMs: row.firstSeen,
      lastSeenMs: row.lastSeen,
      parallel: row.parallel,
    }),
  };
}

/** A stored row and its hour rows (oldest first) as the API's OffenderDetail, in either dialect. */
export function toOffenderDetail(
  row: typeof offenders.$inferSelect,
  hours: readonly { hourStart: number; occurrences: number; wastedMs: number; repeatsMax: number }[],
): OffenderDetail {
  return {
    ...toOffender(row),
    sampleTraceId: row.sampleTraceId,
    exampleTraceIds: row.exampleTraceIds,
    sampleSpans: row.sampleSpans as SampleSpan[],
    statusChange:
      row.statusChangedAt === null
        ? null
        : { at: new Date(row.statusChangedAt).toISOString(), by: row.statusChangedBy },
    history: hours.map((h) => ({
      at: new Date(h.hourStart).toISOString(),
      occurrences: h.occurrences,
      wastedMs: roundMs(h.wastedMs),
      repeatsMax: h.repeatsMax,
    })),
  };
}

export function getOffender(db: Db, id: string): OffenderDetail | null {
  const row = db.select().from(offenders).where(eq(offenders.id, id)).get();
  if (!row) return null;
  const hours = db
    .select()
    .from(offenderHours)
    .where(eq(offenderHours.offenderId, id))
    .orderBy(asc(offenderHours.hourStart))
    .all();
  return toOffenderDetail(row, hours);
}
