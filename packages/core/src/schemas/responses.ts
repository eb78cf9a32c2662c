/**
 * The JSON answers of the API's overview, workflow, settings and probe routes (the offender ones are in
 * offender.ts), as strict zod schemas: produced by @n1radar/db and the server, read by the dashboard (which
 * takes the inferred types only). Field names are a public contract.
 */
import { z } from "zod";
import { ERROR_STATUS, type ErrorStatusCode } from "../errors.js";
import { IGNORE_SCOPES, OFFENDER_STATUSES } from "../offender.js";
import { IsoTimeSchema, OffenderDetailSchema } from "./offender.js";

const count = z.number().int().min(0);
const ms = z.number().min(0);

/** Every error answer of the API: `{ error: { code, message } }` with the code's HTTP status (errors.ts). */
export const ApiErrorSchema = z.strictObject({
  error: z.strictObject({
    code: z.enum(Object.keys(ERROR_STATUS) as [ErrorStatusCode, ...ErrorStatusCode[]]),
    message: z.string().min(1),
  }),
});

/** GET /api/health: liveness, 200 while the process runs. */
export const HealthSchema = z.strictObject({ status: z.literal("ok") });

/** GET /api/ready: 200 `ready`, or 503 `not_ready` with what is wrong. */
export const ReadinessSchema = z.union([
  z.strictObject({ status: z.literal("ready") }),
  z.strictObject({ status: z.literal("not_ready"), problems: z.array(z.string()).min(1) }),
]);

/** Counts for one service or endpoint. Ignored offenders are left out: the team chose to keep those loops. */
const overviewCounts = {
  /** Offenders not ignored. */
  offenders: count,
  /** Open, acknowledged or regressed: still to fix. */
  unresolved: count,
  regressed: count,
  /** Time wasted within the requested range (all of it without one), resolved offenders included. */
  wastedMs: ms,
  /** The part of wastedMs still to fix: open, acknowledged and regressed offenders. */
  unresolvedWastedMs: ms,
  /** What fixing the offenders still to fix would save per day at the traffic seen (savings.ts). */
  savingsPerDay: z.strictObject({ dbCalls: ms, dbTimeMs: ms }),
  /** Traces affected, summed over offenders (a trace with two offenders counts twice). */
  traces: count,
  /** Newest lastSeen (ISO 8601). */
  lastSeen: IsoTimeSchema,
};

export const OverviewCountsSchema = z.strictObject(overviewCounts);

export const OverviewEndpointSchema = OverviewCountsSchema.extend({ endpoint: z.string() });

export const OverviewServiceSchema = OverviewCountsSchema.extend({
  service: z.string(),
  /** All endpoints with offenders; `endpoints` holds at most the top ones by time wasted. */
  endpointCount: count,
  endpoints: z.array(OverviewEndpointSchema),
});

/** GET /api/overview. */
export const OverviewSchema = z.strictObject({
  totals: OverviewCountsSchema.extend({ services: count, endpoints: count, ignored: count }),
  /** Most time wasted first. */
  services: z.array(OverviewServiceSchema),
});

/** GET /api/facets: the list's filter values. */
export const FacetsSchema = z.strictObject({
  services: z.array(z.string()),
  /** Recognised ORMs: the id to filter by and the name to show. */
  orms: z.array(z.strictObject({ orm: z.string(), name: z.string() })),
  /** True when some offenders have no recognised ORM (filter with `orm=none`). */
  unknownOrm: z.boolean(),
});

/** A loop the team keeps on purpose. Null fields match anything; `statement` is normalized SQL, exact. */
export const IgnoreRuleSchema = z.strictObject({
  id: z.number().int().min(1),
  service: z.string().nullable(),
  endpoint: z.string().nullable(),
  statement: z.string().nullable(),
  reason: z.string().nullable(),
  createdAt: IsoTimeSchema,
  /** Who created it: the sign-in proxy's user name, "token", or null when nobody signs in. */
  createdBy: z.string().nullable(),
});

/** GET /api/ignore-rules: every rule, with the offenders it covers now. */
export const IgnoreRuleListSchema = z.strictObject({
  rules: z.array(IgnoreRuleSchema.extend({ covers: count })),
});

/** DELETE /api/ignore-rules/:id: the offenders the rule had ignored are open again. */
export const IgnoreRuleDeletedSchema = z.strictObject({ deleted: z.literal(true), reopened: count });

/** GET /api/findings/:id and POST /api/findings/:id/status: the offender in detail, as it is now. */
export const FindingAnswerSchema = z.strictObject({ finding: OffenderDetailSchema });

/** POST /api/findings/:id/ignore: the offender, the rule (an identical one is reused) and how many it ignored. */
export const IgnoreAnswerSchema = z.strictObject({
  finding: OffenderDetailSchema,
  rule: IgnoreRuleSchema,
  /** Offenders newly marked ignored by the rule (this one and any others it covers). */
  ignored: count,
});

