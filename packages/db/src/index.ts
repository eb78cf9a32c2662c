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
export {
  DEFAULT_TREND_HOURS,
  HOUR_MS,
  type OffenderFilter,
  type OffenderQuery,
} from "./list.js";
export {
  type Db,
  type OpenOptions,
  openSqliteStore,
  openStore,
  type SqliteStore,
  sqlitePath,
} from "./open.js";
export { ENDPOINTS_PER_SERVICE } from "./overview.js";
export type { ListOptions } from "./query.js";
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
