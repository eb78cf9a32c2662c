/**
 * The one interface the server uses to reach the database, whatever the dialect behind it: every call returns
 * a Promise, so SQLite (better-sqlite3, synchronous underneath) and PostgreSQL (pg, a network round trip) fit
 * the same shape. Each method is one unit of work: a method that writes more than one row does so in one
 * transaction, so a caller never sees half of it.
 */
import type {
  Facets,
  IgnoreRule,
  IgnoreScope,
  OffenderDetail,
  OffenderPage,
  Overview,
  WorkflowStatus,
} from "@n1radar/core";
import type { DestinationFields, DestinationRow } from "./alert-destinations.js";
import type {
  AttemptOutcome,
  DeliveryRow,
  DeliveryStatus,
  DueDelivery,
  FanOutInput,
  FanOutOptions,
  FanOutResult,
} from "./alert-outbox.js";
import type { IgnorePreview } from "./ignore-coverage.js";
import type { OffenderFilter, OffenderQuery } from "./list.js";
import type { OffenderWrite, RecordOptions } from "./record.js";
import type { PruneResult, RetentionPolicy } from "./retention.js";
import type { StoredOrm } from "./stored-orms.js";
import type { IgnoreResult } from "./workflow.js";

export type Dialect = "sqlite" | "postgres";

/** A delivery with its destination's name and type (the dashboard's outbox list). */
export interface ListedDelivery {
  delivery: DeliveryRow;
  destinationName: string;
  destinationType: string;
}

/** A change worth telling the other processes sharing the database about (the dashboard's live updates). */
export interface StoreChange {
  reason: string;
  /** Offenders written, for a flush. */
  offenders?: number;
}

export interface Store {
  readonly dialect: Dialect;

  // Ingest (record.ts): one flush worth of offender deltas, with their alert events.
  recordDeltas(writes: readonly OffenderWrite[], options?: RecordOptions): Promise<void>;
  /** INGEST_DURABLE: the requests of a journal whose findings are stored (recordDeltas' `journaled`). */
  listJournalRequests(journal: string): Promise<string[]>;
  /** INGEST_DURABLE: forgets a journal's requests whose last batch is below `seq`; returns how many. */
  pruneJournalRequests(journal: string, seq: number): Promise<number>;

  // Reading offenders (list.ts, query.ts, overview.ts, stored-orms.ts).
  findOffenders(query: OffenderQuery, nowMs: number): Promise<OffenderPage>;
  getOffender(id: string): Promise<OffenderDetail | null>;
  overview(filter?: Omit<OffenderFilter, "status">): Promise<Overview>;
  facets(): Promise<Facets>;
  storedOrms(): Promise<StoredOrm[]>;

  // Triage (workflow.ts, ignore-coverage.ts).
  setOffenderStatus(id: string, status: WorkflowStatus, nowMs: number, by?: string | null): Promise<boolean>;
  ignoreOffender(
    id: string,
    scope: IgnoreScope,
    reason: string | null,
    nowMs: number,
    by?: string | null,
  ): Promise<IgnoreResult | null>;
  listIgnoreRules(): Promise<IgnoreRule[]>;
  deleteIgnoreRule(id: number, nowMs: number, by?: string | null): Promise<{ reopened: number } | null>;
  previewIgnore(id: string, scope: IgnoreScope, limit?: number): Promise<IgnorePreview | null>;
  ruleCoverage(): Promise<Map<number, number>>;

  // Alert destinations (alert-destinations.ts).
  listDestinations(): Promise<DestinationRow[]>;
  getDestination(id: string): Promise<DestinationRow | undefined>;
  createDestination(fields: DestinationFields, nowMs: number): Promise<DestinationRow>;
  updateDestination(id: string, fields: DestinationFields, nowMs: number): Promise<DestinationRow | null>;
  setDestinationEnabled(
    id: string,
    enabled: boolean,
    reason: string | null,
    nowMs: number,
  ): Promise<DestinationRow | undefined>;
  deleteDestination(id: string): Promise<boolean>;
  syncEnvDestinations(list: readonly DestinationFields[], nowMs: number): Promise<void>;

  // The alert outbox (alert-outbox.ts).
  fanOutAlertEvents(options: FanOutOptions, plan: (input: FanOutInput) => FanOutResult): Promise<number>;
  /** Due deliveries leased to the caller (see alert-outbox.ts): of several replicas, one sends each. */
  claimDueDeliveries(nowMs: number, limit: number, leaseMs: number): Promise<DueDelivery[]>;
  releaseDeliveries(ids: readonly string[]): Promise<void>;
  recordAttempt(id: string, outcome: AttemptOutcome, nowMs: number): Promise<void>;
  listDeliveries(options: { statuses?: DeliveryStatus[]; limit: number }): Promise<ListedDelivery[]>;
  resendDelivery(id: string, nowMs: number): Promise<DeliveryRow | null>;
  deliveryCounts(): Promise<Record<DeliveryStatus, number>>;

  // Retention (retention.ts).
  pruneBatch(policy: RetentionPolicy, nowMs: number, batch?: number): Promise<PruneResult>;

  /**
   * Tells the other processes on this database about a change (PostgreSQL: NOTIFY). SQLite has one process, so
   * there is nobody to tell.
   */
  announceChange(change: StoreChange): Promise<void>;
  /** Calls `listener` with the changes other processes announce (never this store's own) until the store closes. */
  onChanges(listener: (change: StoreChange) => void): Promise<void>;

  /** Rejects when the database does not answer (readiness probes); migrations ran when the store opened. */
  ping(): Promise<void>;
  /** Releases the database (SQLite: checkpoints the WAL and closes the file); safe to call twice. */
  close(): Promise<void>;
}
