/**
 * The offender as the API serves it, with what it carries (sample spans, guidance, code location, savings), as
 * zod schemas: the one definition of each shape. The types in offender.ts, finding.ts, guidance.ts, span.ts and
 * savings.ts are inferred from these. Objects are strict, so a test that parses an answer through them fails
 * on a field the API renamed or added without documenting it here, as well as on one it dropped.
 */
import { z } from "zod";
import { OFFENDER_STATUSES } from "../offender.js";

/** An ISO 8601 time as the API writes it (`Date.prototype.toISOString`). */
export const IsoTimeSchema = z.iso.datetime({ offset: true });

export const FindingKindSchema = z.enum([
  /** A read repeated once per row of an earlier result (1+N), or N identical reads with no distinct source. */
  "n_plus_one",
  /** An INSERT/UPDATE/DELETE per row where one bulk statement would do. */
  "repeated_write",
]);

/**
 * The family of store a finding's queries went to, so non-SQL stores are reported as what they are:
 * "document" (MongoDB), "key_value" (Redis, Memcached, DynamoDB), "search" (Elasticsearch, OpenSearch),
 * "wide_column" (Cassandra), "graph" (Neo4j), else "sql".
 */
export const DbKindSchema = z.enum(["sql", "document", "key_value", "search", "wide_column", "graph"]);

export const CodeLocationSchema = z.strictObject({
  /** `code.function.name` (new) or `code.namespace` + `code.function` (old). */
  function: z.string().nullable(),
  /** `code.file.path` / `code.filepath`. */
  file: z.string().nullable(),
  /** `code.line.number` / `code.lineno`. */
  line: z.number().int().nullable(),
});

/**
 * A loop the application says it means: `n1radar.intended_loop` on a span around it (the request span or one
 * wrapping the loop), `true` or the most repeats per request it expects, with an optional
 * `n1radar.intended_loop.reason`. The detectors leave such a loop alone, up to that many repeats.
 */
export const LoopIntentSchema = z.strictObject({
  /** Null: any number of repeats is intended. */
  maxRepeats: z.number().int().nullable(),
  reason: z.string().nullable(),
});

/** A span kept as evidence: only normalized SQL, never raw statement text (it may hold personal data). */
export const SampleSpanSchema = z.strictObject({
  spanId: z.string(),
  parentSpanId: z.string().nullable(),
  name: z.string(),
  /** Milliseconds from the start of the sampled request span. */
  offsetMs: z.number(),
  durationMs: z.number().min(0),
  /** Normalized statement, when the span is a database call. */
  statement: z.string().nullable(),
  /** True for the spans that make up the repeated group. */
  repeated: z.boolean(),
  /*
   * What the detectors judged the span by, kept so that `explain` can judge a stored sample again with today's
   * settings (the dashboard's "why was this flagged"). Set only where they say something (a statement, a failure,
   * a cache hit, a mark), to keep samples small; samples stored before these fields existed have none of them.
   */
  /** How the statement was classified: read, write, or never a repeat (control: BEGIN, SELECT 1; cursor: FETCH). */
  op: z.enum(["read", "write", "control", "cursor"]).optional(),
  /** One page of a longer result (LIMIT .. OFFSET, keyset). */
  paginated: z.boolean().optional(),
  dbKind: DbKindSchema.optional(),
  /** False when the span has a statement but is not a call the detectors count (a prepare, a cursor fetch). */
  call: z.boolean().optional(),
  /** Instrumentation scope of a database span: one execution traced by the ORM and the driver counts once. */
  scope: z.string().optional(),
  /** The call failed (span status error): a retry is the same statement after a failure. */
  failed: z.boolean().optional(),
  /** Answered from a cache (cache.hit): no database round trip. */
  cached: z.boolean().optional(),
  /** `n1radar.intended_loop` on this span. */
  intent: LoopIntentSchema.optional(),
});

