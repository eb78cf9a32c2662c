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
export { getOffender, type ListOptions, listOffenders } from "./query.js";
export { type OffenderWrite, recordDeltas } from "./record.js";
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
