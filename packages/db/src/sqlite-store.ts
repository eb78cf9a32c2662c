/**
 * The Store on SQLite: each method runs the synchronous better-sqlite3 query function of the same name. A
 * method's work happens entirely before its Promise settles, so nothing interleaves inside a transaction.
 */
import {
  createDestination,
  deleteDestination,
  getDestination,
  listDestinations,
  setDestinationEnabled,
  syncEnvDestinations,
  updateDestination,
} from "./alert-destinations.js";
import {
  claimDueDeliveries,
  deliveryCounts,
  fanOutAlertEvents,
  listDeliveries,
  recordAttempt,
  releaseDeliveries,
  resendDelivery,
} from "./alert-outbox.js";
import { previewIgnore, ruleCoverage } from "./ignore-coverage.js";
import { findOffenders } from "./list.js";
import type { Db } from "./open.js";
import { facets, overview } from "./overview.js";
import { ping } from "./ping.js";
import { getOffender } from "./query.js";
import { listJournalRequests, pruneJournalRequests, recordDeltas } from "./record.js";
import { pruneBatch } from "./retention.js";
import type { Store } from "./store.js";
import { storedOrms } from "./stored-orms.js";
import { deleteIgnoreRule, ignoreOffender, listIgnoreRules, setOffenderStatus } from "./workflow.js";

export function bindSqlite(db: Db): Omit<Store, "close"> {
  return {
    dialect: "sqlite",
    recordDeltas: async (writes, options) => recordDeltas(db, writes, options),
    listJournalRequests: async (journal) => listJournalRequests(db, journal),
    pruneJournalRequests: async (journal, seq) => pruneJournalRequests(db, journal, seq),
    findOffenders: async (query, nowMs) => findOffenders(db, query, nowMs),
    getOffender: async (id) => getOffender(db, id),
    overview: async (filter) => overview(db, filter),
    facets: async () => facets(db),
    storedOrms: async () => storedOrms(db),
    setOffenderStatus: async (id, status, nowMs, by) => setOffenderStatus(db, id, status, nowMs, by),
    ignoreOffender: async (id, scope, reason, nowMs, by) => ignoreOffender(db, id, scope, reason, nowMs, by),
    listIgnoreRules: async () => listIgnoreRules(db),
    deleteIgnoreRule: async (id, nowMs, by) => deleteIgnoreRule(db, id, nowMs, by),
    previewIgnore: async (id, scope, limit) => previewIgnore(db, id, scope, limit),
    ruleCoverage: async () => ruleCoverage(db),
    listDestinations: async () => listDestinations(db),
    getDestination: async (id) => getDestination(db, id),
    createDestination: async (fields, nowMs) => createDestination(db, fields, nowMs),
    updateDestination: async (id, fields, nowMs) => updateDestination(db, id, fields, nowMs),
    setDestinationEnabled: async (id, enabled, reason, nowMs) =>
      setDestinationEnabled(db, id, enabled, reason, nowMs),
    deleteDestination: async (id) => deleteDestination(db, id),
    syncEnvDestinations: async (list, nowMs) => syncEnvDestinations(db, list, nowMs),
    fanOutAlertEvents: async (options, plan) => fanOutAlertEvents(db, options, plan),
    claimDueDeliveries: async (nowMs, limit, leaseMs) => claimDueDeliveries(db, nowMs, limit, leaseMs),
    releaseDeliveries: async (ids) => releaseDeliveries(db, ids),
    recordAttempt: async (id, outcome, nowMs) => recordAttempt(db, id, outcome, nowMs),
    listDeliveries: async (options) => listDeliveries(db, options),
    resendDelivery: async (id, nowMs) => resendDelivery(db, id, nowMs),
    deliveryCounts: async () => deliveryCounts(db),
    pruneBatch: async (policy, nowMs, batch) => pruneBatch(db, policy, nowMs, batch),
    ping: async () => ping(db),
    // One process owns a SQLite file: its own changes are all there are.
    announceChange: async () => {},
    onChanges: async () => {},
  };
}
