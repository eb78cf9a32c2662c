import type { OffenderPage, OffenderSort, OffenderStatus } from "@n1radar/core";
import { and, count, desc, eq, gte, inArray, isNull, lte, or, type SQL, sql } from "drizzle-orm";
import type { Db } from "./open.js";
import { type OffenderRow, offenderColumns, toOffender } from "./query.js";
import { offenderHours, offenders } from "./schema.js";
import { type offenderHours as pgOffenderHours, offenders as pgOffenders } from "./schema-pg.js";

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

/** Either dialect's offenders table: the list's filters and orders read the same columns in both. */
export type OffenderTable = typeof offenders | typeof pgOffenders;
export type OffenderHoursTable = typeof offenderHours | typeof pgOffenderHours;

/**
 * The WHERE clause for a filter on either dialect's table; undefined when nothing is filtered. The text search
 * ignores case in both: SQLite's LIKE does, PostgreSQL needs ILIKE (whose escape character is also `\`).
 */
export function filterWhere(filter: OffenderFilter, t: OffenderTable = offenders): SQL | undefined {
  const conditions: (SQL | undefined)[] = [];
  if (filter.service !== undefined) conditions.push(eq(t.service, filter.service));
  if (filter.endpoint !== undefined) conditions.push(eq(t.endpoint, filter.endpoint));
  if (filter.orm !== undefined)
    conditions.push(filter.orm === "none" ? isNull(t.orm) : eq(t.orm, filter.orm));
  if (filter.status !== undefined && filter.status.length > 0)
    conditions.push(inArray(t.status, [...filter.status]));
  if (filter.sinceMs !== undefined) conditions.push(gte(t.lastSeen, filter.sinceMs));
  if (filter.untilMs !== undefined) conditions.push(lte(t.lastSeen, filter.untilMs));
  const q = filter.q?.trim();
  if (q) {
    const pattern = likePattern(q);
    const like = sql.raw(t === pgOffenders ? "ILIKE" : "LIKE");
    conditions.push(
      or(
        sql`${t.endpoint} ${like} ${pattern} ESCAPE '\\'`,
        sql`${t.statement} ${like} ${pattern} ESCAPE '\\'`,
        sql`${t.service} ${like} ${pattern} ESCAPE '\\'`,
      ),
    );
  }
  return conditions.length > 0 ? and(...conditions) : undefined;
}

/**
 * Each sort's keys; the id last so paging is stable when the leading keys tie. All descending, so each matches
 * its index in schema.ts read backwards.
 */
export function orderOf(sort: OffenderSort, t: OffenderTable = offenders): SQL[] {
  switch (sort) {
    case "wasted":
      return [desc(t.wastedMs), desc(t.id)];
    case "traces":
      return [desc(t.traces), desc(t.wastedMs), desc(t.id)];
    case "repeats":
      return [desc(t.repeatsMax), desc(t.wastedMs), desc(t.id)];
    case "recent":
      return [desc(t.lastSeen), desc(t.wastedMs), desc(t.id)];
  }
}

/** The hours a page's trends cover: `hours` buckets ending with the current one. */
export function trendWindow(query: OffenderQuery, nowMs: number) {
  const hours = query.trendHours ?? DEFAULT_TREND_HOURS;
  const endMs = Math.floor(nowMs / HOUR_MS) * HOUR_MS;
  return { hours, startMs: endMs - (hours - 1) * HOUR_MS, endMs };
}

/** The hour rows of a page's offenders inside the trend window, on either dialect's table. */
export function trendWhere(ids: string[], window: { startMs: number; endMs: number }, h: OffenderHoursTable) {
  return and(inArray(h.offenderId, ids), gte(h.hourStart, window.startMs), lte(h.hourStart, window.endMs));
}

/** One page from its rows (in page order), total and hour points: each row's trend zero-filled, oldest first. */
export function toPage(
  rows: readonly OffenderRow[],
  total: number,
  points: readonly { id: string; at: number; n: number }[],
  window: { hours: number; startMs: number },
): OffenderPage {
  const trends = new Map<string, number[]>();
  for (const p of points) {
    let trend = trends.get(p.id);
    if (!trend) {
      trend = new Array<number>(window.hours).fill(0);
      trends.set(p.id, trend);
    }
    const slot = Math.floor((p.at - window.startMs) / HOUR_MS);
    trend[slot] = (trend[slot] ?? 0) + p.n;
  }
  return {
    findings: rows.map((row) => ({
      ...toOffender(row),
      trend: trends.get(row.id) ?? new Array<number>(window.hours).fill(0),
    })),
    total,
    trendStart: new Date(window.startMs).toISOString(),
  };
}

/** One page of offenders matching a filter, with the total and each row's trend: four queries in all. */
export function findOffenders(db: Db, query: OffenderQuery, nowMs: number): OffenderPage {
  const where = filterWhere(query);
  // The page's ids first (from an index when the filter allows), then only those rows: skipped rows are never read.
  const ids = db
    .select({ id: offenders.id })
    .from(offenders)
    .where(where)
    .orderBy(...orderOf(query.sort ?? "wasted"))
    .limit(query.limit)
    .offset(query.offset)
    .all()
    .map((r) => r.id);
  if (ids.length === 0) {
    const total = db.select({ n: count() }).from(offenders).where(where).get()?.n ?? 0;
    return toPage([], total, [], trendWindow(query, nowMs));
  }
  const byId = new Map(
    db
      .select(offenderColumns)
      .from(offenders)
      .where(inArray(offenders.id, ids))
      .all()
      .map((r) => [r.id, r] as const),
  );
  const total = db.select({ n: count() }).from(offenders).where(where).get()?.n ?? 0;
  const window = trendWindow(query, nowMs);
  const points = db
    .select({ id: offenderHours.offenderId, at: offenderHours.hourStart, n: offenderHours.occurrences })
    .from(offenderHours)
    .where(trendWhere(ids, window, offenderHours))
    .all();
  return toPage(
    ids.flatMap((id) => byId.get(id) ?? []),
    total,
    points,
    window,
  );
}