/**
 * Which rule of the fix rule book applies, one for every ORM: many-to-one -> join in the same query;
 * one-to-many -> one extra IN query (no row multiplication); nested loops -> chained loaders; an aggregate per
 * row -> one grouped query; a write per row -> one bulk statement; otherwise fetch the keys in one IN query.
 */
export const GuidanceStrategySchema = z.enum([
  "eager-many-to-one",
  "eager-one-to-many",
  "chained",
  "aggregate",
  "bulk-write",
  "batch-ids",
]);

/** many-to-one: each parent row loads one row by primary key; one-to-many: each parent loads its children. */
export const RelationshipDirectionSchema = z.enum(["many-to-one", "one-to-many", "unknown"]);

/** The relationship inferred from the source query and the repeated one (e.g. posts -> authors = Post.author). */
export const GuidanceRelationshipSchema = z.strictObject({
  /** Table the loop iterates over, as the SQL names it, or null when no source query was found. */
  parentTable: z.string().nullable(),
  /** Table the repeated query reads (or writes). */
  childTable: z.string().nullable(),
  /** Column the repeated query filters on, e.g. "id" or "post_id". */
  column: z.string().nullable(),
  direction: RelationshipDirectionSchema,
  /** Likely model name of the parent in the ORM's own naming ("Post"), or null when unknown. */
  parentModel: z.string().nullable(),
  /** Likely relation attribute on the parent in the ORM's naming ("author", "comment_set", "Comments"). */
  attribute: z.string().nullable(),
});

/** Fix guidance attached to a finding. Produced by @n1radar/guidance, shown by the API and dashboard. */
export const GuidanceSchema = z.strictObject({
  /** Recognised ORM id ("sqlalchemy", "django", "activerecord", ...) or null when unknown. */
  orm: z.string().nullable(),
  /** Display name of the ORM, or "SQL" for the plain fallback. */
  ormName: z.string(),
  /** 0..1, how sure the ORM recognition is. */
  confidence: z.number().min(0).max(1),
  /** One line: what to change. */
  summary: z.string(),
  /** Why, in this request's numbers. */
  why: z.string(),
  before: z.string().nullable(),
  after: z.string().nullable(),
  /** How to check the fix worked. */
  verify: z.string(),
  // The fields below were added after the first release. They are optional so guidance stored by an older
  // version still reads as a Guidance; @n1radar/guidance always fills every one of them.
  /** Which rule of the rule book applies. */
  strategy: GuidanceStrategySchema.optional(),
  /** The cost of the fix, in one sentence. */
  tradeoff: z.string().optional(),
  /** What brings the N+1 back after the fix (serializers, closed sessions, model-level lazy settings, ...). */
  pitfalls: z.array(z.string()).optional(),
  /** The clues behind the ORM recognition, for "why we think it's SQLAlchemy". */
  evidence: z.array(z.string()).optional(),
  relationship: GuidanceRelationshipSchema.nullable().optional(),
  /** Queries the loop (source query plus the repeated part) should take after the fix. */
  expectedQueries: z.number().int().optional(),
});

/** What fixing an offender would save per day at the traffic seen (savings.ts). */
export const SavingsSchema = z.strictObject({
  /** Requests a day that showed the loop. */
  requestsPerDay: z.number().min(0),
  dbCallsPerDay: z.number().min(0),
  dbTimeMsPerDay: z.number().min(0),
  requestTimeMsPerDay: z.number().min(0),
});

/** A known N+1 the team accepts for now, on someone's word, from the rules file the CI gate reads too. */
export const RulesAcknowledgementSchema = z.strictObject({
  reason: z.string(),
  author: z.string(),
  /** Last day it holds (YYYY-MM-DD), or null. */
  expires: z.iso.date().nullable(),
  /** Past its expiry: the CI gate fails it again. */
  expired: z.boolean(),
});

