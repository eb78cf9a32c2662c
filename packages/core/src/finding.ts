import type { CodeLocation } from "./span.js";

/**
 * What the detector reports for one request of one trace. The aggregation key
 * (service, endpoint, kind, fingerprint, source fingerprint) turns many of these into one offender.
 */
export type FindingKind = "n_plus_one";

/** A span kept as evidence: only normalized SQL, never raw statement text (it may hold personal data). */
export interface SampleSpan {
  spanId: string;
  parentSpanId: string | null;
  name: string;
  /** Milliseconds from the start of the sampled request span. */
  offsetMs: number;
  durationMs: number;
  /** Normalized statement, when the span is a database call. */
  statement: string | null;
  /** True for the spans that make up the repeated group. */
  repeated: boolean;
}

export interface Finding {
  kind: FindingKind;
  traceId: string;
  service: string;
  /** The request's route ("GET /posts") or, lacking one, the request span's name. */
  endpoint: string;
  dbSystem: string | null;
  /** Normalized statement of the repeated query. */
  statement: string;
  /** Stable short hash of `statement`. */
  fingerprint: string;
  /** Normalized statement that produced the rows the loop iterates over, when one was found. */
  sourceStatement: string | null;
  repeats: number;
  /** Sum of the repeated spans' durations. */
  totalMs: number;
  /** What the repeats cost beyond one query: totalMs minus one average repeat. */
  wastedMs: number;
  /** When the request happened (request span start), ms since epoch. */
  seenAtMs: number;
  /** Evidence for ORM recognition. */
  scopeName: string | null;
  sdkLanguage: string | null;
  code: CodeLocation | null;
  spans: SampleSpan[];
}
