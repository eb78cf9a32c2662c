export {
  DEFAULT_TREND_HOURS,
  findOffenders,
  HOUR_MS,
  type OffenderFilter,
  type OffenderListItem,
  type OffenderPage,
  type OffenderQuery,
  type OffenderSort,
} from "./list.js";
export { type Db, openStore, type Store, sqlitePath } from "./open.js";
export {
  ENDPOINTS_PER_SERVICE,
  type Facets,
  facets,
  type Overview,
  type OverviewCounts,
  type OverviewEndpoint,
  type OverviewService,
  overview,
} from "./overview.js";
export { getOffender, type ListOptions, listOffenders } from "./query.js";
export { type OffenderWrite, recordDeltas } from "./record.js";
export * as schema from "./schema.js";
export {
  deleteIgnoreRule,
  type IgnoreResult,
  type IgnoreRule,
  type IgnoreScope,
  ignoreOffender,
  listIgnoreRules,
  ruleCovers,
  setOffenderStatus,
  type WorkflowStatus,
} from "./workflow.js";
