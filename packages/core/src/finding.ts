import type { CodeLocation, LoopIntent } from "./span.js";

/**
 * What the detector reports for one request of one trace. The aggregation key
 * (service, endpoint, kind, fingerprint, source fingerprint) turns many of these into one offender.
 */
export type FindingKind =
  /** A read repeated once per row of an earlier result (1+N), or N identical reads with no distinct source. */
  | "n_plus_one"
  /** An INSERT/UPDATE/DELETE per row where one bulk statement would do. */
  | "repeated_write";

/**
 * The family of store a finding's queries went to, so non-SQL stores are reported as what they are:
 * "document" (MongoDB), "key_value" (Redis, Memcached, DynamoDB), "search" (Elasticsearch, OpenSearch),
 * "wide_column" (Cassandra), "graph" (Neo4j), else "sql".
 */
export type DbKind = "sql" | "document" | "key_value" | "search" | "wide_column" | "graph";

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
  /*
   * What the detectors judged the span by, kept so that `explain` can judge a stored sample again with today's
   * settings (the dashboard's "why was this flagged"). Set only where they say something (a statement, a failure,
   * a cache hit, a mark), to keep samples small; samples stored before these fields existed have none of them.
   */
  /** How the statement was classified: read, write, or never a repeat (control: BEGIN, SELECT 1; cursor: FETCH). */
  op?: "read" | "write" | "control" | "cursor";
  /** One page of a longer result (LIMIT .. OFFSET, keyset). */
  paginated?: boolean;
  dbKind?: DbKind;
  /** False when the span has a statement but is not a call the detectors count (a prepare, a cursor fetch). */
  call?: boolean;
  /** Instrumentation scope of a database span: one execution traced by the ORM and the driver counts once. */
  scope?: string;
  /** The call failed (span status error): a retry is the same statement after a failure. */
  failed?: boolean;
  /** Answered from a cache (cache.hit): no database round trip. */
  cached?: boolean;
  /** `n1radar.intended_loop` on this span. */
  intent?: LoopIntent;
}

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
