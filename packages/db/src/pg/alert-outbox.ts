import { and, asc, count, desc, eq, inArray, lte, sql } from "drizzle-orm";
import {
  type AttemptOutcome,
  type DeliveryRow,
  type DeliveryStatus,
  type DueDelivery,
  type FanOutInput,
  type FanOutOptions,
  type FanOutResult,
  latestHourWhere,
  newDelivery,
  offenderFacts,
} from "../alert-outbox.js";
import {
  alertDeliveries,
  alertDestinations,
  alertEvents,
  alertNotified,
  offenderHours,
  offenders,
} from "../schema-pg.js";
import type { ListedDelivery } from "../store.js";
import { LOCK, type PgDb } from "./db.js";
import { offenderColumns } from "./offenders.js";

/** alert-outbox.ts's fanOutAlertEvents; 0 when another replica is planning right now. */
export async function fanOutAlertEvents(
  db: PgDb,
  options: FanOutOptions,
  plan: (input: FanOutInput) => FanOutResult,
): Promise<number> {
  return db.transaction(async (tx) => {
    const locked = await tx.execute<{ locked: boolean }>(
      sql`select pg_try_advisory_xact_lock(${LOCK.alertFanOut}) as locked`,
    );
    if (!locked.rows[0]?.locked) return 0;
    const destinations = await tx.select().from(alertDestinations).where(eq(alertDestinations.enabled, true));
    if (destinations.length === 0) {
      const spent = await tx.delete(alertEvents).returning({ id: alertEvents.id });
      return spent.length;
    }
    const [oldest] = await tx
      .select({ at: alertEvents.createdAt })
      .from(alertEvents)
      .orderBy(asc(alertEvents.id))
      .limit(1);
    if (oldest === undefined || oldest.at > options.nowMs - options.groupWaitMs) return 0;
    const events = await tx
      .select()
      .from(alertEvents)
      .orderBy(asc(alertEvents.id))
      .limit(options.maxEvents ?? 1_000);
    const ids = [...new Set(events.map((e) => e.offenderId))];
    const rows = await tx
      .select({ ...offenderColumns, environment: offenders.environment })
      .from(offenders)
      .where(inArray(offenders.id, ids));
    const latestHours = await tx
      .select({ offenderId: offenderHours.offenderId, wastedMs: offenderHours.wastedMs })
      .from(offenderHours)
      .where(latestHourWhere(ids, offenderHours));
    const notified = await tx.select().from(alertNotified).where(inArray(alertNotified.offenderId, ids));
    const result = plan({ events, offenders: offenderFacts(rows, latestHours), destinations, notified });
    for (const d of result.deliveries) await tx.insert(alertDeliveries).values(newDelivery(d, options.nowMs));
    for (const n of result.notified) {
      await tx
        .insert(alertNotified)
        .values(n)
        .onConflictDoUpdate({
          target: [alertNotified.destinationId, alertNotified.offenderId],
          set: { event: n.event, at: n.at },
        });
    }
    for (const f of result.forget) {
      await tx
        .delete(alertNotified)
        .where(
          and(eq(alertNotified.destinationId, f.destinationId), eq(alertNotified.offenderId, f.offenderId)),
        );
    }
    // Exactly the events read: one written by a replica whose transaction was still open (a lower id, committed
    // later) is not among them and stays for the next round.
    await tx.delete(alertEvents).where(
      inArray(
        alertEvents.id,
        events.map((e) => e.id),
      ),
    );
    return events.length;
  });
}

/** alert-outbox.ts's claimDueDeliveries. */
export async function claimDueDeliveries(
  db: PgDb,
  nowMs: number,
  limit: number,
  leaseMs: number,
): Promise<DueDelivery[]> {
  return db.transaction(async (tx) => {
    // Claims one replica at a time (a few milliseconds each), so the "no live lease on this destination" check
    // below sees every earlier claim, and a destination's messages stay with one sender and in order.
    await tx.execute(sql`select pg_advisory_xact_lock(${LOCK.alertClaim})`);
    const due = await tx
      .select({ delivery: alertDeliveries, destination: alertDestinations })
      .from(alertDeliveries)
      .innerJoin(alertDestinations, eq(alertDeliveries.destinationId, alertDestinations.id))
      .where(
        and(
          eq(alertDeliveries.status, "pending"),
          lte(alertDeliveries.nextAttemptAt, nowMs),
          eq(alertDestinations.enabled, true),
          sql`not exists (select 1 from alert_deliveries o where o.destination_id = ${alertDeliveries.destinationId}
            and o.status = 'pending' and o.lease_until > ${nowMs}::bigint)`,
        ),
      )
      .orderBy(asc(alertDeliveries.nextAttemptAt), asc(alertDeliveries.createdAt))
      .limit(limit)
      .for("update", { of: alertDeliveries, skipLocked: true });
    if (due.length === 0) return due;
    const leaseUntil = nowMs + leaseMs;
    await tx
      .update(alertDeliveries)
      .set({ leaseUntil })
      .where(
        inArray(
          alertDeliveries.id,
          due.map((d) => d.delivery.id),
        ),
      );
    return due.map((d) => ({ ...d, delivery: { ...d.delivery, leaseUntil } }));
  });
}

export async function releaseDeliveries(db: PgDb, ids: readonly string[]): Promise<void> {
  if (ids.length === 0) return;
  await db
    .update(alertDeliveries)
    .set({ leaseUntil: null })
    .where(inArray(alertDeliveries.id, [...ids]));
}

export async function recordAttempt(
  db: PgDb,
  id: string,
  outcome: AttemptOutcome,
  nowMs: number,
): Promise<void> {
  await db
    .update(alertDeliveries)
    .set({ ...outcome, attempts: sql`${alertDeliveries.attempts} + 1`, leaseUntil: null, updatedAt: nowMs })
    .where(eq(alertDeliveries.id, id));
}

export async function listDeliveries(
  db: PgDb,
  options: { statuses?: DeliveryStatus[]; limit: number },
): Promise<ListedDelivery[]> {
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
    .limit(options.limit);
}

export async function resendDelivery(db: PgDb, id: string, nowMs: number): Promise<DeliveryRow | null> {
  const [row] = await db
    .update(alertDeliveries)
    .set({ status: "pending", attempts: 0, nextAttemptAt: nowMs, leaseUntil: null, updatedAt: nowMs })
    .where(and(eq(alertDeliveries.id, id), eq(alertDeliveries.status, "dead")))
    .returning();
  return row ?? null;
}

export async function deliveryCounts(db: PgDb): Promise<Record<DeliveryStatus, number>> {
  const counts: Record<DeliveryStatus, number> = { pending: 0, sent: 0, dead: 0 };
  const rows = await db
    .select({ status: alertDeliveries.status, n: count() })
    .from(alertDeliveries)
    .groupBy(alertDeliveries.status);
  for (const r of rows) counts[r.status as DeliveryStatus] = r.n;
  return counts;
}
