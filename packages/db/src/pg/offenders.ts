/**
 * Reading offenders on PostgreSQL: the same queries as list.ts, query.ts, overview.ts and stored-orms.ts, in
 * PostgreSQL's spelling (ILIKE for the case-insensitive search, greatest() for a scalar max, ->> for JSON), with
 * bigint and numeric aggregates turned back into numbers.
 */
import {
  DAY_MS,
  type Facets,
  type Guidance,
  type OffenderDetail,
  type OffenderPage,
  type OffenderSort,
  type Overview,
  roundMs,
  SAVINGS_MIN_WINDOW_MS,
  type SampleSpan,
} from "@n1radar/core";
import {
  and,
  asc,
  count,
  desc,
  eq,
  gte,
  inArray,
  isNotNull,
  isNull,
  lte,
  ne,
  or,
  type SQL,
  sql,
} from "drizzle-orm";
import {
  DEFAULT_TREND_HOURS,
  HOUR_MS,
  likePattern,
  type OffenderFilter,
  type OffenderQuery,
} from "../list.js";
import { foldOverview } from "../overview.js";
import { columnsOf, OFFENDER_FIELDS, toOffender } from "../query.js";
import { offenderHours, offenders } from "../schema-pg.js";
import type { StoredOrm } from "../stored-orms.js";
import type { PgDb } from "./db.js";

/** The columns an Offender is built from (query.ts's OFFENDER_FIELDS). */
export const offenderColumns = columnsOf(offenders, OFFENDER_FIELDS);

const UNRESOLVED_STATUS = sql`${offenders.status} in ('open', 'acknowledged', 'regressed')`;

/** list.ts's filterWhere; the text search is ILIKE, as SQLite's LIKE ignores case. */
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
        sql`${offenders.endpoint} ILIKE ${pattern}`,
        sql`${offenders.statement} ILIKE ${pattern}`,
        sql`${offenders.service} ILIKE ${pattern}`,
      ),
    );
  }
  return conditions.length > 0 ? and(...conditions) : undefined;
}

const ORDER: Record<OffenderSort, SQL[]> = {
  wasted: [desc(offenders.wastedMs), desc(offenders.id)],
  traces: [desc(offenders.traces), desc(offenders.wastedMs), desc(offenders.id)],
  repeats: [desc(offenders.repeatsMax), desc(offenders.wastedMs), desc(offenders.id)],
  recent: [desc(offenders.lastSeen), desc(offenders.wastedMs), desc(offenders.id)],
};

/**
 * One page of offenders. Its reads (the order, the rows, the total, the trends) share one snapshot: read apart, a
 * write committed between them (another replica's flush) showed rows in an order their own figures contradict.
 */
export async function findOffenders(db: PgDb, query: OffenderQuery, nowMs: number): Promise<OffenderPage> {
  return db.transaction(
    async (tx) => {
      const where = filterWhere(query);
      const ids = (
        await tx
          .select({ id: offenders.id })
          .from(offenders)
          .where(where)
          .orderBy(...ORDER[query.sort ?? "wasted"])
          .limit(query.limit)
          .offset(query.offset)
      ).map((r) => r.id);
      const byId = new Map(
        ids.length === 0
          ? []
          : (await tx.select(offenderColumns).from(offenders).where(inArray(offenders.id, ids))).map(
              (r) => [r.id, r] as const,
            ),
      );
      const rows = ids.flatMap((id) => byId.get(id) ?? []);
      const [total] = await tx.select({ n: count() }).from(offenders).where(where);
      const hours = query.trendHours ?? DEFAULT_TREND_HOURS;
      const trendEnd = Math.floor(nowMs / HOUR_MS) * HOUR_MS;
      const trendStart = trendEnd - (hours - 1) * HOUR_MS;
      const trends = new Map<string, number[]>();
      if (ids.length > 0) {
        const points = await tx
          .select({ id: offenderHours.offenderId, at: offenderHours.hourStart, n: offenderHours.occurrences })
          .from(offenderHours)
          .where(
            and(
              inArray(offenderHours.offenderId, ids),
              gte(offenderHours.hourStart, trendStart),
              lte(offenderHours.hourStart, trendEnd),
            ),
          );
        for (const p of points) {
          const trend = trends.get(p.id) ?? new Array<number>(hours).fill(0);
          trends.set(p.id, trend);
          const slot = Math.floor((p.at - trendStart) / HOUR_MS);
          trend[slot] = (trend[slot] ?? 0) + p.n;
        }
      }
      return {
        findings: rows.map((row) => ({
          ...toOffender(row),
          trend: trends.get(row.id) ?? new Array<number>(hours).fill(0),
        })),
        total: total?.n ?? 0,
        trendStart: new Date(trendStart).toISOString(),
      };
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

/** overview.ts's wastedIn. */
function wastedIn(filter: Omit<OffenderFilter, "status">): SQL<number> {
  if (filter.sinceMs === undefined && filter.untilMs === undefined) return sql<number>`${offenders.wastedMs}`;
  const from = Math.floor((filter.sinceMs ?? 0) / HOUR_MS) * HOUR_MS;
  const to = filter.untilMs ?? Number.MAX_SAFE_INTEGER;
  return sql<number>`coalesce((select sum(h.wasted_ms) from offender_hours h where h.offender_id = ${offenders.id} and h.hour_start >= ${from}::bigint and h.hour_start <= ${to}::bigint), 0)`;
}

export async function overview(db: PgDb, filter: Omit<OffenderFilter, "status"> = {}): Promise<Overview> {
  const scope = filterWhere(filter);
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
