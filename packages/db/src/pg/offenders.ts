/**
 * Reading offenders on PostgreSQL: the same queries as list.ts, query.ts, overview.ts and stored-orms.ts, in
 * PostgreSQL's spelling (greatest() for a scalar max, ->> for JSON), with bigint and numeric aggregates turned
 * back into numbers. The list's filter, orders, trend window and page, and the detail's row mapping, are the
 * SQLite side's own functions given this dialect's tables (filterWhere, orderOf, trendWhere, toPage,
 * toOffenderDetail): only running them differs (awaited, in one snapshot).
 */
import {
  DAY_MS,
  type Facets,
  type Guidance,
  type OffenderDetail,
  type OffenderPage,
  type Overview,
  SAVINGS_MIN_WINDOW_MS,
} from "@n1radar/core";
import { and, asc, count, desc, eq, inArray, isNotNull, isNull, ne, type SQL, sql } from "drizzle-orm";
import {
  filterWhere,
  HOUR_MS,
  type OffenderFilter,
  type OffenderQuery,
  orderOf,
  toPage,
  trendWhere,
  trendWindow,
} from "../list.js";
import { foldOverview } from "../overview.js";
import { columnsOf, OFFENDER_FIELDS, toOffenderDetail } from "../query.js";
import { offenderHours, offenders } from "../schema-pg.js";
import type { StoredOrm } from "../stored-orms.js";
import type { PgDb } from "./db.js";

/** The columns an Offender is built from (query.ts's OFFENDER_FIELDS). */
export const offenderColumns = columnsOf(offenders, OFFENDER_FIELDS);

const UNRESOLVED_STATUS = sql`${offenders.status} in ('open', 'acknowledged', 'regressed')`;

/**
 * One page of offenders. Its reads (the order, the rows, the total, the trends) share one snapshot: read apart, a
 * write committed between them (another replica's flush) showed rows in an order their own figures contradict.
 */
export async function findOffenders(db: PgDb, query: OffenderQuery, nowMs: number): Promise<OffenderPage> {
  return db.transaction(
    async (tx) => {
      const where = filterWhere(query, offenders);
      const ids = (
        await tx
          .select({ id: offenders.id })
          .from(offenders)
          .where(where)
          .orderBy(...orderOf(query.sort ?? "wasted", offenders))
          .limit(query.limit)
          .offset(query.offset)
      ).map((r) => r.id);
      const [total] = await tx.select({ n: count() }).from(offenders).where(where);
      const window = trendWindow(query, nowMs);
      if (ids.length === 0) return toPage([], total?.n ?? 0, [], window);
      const byId = new Map(
        (await tx.select(offenderColumns).from(offenders).where(inArray(offenders.id, ids))).map(
          (r) => [r.id, r] as const,
        ),
      );
      const points = await tx
        .select({ id: offenderHours.offenderId, at: offenderHours.hourStart, n: offenderHours.occurrences })
        .from(offenderHours)
        .where(trendWhere(ids, window, offenderHours));
      return toPage(
        ids.flatMap((id) => byId.get(id) ?? []),
        total?.n ?? 0,
        points,
        window,
      );
    },
    { isolationLevel: "repeatable read", accessMode: "read only" },
  );
}

export async function getOffender(db: PgDb, id: string): Promise<OffenderDetail | null> {
  const [row] = await db.select().from(offenders).where(eq(offenders.id, id));
  if (!row) return null;
  const hours = await db
    .select()
    .from(offenderHours)
    .where(eq(offenderHours.offenderId, id))
    .orderBy(asc(offenderHours.hourStart));
  return toOffenderDetail(row, hours);
}

