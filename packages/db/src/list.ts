import type { OffenderPage, OffenderSort, OffenderStatus } from "@n1radar/core";
import { and, count, desc, eq, gte, inArray, isNull, lte, or, type SQL, sql } from "drizzle-orm";
import type { Db } from "./open.js";
import { offenderColumns, toOffender } from "./query.js";
import { offenderHours, offenders } from "./schema.js";

/** Filters shared by the list, the overview and the facets. Every field narrows; absent means "any". */
export interface OffenderFilter {
  service?: string;
  endpoint?: string;
  /** ORM id as stored (`sqlalchemy`, ...); `none` selects offenders with no recognised ORM. */
  orm?: string;
  status?: readonly OffenderStatus[];
  /** lastSeen at or after this (ms since epoch). */
  sinceMs?: number;
  /** lastSeen at or before this (ms since epoch). */
  untilMs?: number;
  /** Case-insensitive substring of the service, endpoint or statement. */
  q?: string;
}

export interface OffenderQuery extends OffenderFilter {
  sort?: OffenderSort;
  limit: number;
  offset: number;
  /** Hourly buckets in each row's trend, ending with the current hour. */
  trendHours?: number;
}

export const HOUR_MS = 3_600_000;
export const DEFAULT_TREND_HOURS = 24;

/** `%` and `_` in a search are literal characters, not LIKE wildcards. */
export function likePattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/** The WHERE clause for a filter; undefined when nothing is filtered. */
export function filterWhere(filter: OffenderFilter): SQL | undefined {
  const conditions: (SQL | undefined)[] = [];
  if (filter.service !== undefined) conditions.push(eq(offenders.service, filter.service));
  if (filter.endpoint !== undefined) conditions.push(eq(offenders.endpoint, filter.endpoint));
  if (filter.orm !== undefined)
    conditions.push(filter.orm === "none" ? isNull(offenders.orm) : eq(offenders.orm, filter.orm));
  if (filter.status !== undefined && filter.status.length > 0)
    conditions.push(inArray(offenders.status, [...filter.status]));
  if (filter.sinceMs !== undefined) conditions.push(gte(offenders.lastSeen, filter.sinceMs));
  if (filter.untilMs !== undefined) conditions.push(lte(offenders.lastSeen, filter.untilMs));
  const q = filter.q?.trim();
  if (q) {
    const pattern = likePattern(q);
    conditions.push(
      or(
        sql`${offenders.endpoint} LIKE ${pattern} ESCAPE '\\'`,
        sql`${offenders.statement} LIKE ${pattern} ESCAPE '\\'`,
        sql`${offenders.service} LIKE ${pattern} ESCAPE '\\'`,
      ),
    );
  }
  return conditions.length > 0 ? and(...conditions) : undefined;
}

/**
 * Each sort's keys; the id last so paging is stable when the leading keys tie. All descending, so each matches
 * its index in schema.ts read backwards.
 */
const ORDER: Record<OffenderSort, SQL[]> = {
  wasted: [desc(offenders.wastedMs), desc(offenders.id)],
  traces: [desc(offenders.traces), desc(offenders.wastedMs), desc(offenders.id)],
  repeats: [desc(offenders.repeatsMax), desc(offenders.wastedMs), desc(offenders.id)],
  recent: [desc(offenders.lastSeen), desc(offenders.wastedMs), desc(offenders.id)],
};

/** One page of offenders matching a filter, with the total and each row's trend: four queries in all. */
export function findOffenders(db: Db, query: OffenderQuery, nowMs: number): OffenderPage {
  const where = filterWhere(query);
  // The page's ids first (from an index when the filter allows), then only those rows: skipped rows are never read.
  const ids = db
    .select({ id: offenders.id })
    .from(offenders)
    .where(where)
    .orderBy(...ORDER[query.sort ?? "wasted"])
    .limit(query.limit)
    .offset(query.offset)
    .all()
    .map((r) => r.id);
  const byId = new Map(
    ids.length === 0
      ? []
      : db
          .select(offenderColumns)
          .from(offenders)
          .where(inArray(offenders.id, ids))
          .all()
          .map((r) => [r.id, r] as const),
  );
  const rows = ids.flatMap((id) => byId.get(id) ?? []);
  const total = db.select({ n: count() }).from(offenders).where(where).get()?.n ?? 0;
  const hours = query.trendHours ?? DEFAULT_TREND_HOURS;
  const trendEnd = Math.floor(nowMs / HOUR_MS) * HOUR_MS;
  const trendStart = trendEnd - (hours - 1) * HOUR_MS;
  const trends = trendsOf(
    db,
    rows.map((r) => r.id),
    trendStart,
    hours,
  );
  return {
    findings: rows.map((row) => ({
      ...toOffender(row),
      trend: trends.get(row.id) ?? new Array<number>(hours).fill(0),
    })),
    total,
    trendStart: new Date(trendStart).toISOString(),
  };
}

/** Occurrences per hour for many offenders in one query, zero-filled; keyed by offender id. */
function trendsOf(db: Db, ids: string[], startMs: number, hours: number): Map<string, number[]> {
  const trends = new Map<string, number[]>();
  if (ids.length === 0) return trends;
  const points = db
    .select({ id: offenderHours.offenderId, at: offenderHours.hourStart, n: offenderHours.occurrences })
    .from(offenderHours)
    .where(
      and(
        inArray(offenderHours.offenderId, ids),
        gte(offenderHours.hourStart, startMs),
        lte(offenderHours.hourStart, startMs + (hours - 1) * HOUR_MS),
      ),
    )
    .all();
  for (const p of points) {
    let trend = trends.get(p.id);
    if (!trend) {
      trend = new Array<number>(hours).fill(0);
      trends.set(p.id, trend);
    }
    const slot = Math.floor((p.at - startMs) / HOUR_MS);
    trend[slot] = (trend[slot] ?? 0) + p.n;
  }
  return trends;
}
