import {
  DAY_MS,
  type Facets,
  type Overview,
  type OverviewCounts,
  type OverviewService,
  roundMs,
  SAVINGS_MIN_WINDOW_MS,
} from "@n1radar/core";
import { and, count, desc, eq, isNotNull, isNull, max, ne, type SQL, sql, sum } from "drizzle-orm";
import { filterWhere, HOUR_MS, type OffenderFilter } from "./list.js";
import type { Db } from "./open.js";
import { offenders } from "./schema.js";

export const ENDPOINTS_PER_SERVICE = 50;

const UNRESOLVED = sql<number>`sum(case when ${offenders.status} in ('open', 'acknowledged', 'regressed') then 1 else 0 end)`;
const REGRESSED = sql<number>`sum(case when ${offenders.status} = 'regressed' then 1 else 0 end)`;

/**
 * An offender's time wasted within the filter's range, from its hour buckets (the hour `since` falls in counts
 * whole); without a range, all of it. An offender seen yesterday and a year ago must not bring the year's
 * waste into "the last 24 hours".
 */
function wastedIn(filter: Omit<OffenderFilter, "status">): SQL<number> {
  if (filter.sinceMs === undefined && filter.untilMs === undefined) return sql<number>`${offenders.wastedMs}`;
  const from = Math.floor((filter.sinceMs ?? 0) / HOUR_MS) * HOUR_MS;
  const to = filter.untilMs ?? Number.MAX_SAFE_INTEGER;
  return sql<number>`coalesce((select sum(h.wasted_ms) from offender_hours h where h.offender_id = ${offenders.id} and h.hour_start >= ${from} and h.hour_start <= ${to}), 0)`;
}

/** Services and their endpoints with offender counts: one grouped query, folded here. */
export function overview(db: Db, filter: Omit<OffenderFilter, "status"> = {}): Overview {
  const scope = filterWhere(filter);
  const wasted = wastedIn(filter);
  const rows = db
    .select({
      service: offenders.service,
      endpoint: offenders.endpoint,
      offenders: count(),
      unresolved: UNRESOLVED,
      regressed: REGRESSED,
      wastedMs: sql<number>`sum(${wasted})`.mapWith(Number),
      unresolvedWastedMs:
        sql<number>`sum(case when ${offenders.status} in ('open', 'acknowledged', 'regressed') then ${wasted} else 0 end)`.mapWith(
          Number,
        ),
      traces: sum(offenders.traces).mapWith(Number),
      lastSeen: max(offenders.lastSeen),
      // projectedSavings (core savings.ts) summed in SQL: the rate over the time seen, an hour at least.
      savedCalls:
        sql<number>`sum(case when ${offenders.status} in ('open', 'acknowledged', 'regressed') then ${offenders.occurrences} * 1.0 * ${DAY_MS} / max(${offenders.lastSeen} - ${offenders.firstSeen}, ${SAVINGS_MIN_WINDOW_MS}) * max(${offenders.repeatsMedian} - 1, 0) else 0 end)`.mapWith(
          Number,
        ),
      savedTimeMs:
        sql<number>`sum(case when ${offenders.status} in ('open', 'acknowledged', 'regressed') then ${offenders.wastedMs} * 1.0 * ${DAY_MS} / max(${offenders.lastSeen} - ${offenders.firstSeen}, ${SAVINGS_MIN_WINDOW_MS}) else 0 end)`.mapWith(
          Number,
        ),
    })
    .from(offenders)
    .where(and(scope, ne(offenders.status, "ignored")))
    .groupBy(offenders.service, offenders.endpoint)
    .orderBy(desc(sql`sum(${wasted})`))
    .all();
  const ignored =
    db
      .select({ n: count() })
      .from(offenders)
      .where(and(scope, sql`${offenders.status} = 'ignored'`))
      .get()?.n ?? 0;
  return foldOverview(rows, ignored);
}

/** One (service, endpoint) group of the overview query, as both dialects return it. */
export interface OverviewRow {
  service: string;
  endpoint: string;
  offenders: number;
  unresolved: number;
  regressed: number;
  wastedMs: number;
  unresolvedWastedMs: number;
  traces: number;
  lastSeen: number | null;
  savedCalls: number;
  savedTimeMs: number;
}

