/**
 * The alert outbox. recordDeltas writes events; `fanOutAlertEvents` turns them into deliveries (one transaction:
 * a crash leaves either the events or the deliveries, never neither); the worker sends due deliveries and
 * records each attempt. Deliveries stay pending until an answer arrives, so a delivery cut short by a crash is
 * sent again after start-up, under the same id.
 */
import type { DeliveryStatus, Offender } from "@n1radar/core";
import { and, asc, desc, eq, inArray, lte, sql } from "drizzle-orm";
import type { DestinationRow } from "./alert-destinations.js";
import type { Db } from "./open.js";
import { type OffenderRow, offenderColumns, toOffender } from "./query.js";
import {
  alertDeliveries,
  alertDestinations,
  alertEvents,
  alertNotified,
  offenderHours,
  offenders,
} from "./schema.js";
import type { offenderHours as pgOffenderHours } from "./schema-pg.js";
import { writeTransaction } from "./write-transaction.js";

export type AlertEventRow = typeof alertEvents.$inferSelect;
export type NotifiedRow = typeof alertNotified.$inferSelect;
export type DeliveryRow = typeof alertDeliveries.$inferSelect;
export type { DeliveryStatus } from "@n1radar/core";

export interface AlertOffenderFacts {
  offender: Offender;
  environment: string | null;
  /** Waste in the offender's latest hour of traffic. */
  wastedMsPerHour: number;
}

export interface FanOutInput {
  events: AlertEventRow[];
  offenders: Map<string, AlertOffenderFacts>;
  /** Enabled destinations only. */
  destinations: DestinationRow[];
  notified: NotifiedRow[];
}

export interface NewDelivery {
  id: string;
  destinationId: string;
  kind: "alert" | "digest";
  event: string | null;
  offenderIds: string[];
  body: string;
}

export interface FanOutResult {
  deliveries: NewDelivery[];
  notified: NotifiedRow[];
  forget: { destinationId: string; offenderId: string }[];
}

export interface FanOutOptions {
  nowMs: number;
  /** Events wait until the oldest is this old, so a burst (a first deploy) becomes one digest. */
  groupWaitMs: number;
  maxEvents?: number;
}

/** Each offender's latest hour row, in one query, on either dialect's table. */
export function latestHourWhere(ids: string[], h: typeof offenderHours | typeof pgOffenderHours) {
  return and(
    inArray(h.offenderId, ids),
    sql`${h.hourStart} = (select max(h.hour_start) from offender_hours h where h.offender_id = ${h.offenderId})`,
  );
}

/** What `plan` reads of each offender with a pending event: the offender, its environment, its latest hour's waste. */
export function offenderFacts(
  rows: readonly (OffenderRow & { environment: string | null })[],
  latestHours: readonly { offenderId: string; wastedMs: number }[],
): Map<string, AlertOffenderFacts> {
  const hourWaste = new Map(latestHours.map((h) => [h.offenderId, h.wastedMs]));
  const facts = new Map<string, AlertOffenderFacts>();
  for (const row of rows) {
    facts.set(row.id, {
      offender: toOffender(row),
      environment: row.environment,
      wastedMsPerHour: Math.round(hourWaste.get(row.id) ?? 0),
    });
  }
  return facts;
}

/** A planned delivery's row: pending, due now. */
export function newDelivery(d: FanOutResult["deliveries"][number], nowMs: number) {
  return {
    ...d,
    status: "pending" as const,
    attempts: 0,
    nextAttemptAt: nowMs,
    createdAt: nowMs,
    updatedAt: nowMs,
  };
}

/** Reads the pending events and what they need, lets `plan` decide, writes its result; returns events used. */
export function fanOutAlertEvents(
  db: Db,
  options: FanOutOptions,
  plan: (input: FanOutInput) => FanOutResult,
): number {
  return writeTransaction(db, (tx) => {
    const destinations = tx.select().from(alertDestinations).where(eq(alertDestinations.enabled, true)).all();
    if (destinations.length === 0) {
      // Nobody to tell: the events are spent (a destination added later starts from new events).
      return tx.delete(alertEvents).run().changes;
    }
    // Ids grow with time, so the first row is the oldest: read through the primary key, never a scan.
    const oldest = tx
      .select({ at: alertEvents.createdAt })
      .from(alertEvents)
      .orderBy(asc(alertEvents.id))
      .limit(1)
      .get()?.at;
    if (oldest === undefined || oldest > options.nowMs - options.groupWaitMs) return 0;
    const events = tx
      .select()
      .from(alertEvents)
      .orderBy(asc(alertEvents.id))
      .limit(options.maxEvents ?? 1_000)
      .all();
    const ids = [...new Set(events.map((e) => e.offenderId))];
    const rows = tx
      .select({ ...offenderColumns, environment: offenders.environment })
      .from(offenders)
      .where(inArray(offenders.id, ids))
      .all();
    const latestHours = tx
      .select({ offenderId: offenderHours.offenderId, wastedMs: offenderHours.wastedMs })
      .from(offenderHours)
      .where(latestHourWhere(ids, offenderHours))
      .all();
    const notified = tx.select().from(alertNotified).where(inArray(alertNotified.offenderId, ids)).all();
    const result = plan({ events, offenders: offenderFacts(rows, latestHours), destinations, notified });
    for (const d of result.deliveries) tx.insert(alertDeliveries).values(newDelivery(d, options.nowMs)).run();
    for (const n of result.notified) {
      tx.insert(alertNotified)
        .values(n)
        .onConflictDoUpdate({
          target: [alertNotified.destinationId, alertNotified.offenderId],
          set: { event: n.event, at: n.at },
        })
        .run();
    }
    for (const f of result.forget) {
      tx.delete(alertNotified)
        .where(
          and(eq(alertNotified.destinationId, f.destinationId), eq(alertNotified.offenderId, f.offenderId)),
        )
        .run();
    }
    const last = events.at(-1)!.id;
    tx.delete(alertEvents).where(lte(alertEvents.id, last)).run();
    return events.length;
  });
}