/** overview.ts's wastedIn. */
function wastedIn(filter: Omit<OffenderFilter, "status">): SQL<number> {
  if (filter.sinceMs === undefined && filter.untilMs === undefined) return sql<number>`${offenders.wastedMs}`;
  const from = Math.floor((filter.sinceMs ?? 0) / HOUR_MS) * HOUR_MS;
  const to = filter.untilMs ?? Number.MAX_SAFE_INTEGER;
  return sql<number>`coalesce((select sum(h.wasted_ms) from offender_hours h where h.offender_id = ${offenders.id} and h.hour_start >= ${from}::bigint and h.hour_start <= ${to}::bigint), 0)`;
}

export async function overview(db: PgDb, filter: Omit<OffenderFilter, "status"> = {}): Promise<Overview> {
  const scope = filterWhere(filter, offenders);
  const wasted = wastedIn(filter);
  const windowMs = sql`greatest(${offenders.lastSeen} - ${offenders.firstSeen}, ${SAVINGS_MIN_WINDOW_MS}::bigint)`;
  const rows = await db
    .select({
      service: offenders.service,
      endpoint: offenders.endpoint,
      offenders: count(),
      unresolved: sql<number>`sum(case when ${UNRESOLVED_STATUS} then 1 else 0 end)`.mapWith(Number),
      regressed: sql<number>`sum(case when ${offenders.status} = 'regressed' then 1 else 0 end)`.mapWith(
        Number,
      ),
      wastedMs: sql<number>`sum(${wasted})`.mapWith(Number),
      unresolvedWastedMs: sql<number>`sum(case when ${UNRESOLVED_STATUS} then ${wasted} else 0 end)`.mapWith(
        Number,
      ),
      traces: sql<number>`sum(${offenders.traces})`.mapWith(Number),
      lastSeen: sql<number | null>`max(${offenders.lastSeen})`.mapWith(Number),
      // projectedSavings (core savings.ts) summed in SQL: the rate over the time seen, an hour at least.
      savedCalls:
        sql<number>`sum(case when ${UNRESOLVED_STATUS} then ${offenders.occurrences} * 1.0 * ${DAY_MS}::bigint / ${windowMs} * greatest(${offenders.repeatsMedian} - 1, 0) else 0 end)`.mapWith(
          Number,
        ),
      savedTimeMs:
        sql<number>`sum(case when ${UNRESOLVED_STATUS} then ${offenders.wastedMs} * 1.0 * ${DAY_MS}::bigint / ${windowMs} else 0 end)`.mapWith(
          Number,
        ),
    })
    .from(offenders)
    .where(and(scope, ne(offenders.status, "ignored")))
    .groupBy(offenders.service, offenders.endpoint)
    .orderBy(desc(sql`sum(${wasted})`));
  const [ignored] = await db
    .select({ n: count() })
    .from(offenders)
    .where(and(scope, eq(offenders.status, "ignored")));
  return foldOverview(rows, ignored?.n ?? 0);
}

export async function facets(db: PgDb): Promise<Facets> {
  const services = (
    await db.selectDistinct({ service: offenders.service }).from(offenders).orderBy(offenders.service)
  ).map((r) => r.service);
  // One row per ORM with its display name (any row's: the name is the ORM's).
  const orms = await db
    .selectDistinctOn([offenders.orm], {
      orm: offenders.orm,
      name: sql<string | null>`${offenders.guidance}->>'ormName'`,
    })
    .from(offenders)
    .where(isNotNull(offenders.orm))
    .orderBy(offenders.orm);
  const unknownOrm = await db
    .select({ id: offenders.id })
    .from(offenders)
    .where(isNull(offenders.orm))
    .limit(1);
  return {
    services,
    orms: orms.map(({ orm, name }) => ({ orm: orm as string, name: name ?? (orm as string) })),
    unknownOrm: unknownOrm.length > 0,
  };
}

export async function storedOrms(db: PgDb): Promise<StoredOrm[]> {
  const rows = await db
    .select({ service: offenders.service, statement: offenders.statement, guidance: offenders.guidance })
    .from(offenders)
    .where(isNotNull(offenders.orm));
  return rows.map((row) => ({ ...row, guidance: row.guidance as Guidance }));
}
