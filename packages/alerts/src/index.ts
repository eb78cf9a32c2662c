export {
  addressRefusal,
  blockedReason,
  type Cidr,
  defaultTargetPolicy,
  parseAllowedTargets,
  parseCidr,
  type TargetPolicy,
  urlRefusal,
} from "./addresses.js";
export { formatMs } from "./describe.js";
export {
  DEFAULT_EVENTS,
  type DestinationFilter,
  hasThresholds,
  inScope,
  meetsThresholds,
  wantsEvent,
} from "./destination.js";
export { Pacer } from "./pacing.js";
export {
  findingUrl,
  type Notified,
  type Plan,
  type PlanDestination,
  type PlanEvent,
  type PlannedMessage,
  type PlanOffender,
  type PlanSettings,
  planAlerts,
} from "./plan.js";
export { notifiers } from "./registry.js";
export {
  type AttemptResult,
  backoffMs,
  type Decision,
  decide,
  defaultRetrySettings,
  parseRetryAfter,
  type RetrySettings,
  rateLimitWaitMs,
} from "./retry.js";
export { generateSecret, secretKey, sign, signatureHeaders } from "./signature.js";
export { defuse, truncate } from "./text.js";
export * from "./types.js";
