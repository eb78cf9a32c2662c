/**
 * The Store on PostgreSQL (DATABASE_URL=postgres://...): a connection pool shared by every replica's requests,
 * migrations applied at start-up under an advisory lock, so replicas starting together migrate one at a time
 * (the second finds the work done).
 */
import { fileURLToPath } from "node:url";
import { sql } from "drizzle-orm";
import { drizzle } from "drizzle-orm/node-postgres";
import { migrate } from "drizzle-orm/node-postgres/migrator";
import pg from "pg";
import * as schema from "../schema-pg.js";
import type { Store } from "../store.js";
import * as destinations from "./alert-destinations.js";
import * as outbox from "./alert-outbox.js";
import { changeChannel } from "./changes.js";
import { LOCK, type PgDb } from "./db.js";
import * as read from "./offenders.js";
import { listJournalRequests, pruneJournalRequests, recordDeltas } from "./record.js";
import { pruneBatch } from "./retention.js";
import * as workflow from "./workflow.js";

const migrationsFolder = fileURLToPath(new URL("../../drizzle-pg", import.meta.url));

/** True for the URLs that select PostgreSQL. */
export function isPostgresUrl(databaseUrl: string): boolean {
  return /^postgres(ql)?:\/\//i.test(databaseUrl);
}

/** Applies pending migrations, one replica at a time (a session advisory lock on one connection). */
async function migrateLocked(pool: pg.Pool): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query("select pg_advisory_lock($1)", [LOCK.migrate]);
    try {
      await migrate(drizzle({ client, schema }), { migrationsFolder });
    } finally {
      await client.query("select pg_advisory_unlock($1)", [LOCK.migrate]);
    }
  } finally {
    client.release();
  }
}

export async function openPgStore(databaseUrl: string, options: { poolSize?: number } = {}): Promise<Store> {
  // A database that does not answer fails a query (and /api/ready) within seconds instead of hanging it.
  const pool = new pg.Pool({
    connectionString: databaseUrl,
    max: options.poolSize ?? 10,
    connectionTimeoutMillis: 5_000,
  });
  // An idle connection the server dropped must not take the process down; the next query reconnects.
  pool.on("error", () => {});
  try {
    await migrateLocked(pool);
  } catch (error) {
    await pool.end();
    throw error;
  }
  const db: PgDb = drizzle({ client: pool, schema });
  const changes = changeChannel(databaseUrl);
  let closed: Promise<void> | undefined;
  return {
    dialect: "postgres",
    recordDeltas: (writes, options) => recordDeltas(db, writes, options),
    listJournalRequests: (journal) => listJournalRequests(db, journal),
    pruneJournalRequests: (journal, seq) => pruneJournalRequests(db, journal, seq),
    findOffenders: (query, nowMs) => read.findOffenders(db, query, nowMs),
    getOffender: (id) => read.getOffender(db, id),
    overview: (filter) => read.overview(db, filter),
    facets: () => read.facets(db),
    storedOrms: () => read.storedOrms(db),
    setOffenderStatus: (id, status, nowMs, by) => workflow.setOffenderStatus(db, id, status, nowMs, by),
    ignoreOffender: (id, scope, reason, nowMs, by) =>
      workflow.ignoreOffender(db, id, scope, reason, nowMs, by),
    listIgnoreRules: () => workflow.listIgnoreRules(db),
    deleteIgnoreRule: (id, nowMs, by) => workflow.deleteIgnoreRule(db, id, nowMs, by),
    previewIgnore: (id, scope, limit) => workflow.previewIgnore(db, id, scope, limit),
    ruleCoverage: () => workflow.ruleCoverage(db),
    listDestinations: () => destinations.listDestinations(db),
    getDestination: (id) => destinations.getDestination(db, id),
    createDestination: (fields, nowMs) => destinations.createDestination(db, fields, nowMs),
    updateDestination: (id, fields, nowMs) => destinations.updateDestination(db, id, fields, nowMs),
    setDestinationEnabled: (id, enabled, reason, nowMs) =>
      destinations.setDestinationEnabled(db, id, enabled, reason, nowMs),
    deleteDestination: (id) => destinations.deleteDestination(db, id),
    syncEnvDestinations: (list, nowMs) => destinations.syncEnvDestinations(db, list, nowMs),
    fanOutAlertEvents: (options, plan) => outbox.fanOutAlertEvents(db, options, plan),
    claimDueDeliveries: (nowMs, limit, leaseMs) => outbox.claimDueDeliveries(db, nowMs, limit, leaseMs),
    releaseDeliveries: (ids) => outbox.releaseDeliveries(db, ids),
    recordAttempt: (id, outcome, nowMs) => outbox.recordAttempt(db, id, outcome, nowMs),
    listDeliveries: (options) => outbox.listDeliveries(db, options),
    resendDelivery: (id, nowMs) => outbox.resendDelivery(db, id, nowMs),
    deliveryCounts: () => outbox.deliveryCounts(db),
    pruneBatch: (policy, nowMs, batch) => pruneBatch(db, policy, nowMs, batch),
    async ping() {
      await db.execute(sql`select 1`);
    },
    announceChange: (change) => changes.announce(pool, change),
    onChanges: (listener) => changes.listen(listener),
    close() {
      closed ??= changes.close().then(() => pool.end());
      return closed;
    },
  };
}
