/**
 * The vocabularies the API, the store and the dashboard share, each listed once: the API validates against these
 * lists, the store and the dashboard take their types.
 */
/** Every status an offender can have. */
export const OFFENDER_STATUSES = ["open", "acknowledged", "resolved", "ignored", "regressed"] as const;
export type OffenderStatus = (typeof OFFENDER_STATUSES)[number];
/** The statuses a person sets directly; `ignored` comes with an ignore rule, `regressed` from new data. */
export const WORKFLOW_STATUSES = [
  "open",
  "acknowledged",
  "resolved",
] as const satisfies readonly OffenderStatus[];
export type WorkflowStatus = (typeof WORKFLOW_STATUSES)[number];
/** What an ignore rule made from an offender covers: its statement, or its whole endpoint. */
export const IGNORE_SCOPES = ["statement", "endpoint"] as const;
export type IgnoreScope = (typeof IGNORE_SCOPES)[number];
/** How the offender list sorts: time wasted, traces, most repeats, most recent. */
export const OFFENDER_SORTS = ["wasted", "traces", "repeats", "recent"] as const;
export type OffenderSort = (typeof OFFENDER_SORTS)[number];

/**
 * How the API and `n1radar analyze` report a time in milliseconds: sums of many float durations carry noise in the
 * last digits; microseconds are plenty.
 */
export function roundMs(ms: number): number {
  return Math.round(ms * 1000) / 1000;
}

// The offender, its detail and its history are the API's contract: schemas/offender.ts defines them.
export type {
  HistoryPoint,
  Offender,
  OffenderDetail,
  RulesAcknowledgement,
} from "./schemas/offender.js";
