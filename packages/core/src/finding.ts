import type { DbKind, FindingKind, SampleSpan } from "./schemas/offender.js";
import type { CodeLocation } from "./span.js";

// FindingKind (n_plus_one, repeated_write), DbKind (the family of store) and SampleSpan (a span kept as evidence)
// are part of the API's contract: schemas/offender.ts defines them.
export type { DbKind, FindingKind, SampleSpan } from "./schemas/offender.js";

/**
 * What the detector reports for one request of one trace. The aggregation key
 * (service, endpoint, kind, fingerprint, source fingerprint) turns many of these into one offender.
 */
export interface Finding {
  kind: FindingKind;
  traceId: string;
  service: string;
  /** The request's route ("GET /posts") or, lacking one, the request span's name. */
  endpoint: string;
  dbSystem: string | null;
  /** Store family; absent means "sql" (findings written before the field existed). */
  dbKind?: DbKind;
  /** Normalized statement of the repeated query. */
  statement: string;
  /** Stable short hash of `statement`. */
  fingerprint: string;
  /** Normalized statement that produced the rows the loop iterates over, when one was found. */
  sourceStatement: string | null;
  /**
   * For nested loops (1+N+N²): normalized statements from the outermost source to this repeated query, e.g.
   * [posts, comments per post, author per comment]. Empty for a plain 1+N.
   */
  chain: string[];
  /** True when the repeats ran concurrently (Promise.all-style fan-out) rather than one after another. */
  parallel: boolean;
  /** Calls of the repeated query in this request (for a chain: of its deepest level). */
  repeats: number;
  /** Sum of the repeated spans' durations (for a chain: of its deepest level). */
  totalMs: number;
  /**
   * What the repeats cost beyond one query: totalMs minus one average repeat. For a chain, summed over every
   * level, since one fix removes them all. Database time: concurrent repeats are summed too.
   */
  wastedMs: number;
  /** When the request happened (request span start), ms since epoch. */
  seenAtMs: number;
  /** `deployment.environment(.name)` of the request's resource, for alert filters; absent in older findings. */
  environment?: string | null;
  /** Evidence for ORM recognition. */
  scopeName: string | null;
  sdkLanguage: string | null;
  code: CodeLocation | null;
  spans: SampleSpan[];
}
