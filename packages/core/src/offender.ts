import type { FindingKind, SampleSpan } from "./finding.js";
import type { Guidance } from "./guidance.js";
import type { CodeLocation } from "./span.js";

export type OffenderStatus = "open" | "acknowledged" | "resolved" | "ignored" | "regressed";

/** One N+1 seen across many traces: the row the API lists. Field names are a public API contract. */
export interface Offender {
  id: string;
  kind: FindingKind;
  service: string;
  endpoint: string;
  statement: string;
  sourceStatement: string | null;
  dbSystem: string | null;
  orm: string | null;
  /** Most repeats seen in one request. */
  repeats: number;
  /** Median repeats per request. */
  repeatsMedian: number;
  /** Distinct traces that showed it. */
  traces: number;
  /** Total time the repeats cost beyond one query each time, summed over occurrences. */
  wastedMs: number;
  firstSeen: string;
  lastSeen: string;
  status: OffenderStatus;
  guidance: Guidance;
  code: CodeLocation | null;
}

export interface OffenderDetail extends Offender {
  sampleTraceId: string;
  exampleTraceIds: string[];
  sampleSpans: SampleSpan[];
}