export interface DueDelivery {
  delivery: DeliveryRow;
  destination: DestinationRow;
}

/**
 * Claims pending deliveries whose time has come, to enabled destinations, oldest first: each is leased to the
 * caller until `nowMs + leaseMs`, and no other caller claims it meanwhile. A destination with a delivery under a
 * live lease is skipped whole, so its messages go out one sender at a time, in order. `recordAttempt` and
 * `releaseDeliveries` end a lease; a sender that dies leaves it to expire (SQLite: cleared when the store opens).
 */
export function claimDueDeliveries(db: Db, nowMs: number, limit: number, leaseMs: number): DueDelivery[] {
  return writeTransaction(db, (tx) => {
    const due = tx
      .select({ delivery: alertDeliveries, destination: alertDestinations })
      .from(alertDeliveries)
      .innerJoin(alertDestinations, eq(alertDeliveries.destinationId, alertDestinations.id))
      .where(
        and(
          eq(alertDeliveries.status, "pending"),
          lte(alertDeliveries.nextAttemptAt, nowMs),
          eq(alertDestinations.enabled, true),
          sql`not exists (select 1 from alert_deliveries o where o.destination_id = ${alertDeliveries.destinationId}
            and o.status = 'pending' and o.lease_until > ${nowMs})`,
        ),
      )
      .orderBy(asc(alertDeliveries.nextAttemptAt), asc(alertDeliveries.createdAt))
      .limit(limit)
      .all();
    if (due.length === 0) return due;
    const leaseUntil = nowMs + leaseMs;
    tx.update(alertDeliveries)
      .set({ leaseUntil })
      .where(
        inArray(
          alertDeliveries.id,
          due.map((d) => d.delivery.id),
        ),
      )
      .run();
    return due.map((d) => ({ ...d, delivery: { ...d.delivery, leaseUntil } }));
  });
}

/** Gives back claimed deliveries not attempted (a paced or blocked destination): claimable again at once. */
export function releaseDeliveries(db: Db, ids: readonly string[]): void {
  if (ids.length === 0) return;
  db.update(alertDeliveries)
    .set({ leaseUntil: null })
    .where(inArray(alertDeliveries.id, [...ids]))
    .run();
}

/** What one delivery attempt ends in: the delivery's new status, when to try again, what went wrong. */
export interface AttemptOutcome {
  status: DeliveryStatus;
  nextAttemptAt: number;
  lastError: string | null;
  lastStatus: number | null;
}

/** Records one attempt's outcome. */
export function recordAttempt(db: Db, id: string, outcome: AttemptOutcome, nowMs: number): void {
  db.update(alertDeliveries)
    .set({ ...outcome, attempts: sql`${alertDeliveries.attempts} + 1`, leaseUntil: null, updatedAt: nowMs })
    .where(eq(alertDeliveries.id, id))
    .run();
}

/** Deliveries with their destination's name and type, newest first, optionally of some statuses only. */
export function listDeliveries(db: Db, options: { statuses?: DeliveryStatus[]; limit: number }) {
  return db
    .select({
      delivery: alertDeliveries,
      destinationName: alertDestinations.name,
      destinationType: alertDestinations.type,
    })
    .from(alertDeliveries)
    .innerJoin(alertDestinations, eq(alertDeliveries.destinationId, alertDestinations.id))
    .where(options.statuses ? inArray(alertDeliveries.status, options.statuses) : undefined)
    .orderBy(desc(alertDeliveries.updatedAt), desc(alertDeliveries.createdAt))
    .limit(options.limit)
    .all();
}

/** Puts a dead-lettered delivery back in the queue (same id and body, attempts from zero); null otherwise. */
export function resendDelivery(db: Db, id: string, nowMs: number): DeliveryRow | null {
  return (
    db
      .update(alertDeliveries)
      .set({ status: "pending", attempts: 0, nextAttemptAt: nowMs, leaseUntil: null, updatedAt: nowMs })
      .where(and(eq(alertDeliveries.id, id), eq(alertDeliveries.status, "dead")))
      .returning()
      .get() ?? null
  );
}

/** Deliveries per status, for /metrics. */
export function deliveryCounts(db: Db): Record<DeliveryStatus, number> {
  const counts: Record<DeliveryStatus, number> = { pending: 0, sent: 0, dead: 0 };
  const rows = db
    .select({ status: alertDeliveries.status, n: sql<number>`count(*)` })
    .from(alertDeliveries)
    .groupBy(alertDeliveries.status)
    .all();
  for (const r of rows) counts[r.status as DeliveryStatus] = r.n;
  return counts;
}
