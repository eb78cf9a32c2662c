import type { Guidance, Offender, OffenderDetail, OffenderStatus, SampleSpan } from "@n1radar/core";
import { asc, desc, eq } from "drizzle-orm";
import type { Db } from "./open.js";
import { offenderHours, offenders } from "./schema.js";

type OffenderRow = typeof offenders.$inferSelect;

function toOffender(row: OffenderRow): Offender {
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
    wastedMs: Math.round(row.wastedMs * 1000) / 1000,
    firstSeen: new Date(row.firstSeen).toISOString(),
    lastSeen: new Date(row.lastSeen).toISOString(),
    status: row.status as OffenderStatus,
    guidance: row.guidance as Guidance,
    code: hasCode ? { function: row.codeFunction, file: row.codeFile, line: row.codeLine } : null,
  };
}

export interface ListOptions {
  limit: number;
  offset: number;
}

/** Offenders ranked by the time they waste, most first. */
export function listOffenders(db: Db, options: ListOptions): Offender[] {
  return db
    .select()
    .from(offenders)
    .orderBy(desc(offenders.wastedMs), offenders.id)
    .limit(options.limit)
    .offset(options.offset)
    .all()
    .map(toOffender);
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
  return {
    ...toOffender(row),
    sampleTraceId: row.sampleTraceId,
    exampleTraceIds: row.exampleTraceIds,
    sampleSpans: row.sampleSpans as SampleSpan[],
    history: hours.map((h) => ({
      at: new Date(h.hourStart).toISOString(),
      occurrences: h.occurrences,
      wastedMs: Math.round(h.wastedMs * 1000) / 1000,
      repeatsMax: h.repeatsMax,
    })),
  };
}
