// Copies of the API's JSON shapes (packages/core/src/offender.ts and friends).
// The dashboard talks to the server only over HTTP, so it does not import @n1radar/core.

export type OffenderStatus = "open" | "acknowledged" | "resolved" | "ignored" | "regressed";

export type GuidanceStrategy =
  | "eager-many-to-one"
  | "eager-one-to-many"
  | "chained"
  | "aggregate"
  | "bulk-write"
  | "batch-ids";

export interface GuidanceRelationship {
  parentTable: string | null;
  childTable: string | null;
  column: string | null;
  direction: "many-to-one" | "one-to-many" | "unknown";
  parentModel: string | null;
  attribute: string | null;
}

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
  // Added later: guidance stored by older versions lacks them, so every one is optional.
  strategy?: GuidanceStrategy;
  tradeoff?: string;
  pitfalls?: string[];
  evidence?: string[];
  relationship?: GuidanceRelationship | null;
  expectedQueries?: number;
}

export interface CodeLocation {
  function: string | null;
  file: string | null;
  line: number | null;
}

/** One N+1 seen across many traces. Every string here comes from traces and is untrusted text. */
export interface Offender {
  id: string;
  kind: "n_plus_one" | "repeated_write";
  service: string;
  endpoint: string;
  /** Normalized SQL of the repeated query. */
  statement: string;
  sourceStatement: string | null;
  /** Nested loops (1+N+N²): statements from the outermost source down to this one; empty for a plain 1+N. */
  chain: string[];
  /** The repeats ran concurrently rather than one after another. */
  parallel: boolean;
  dbSystem: string | null;
  orm: string | null;
  /** Most repeats seen in one request. */
  repeats: number;
  repeatsMedian: number;
  traces: number;
  occurrences: number;
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
}

/** A list row: the offender plus occurrences per hour, oldest first, for the sparkline. */
export interface OffenderListItem extends Offender {
  trend: number[];
}

export interface FindingsPage {
  findings: OffenderListItem[];
  total: number;
  /** Start of the first trend bucket. */
  trendStart: string;
}

export interface OverviewCounts {
  offenders: number;
  unresolved: number;
  regressed: number;
  wastedMs: number;
  traces: number;
  lastSeen: string;
}

export interface OverviewEndpoint extends OverviewCounts {
  endpoint: string;
}

export interface OverviewService extends OverviewCounts {
  service: string;
  endpointCount: number;
  endpoints: OverviewEndpoint[];
}

export interface Overview {
  totals: OverviewCounts & { services: number; endpoints: number; ignored: number };
  services: OverviewService[];
}

export interface Facets {
  services: string[];
  orms: { orm: string; name: string }[];
  unknownOrm: boolean;
}

export interface IgnoreRule {
  id: number;
  service: string | null;
  endpoint: string | null;
  statement: string | null;
  reason: string | null;
  createdAt: string;
}

export interface DashboardConfig {
  traceUrlTemplate: string | null;
  /** The OTLP/HTTP receiver's port, for the setup instructions. */
  otlpHttpPort?: number;
}

export interface ApiErrorBody {
  error: { code: string; message: string };
}
