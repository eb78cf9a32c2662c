import type { FindingKind, SampleSpan } from "./finding.js";
import type { Guidance } from "./guidance.js";
import type { Savings } from "./savings.js";
import type { CodeLocation } from "./span.js";

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

/** One N+1 seen across many traces: the row the API lists. Field names are a public API contract. */
export interface Offender {
  id: string;
  kind: FindingKind;
  service: string;
  endpoint: string;
  statement: string;
  sourceStatement: string | null;
  chain: string[];
  parallel: boolean;
  dbSystem: string | null;
  orm: string | null;
  /** Most repeats seen in one request. */
  repeats: number;
  /** Median repeats per request. */
  repeatsMedian: number;
  /** Distinct traces that showed it. */
  traces: number;
  /** Requests that showed it (a trace can hold several). */
  occurrences: number;
  /** Total time the repeats cost beyond one query each time, summed over occurrences. */
  wastedMs: number;
  firstSeen: string;
  lastSeen: string;
  status: OffenderStatus;
  guidance: Guidance;
  code: CodeLocation | null;
  /** What the fix would save per day at the traffic seen (savings.ts). */
  savings: Savings;
  /** The acknowledgement of it in the server's rules file (N1_RULES_FILE), when one names it; API answers only. */
  acknowledgement?: RulesAcknowledgement | null;
}

/** A known N+1 the team accepts for now, on someone's word, from the rules file the CI gate reads too. */
export interface RulesAcknowledgement {
  reason: string;
  author: string;
  /** Last day it holds (YYYY-MM-DD), or null. */
  expires: string | null;
  /** Past its expiry: the CI gate fails it again. */
  expired: boolean;
}

/** Occurrences of an offender in one hour. */
export interface HistoryPoint {
  /** Start of the hour, ISO 8601. */
  at: string;
  occurrences: number;
  wastedMs: number;
  repeatsMax: number;
}

export interface OffenderDetail extends Offender {
  sampleTraceId: string;
  exampleTraceIds: string[];
  sampleSpans: SampleSpan[];
  history: HistoryPoint[];
  /** The last status change: when, and who made it (null: n1radar itself, or nobody signs in). */
  statusChange: { at: string; by: string | null } | null;
}
