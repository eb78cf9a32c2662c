export type { DestinationFields, DestinationRow } from "./alert-destinations.js";
export type {
  AlertEventRow,
  AlertOffenderFacts,
  DeliveryRow,
  DeliveryStatus,
  DueDelivery,
  FanOutInput,
  FanOutOptions,
  FanOutResult,
  NewDelivery,
  NotifiedRow,
} from "./alert-outbox.js";
export type { CoveredOffender, IgnorePreview, RuleFields } from "./ignore-coverage.js";
export type { OffenderFilter, OffenderQuery } from "./list.js";
export {
  type Db,
  type OpenOptions,
  openSqliteStore,
  openStore,
  type SqliteStore,
} from "./open.js";
export type { AlertThreshold, JournaledRequests, OffenderWrite, RecordOptions } from "./record.js";
export {
  defaultRetention,
  PRUNE_KINDS,
  type PruneResult,
  type RetentionPolicy,
} from "./retention.js";
export * as schema from "./schema.js";
export type { Dialect, ListedDelivery, Store, StoreChange } from "./store.js";
export type { StoredOrm } from "./stored-orms.js";
export type { IgnoreResult } from "./workflow.js";