/** GET /api/findings/:id/ignore-preview: what an ignore would cover, before it is created. */
export const IgnorePreviewSchema = z.strictObject({
  scope: z.enum(IGNORE_SCOPES),
  /** The rule it would create: a null field matches anything. */
  rule: z.strictObject({
    service: z.string().nullable(),
    endpoint: z.string().nullable(),
    statement: z.string().nullable(),
  }),
  /** Offenders the rule would newly ignore, this one included. */
  covers: count,
  /** The largest of them by time wasted, at most five. */
  offenders: z.array(
    z.strictObject({
      id: z.string(),
      endpoint: z.string(),
      statement: z.string(),
      status: z.enum(OFFENDER_STATUSES),
      wastedMs: ms,
    }),
  ),
});

/** GET /api/ingest, one service: what has arrived from it since start-up. */
export const ServiceIngestSchema = z.strictObject({
  service: z.string(),
  spans: count,
  /** Spans that carry a database statement, the ones the detector reads. */
  dbSpans: count,
  /** ISO 8601: when the first and the latest span of this service arrived (arrival time, not span time). */
  firstSeen: IsoTimeSchema,
  lastSeen: IsoTimeSchema,
});

/** GET /api/ingest: what has arrived since start-up, so an empty dashboard can say why it is empty. */
export const IngestReportSchema = z.strictObject({
  /** ISO 8601: when counting started (server start-up). */
  since: IsoTimeSchema,
  spans: count,
  dbSpans: count,
  /** Most recent first. */
  services: z.array(ServiceIngestSchema),
});

/** GET /api/config: what the dashboard needs to know about the server. */
export const DashboardConfigSchema = z.strictObject({
  /** TRACE_URL_TEMPLATE: link to a trace viewer, `{traceId}` replaced by the id. */
  traceUrlTemplate: z.string().nullable(),
  /** The OTLP/HTTP receiver's port, for the setup instructions. */
  otlpHttpPort: z.number().int().min(0).max(65_535),
  /** How people sign in (token, proxy, or open) and who this is; `canSignOut` for a token session. */
  access: z.strictObject({
    mode: z.enum(["token", "proxy", "open"]),
    user: z.string().nullable(),
    canSignOut: z.boolean(),
  }),
});

/** How `explain` judged a group of repeated calls (the detectors' rules, README's Detection). */
export const VerdictSchema = z.enum([
  "reported",
  "nested",
  "below_min_repeats",
  "below_min_wasted_ms",
  "ignored",
  "intended",
  "pagination",
  "retries",
  "cached",
]);

/** One group of repeated database calls in the sample, with the rule that decided it. */
export const GroupExplanationSchema = z.strictObject({
  statement: z.string(),
  /** Successful calls under one parent. */
  calls: count,
  failed: count,
  parallel: z.boolean(),
  wastedMs: ms,
  verdict: VerdictSchema,
  /** The rule, in one sentence with its numbers. */
  reason: z.string().min(1),
  /** What would make it reported (or stop it), when a setting would; null otherwise. */
  change: z.string().nullable(),
});

/** GET /api/findings/:id/explain: the stored sample judged again with the server's settings of today. */
export const ExplanationAnswerSchema = z.strictObject({
  explanation: z.strictObject({
    traceId: z.string(),
    service: z.string(),
    endpoint: z.string(),
    /** Spans in the stored sample. */
    spans: count,
    /** The most a sample keeps (N1_MAX_SAMPLE_SPANS): a longer request's later calls are not in it. */
    maxSampleSpans: count,
    /** False for samples stored before the judged facts were kept: some verdicts may differ from the time's. */
    complete: z.boolean(),
    /** Repeated groups, reported first, then by calls. */
    groups: z.array(GroupExplanationSchema),
  }),
});

export type ApiError = z.infer<typeof ApiErrorSchema>;
export type OverviewCounts = z.infer<typeof OverviewCountsSchema>;
export type OverviewEndpoint = z.infer<typeof OverviewEndpointSchema>;
export type OverviewService = z.infer<typeof OverviewServiceSchema>;
export type Overview = z.infer<typeof OverviewSchema>;
export type Facets = z.infer<typeof FacetsSchema>;
export type IgnoreRule = z.infer<typeof IgnoreRuleSchema>;
export type IgnorePreview = z.infer<typeof IgnorePreviewSchema>;
export type ServiceIngest = z.infer<typeof ServiceIngestSchema>;
export type IngestReport = z.infer<typeof IngestReportSchema>;
export type DashboardConfig = z.infer<typeof DashboardConfigSchema>;
export type Verdict = z.infer<typeof VerdictSchema>;
export type GroupExplanation = z.infer<typeof GroupExplanationSchema>;
export type Explanation = z.infer<typeof ExplanationAnswerSchema>["explanation"];
