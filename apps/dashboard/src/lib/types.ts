// Copies of the API's JSON shapes (packages/core/src/offender.ts and friends).
// The dashboard talks to the server only over HTTP, so it does not import @n1radar/core.

export type OffenderStatus = "open" | "acknowledged" | "resolved" | "ignored" | "regressed";

export interface Guidance {
  /** Recognised ORM id, or null when unknown. */
  orm: string | null;
  /** Display name of the ORM, or "SQL" for the plain fallback. */
  ormName: string;
  /** 0..1, how sure the ORM recognition is. */
  confidence: number;
  summary: string;
  why: string;
  before: string | null;
  after: string | null;
  verify: string;
}

export interface CodeLocation {
  function: string | null;
  file: string | null;
  line: number | null;
}

/** One N+1 seen across many traces. Every string here comes from traces and is untrusted text. */
export interface Offender {
  id: string;
  kind: "n_plus_one";
  service: string;
  endpoint: string;
  /** Normalized SQL of the repeated query. */
  statement: string;
  sourceStatement: string | null;
  dbSystem: string | null;
  orm: string | null;
  /** Most repeats seen in one request. */
  repeats: number;
  repeatsMedian: number;
  traces: number;
  wastedMs: number;
  firstSeen: string;
  lastSeen: string;
  status: OffenderStatus;
  guidance: Guidance;
  code: CodeLocation | null;
}

export interface SampleSpan {
  spanId: string;
  parentSpanId: string | null;
  name: string;
  /** Milliseconds from the start of the sampled request span. */
  offsetMs: number;
  durationMs: number;
  statement: string | null;
  /** True for the spans that make up the repeated group. */
  repeated: boolean;
}

export interface OffenderDetail extends Offender {
  sampleTraceId: string;
  exampleTraceIds: string[];
  sampleSpans: SampleSpan[];
}

export interface ApiErrorBody {
  error: { code: string; message: string };
}
