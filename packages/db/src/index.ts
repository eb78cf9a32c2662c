export {
  createDestination,
  type DestinationFields,
  type DestinationRow,
  deleteDestination,
  getDestination,
  listDestinations,
  setDestinationEnabled,
  syncEnvDestinations,
  updateDestination,
} from "./alert-destinations.js";
export {
  type AlertEventRow,
  type AlertOffenderFacts,
  type DeliveryRow,
  type DeliveryStatus,
  type DueDelivery,
  deliveryCounts,
  dueDeliveries,
  type FanOutInput,
  type FanOutOptions,
  type FanOutResult,
  fanOutAlertEvents,
  listDeliveries,
  type NewDelivery,
  type NotifiedRow,
  recordAttempt,
  resendDelivery,
} from "./alert-outbox.js";
export {
  type CoveredOffender,
  type IgnorePreview,
  previewIgnore,
  type RuleFields,
  ruleCoverage,
} from "./ignore-coverage.js";
export {
  DEFAULT_TREND_HOURS,
  findOffenders,
  HOUR_MS,
  type OffenderFilter,
  type OffenderQuery,
  type OffenderSort,
} from "./list.js";
export { type Db, openStore, type Store, sqlitePath } from "./open.js";
export {
  ENDPOINTS_PER_SERVICE,
  facets,
  overview,
} from "./overview.js";
export { ping } from "./ping.js";
export { getOffender, type ListOptions, listOffenders } from "./query.js";
export { type AlertThreshold, type OffenderWrite, type RecordOptions, recordDeltas } from "./record.js";
export {
  defaultRetention,
  PRUNE_KINDS,
  type PruneResult,
  pruneBatch,
  type RetentionPolicy,
} from "./retention.js";
export * as schema from "./schema.js";
export { type StoredOrm, storedOrms } from "./stored-orms.js";
export {
  deleteIgnoreRule,
  type IgnoreResult,
  type IgnoreScope,
  ignoreOffender,
  listIgnoreRules,
  setOffenderStatus,
  type WorkflowStatus,
} from "./workflow.js";