/** Folds the groups (most wasteful first) into services with their endpoints and the totals. */
export function foldOverview(rows: readonly OverviewRow[], ignored: number): Overview {
  const services = new Map<string, OverviewService>();
  const totals = { ...emptyCounts(), services: 0, endpoints: 0, ignored };
  for (const row of rows) {
    const counts: OverviewCounts = {
      offenders: row.offenders,
      unresolved: Number(row.unresolved),
      regressed: Number(row.regressed),
      wastedMs: roundMs(row.wastedMs),
      unresolvedWastedMs: roundMs(row.unresolvedWastedMs),
      traces: row.traces,
      lastSeen: new Date(row.lastSeen ?? 0).toISOString(),
      savingsPerDay: { dbCalls: Math.round(row.savedCalls), dbTimeMs: Math.round(row.savedTimeMs) },
    };
    let service = services.get(row.service);
    if (!service) {
      service = { service: row.service, ...emptyCounts(), endpointCount: 0, endpoints: [] };
      services.set(row.service, service);
    }
    add(service, counts);
    add(totals, counts);
    service.endpointCount++;
    totals.endpoints++;
    // Rows arrive most wasteful first, so the first ones kept are the ones worth showing.
    if (service.endpoints.length < ENDPOINTS_PER_SERVICE)
      service.endpoints.push({ endpoint: row.endpoint, ...counts });
  }
  totals.services = services.size;
  totals.wastedMs = roundMs(totals.wastedMs);
  totals.unresolvedWastedMs = roundMs(totals.unresolvedWastedMs);
  const list = [...services.values()].sort((a, b) => b.wastedMs - a.wastedMs);
  for (const s of list) {
    s.wastedMs = roundMs(s.wastedMs);
    s.unresolvedWastedMs = roundMs(s.unresolvedWastedMs);
  }
  return { totals, services: list };
}

function emptyCounts(): OverviewCounts {
  return {
    offenders: 0,
    unresolved: 0,
    regressed: 0,
    wastedMs: 0,
    unresolvedWastedMs: 0,
    traces: 0,
    lastSeen: new Date(0).toISOString(),
    savingsPerDay: { dbCalls: 0, dbTimeMs: 0 },
  };
}

function add(into: OverviewCounts, counts: OverviewCounts): void {
  into.offenders += counts.offenders;
  into.unresolved += counts.unresolved;
  into.regressed += counts.regressed;
  into.wastedMs += counts.wastedMs;
  into.unresolvedWastedMs += counts.unresolvedWastedMs;
  into.traces += counts.traces;
  into.savingsPerDay = {
    dbCalls: into.savingsPerDay.dbCalls + counts.savingsPerDay.dbCalls,
    dbTimeMs: into.savingsPerDay.dbTimeMs + counts.savingsPerDay.dbTimeMs,
  };
  if (counts.lastSeen > into.lastSeen) into.lastSeen = counts.lastSeen;
}

/**
 * The values the list's service and ORM filters can take, for its dropdowns. Both read only indexes; the ORM's
 * display name comes from one row per ORM. Endpoints are not listed: there can be thousands, and the list's
 * text search and the overview's links cover them.
 */
export function facets(db: Db): Facets {
  const services = db
    .selectDistinct({ service: offenders.service })
    .from(offenders)
    .orderBy(offenders.service)
    .all()
    .map((r) => r.service);
  const orms = db
    .selectDistinct({ orm: offenders.orm })
    .from(offenders)
    .where(isNotNull(offenders.orm))
    .orderBy(offenders.orm)
    .all()
    .map(({ orm }) => {
      const name = db
        .select({ name: sql<string | null>`json_extract(${offenders.guidance}, '$.ormName')` })
        .from(offenders)
        .where(eq(offenders.orm, orm as string))
        .limit(1)
        .get()?.name;
      return { orm: orm as string, name: name ?? (orm as string) };
    });
  const unknownOrm = db
    .select({ id: offenders.id })
    .from(offenders)
    .where(isNull(offenders.orm))
    .limit(1)
    .get();
  return { services, orms, unknownOrm: unknownOrm !== undefined };
}