/** One N+1 seen across many traces: the row the API lists. Field names are a public API contract. */
export const OffenderSchema = z.strictObject({
  id: z.string(),
  kind: FindingKindSchema,
  service: z.string(),
  endpoint: z.string(),
  statement: z.string(),
  sourceStatement: z.string().nullable(),
  chain: z.array(z.string()),
  parallel: z.boolean(),
  dbSystem: z.string().nullable(),
  orm: z.string().nullable(),
  /** Most repeats seen in one request. */
  repeats: z.number().int().min(0),
  /** Median repeats per request. */
  repeatsMedian: z.number().min(0),
  /** Distinct traces that showed it. */
  traces: z.number().int().min(0),
  /** Requests that showed it (a trace can hold several). */
  occurrences: z.number().int().min(0),
  /** Total time the repeats cost beyond one query each time, summed over occurrences. */
  wastedMs: z.number().min(0),
  firstSeen: IsoTimeSchema,
  lastSeen: IsoTimeSchema,
  status: z.enum(OFFENDER_STATUSES),
  guidance: GuidanceSchema,
  code: CodeLocationSchema.nullable(),
  /** What the fix would save per day at the traffic seen (savings.ts). */
  savings: SavingsSchema,
  /** The acknowledgement of it in the server's rules file (N1_RULES_FILE), when one names it; API answers only. */
  acknowledgement: RulesAcknowledgementSchema.nullable().optional(),
});

/** Occurrences of an offender in one hour. */
export const HistoryPointSchema = z.strictObject({
  /** Start of the hour, ISO 8601. */
  at: IsoTimeSchema,
  occurrences: z.number().int().min(0),
  wastedMs: z.number().min(0),
  repeatsMax: z.number().int().min(0),
});

export const OffenderDetailSchema = OffenderSchema.extend({
  sampleTraceId: z.string(),
  exampleTraceIds: z.array(z.string()),
  sampleSpans: z.array(SampleSpanSchema),
  history: z.array(HistoryPointSchema),
  /** The last status change: when, and who made it (null: n1radar itself, or nobody signs in). */
  statusChange: z.strictObject({ at: IsoTimeSchema, by: z.string().nullable() }).nullable(),
});

/** A list row: the Offender plus occurrences per hour for the sparkline, oldest first. */
export const OffenderListItemSchema = OffenderSchema.extend({
  trend: z.array(z.number().int().min(0)),
});

/** GET /api/findings: one page of the ranked, filtered list. */
export const OffenderPageSchema = z.strictObject({
  findings: z.array(OffenderListItemSchema),
  /** Offenders matching the filter, across all pages. */
  total: z.number().int().min(0),
  /** Start of the first trend bucket (ISO 8601); buckets are one hour each. */
  trendStart: IsoTimeSchema,
});

export type FindingKind = z.infer<typeof FindingKindSchema>;
export type DbKind = z.infer<typeof DbKindSchema>;
export type CodeLocation = z.infer<typeof CodeLocationSchema>;
export type LoopIntent = z.infer<typeof LoopIntentSchema>;
export type SampleSpan = z.infer<typeof SampleSpanSchema>;
export type GuidanceStrategy = z.infer<typeof GuidanceStrategySchema>;
export type RelationshipDirection = z.infer<typeof RelationshipDirectionSchema>;
export type GuidanceRelationship = z.infer<typeof GuidanceRelationshipSchema>;
export type Guidance = z.infer<typeof GuidanceSchema>;
export type Savings = z.infer<typeof SavingsSchema>;
export type RulesAcknowledgement = z.infer<typeof RulesAcknowledgementSchema>;
export type Offender = z.infer<typeof OffenderSchema>;
export type HistoryPoint = z.infer<typeof HistoryPointSchema>;
export type OffenderDetail = z.infer<typeof OffenderDetailSchema>;
export type OffenderListItem = z.infer<typeof OffenderListItemSchema>;
export type OffenderPage = z.infer<typeof OffenderPageSchema>;
