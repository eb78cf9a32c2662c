/**
 * Each response schema takes a realistic answer and refuses its broken twins: a field dropped, renamed, added or
 * of the wrong type, which is what an API test parsing the answer through it must catch.
 */
import { describe, expect, it } from "vitest";
import type { z } from "zod";
import {
  DeliveryListSchema,
  DestinationAnswerSchema,
  DestinationDeletedSchema,
  DestinationListSchema,
  ResentSchema,
  TestResultSchema,
} from "./alerts.js";
import {
  type Guidance,
  type OffenderDetail,
  OffenderDetailSchema,
  type OffenderListItem,
  OffenderPageSchema,
  OffenderSchema,
} from "./offender.js";
import {
  ApiErrorSchema,
  DashboardConfigSchema,
  ExplanationAnswerSchema,
  FacetsSchema,
  FindingAnswerSchema,
  HealthSchema,
  IgnoreAnswerSchema,
  IgnorePreviewSchema,
  IgnoreRuleDeletedSchema,
  IgnoreRuleListSchema,
  IngestReportSchema,
  OverviewSchema,
  ReadinessSchema,
} from "./responses.js";

const guidance: Guidance = {
  orm: "sqlalchemy",
  ormName: "SQLAlchemy",
  confidence: 0.9,
  summary: "Load Post.author with the posts: selectinload(Post.author)",
  why: "GET /posts ran SELECT * FROM authors WHERE id = ? 20 times",
  before: "for post in session.scalars(select(Post)):\n    print(post.author.name)",
  after: "select(Post).options(selectinload(Post.author))",
  verify: "the request runs 2 queries instead of 21",
  strategy: "eager-many-to-one",
  tradeoff: "one extra IN query",
  pitfalls: ["a serializer that touches another relation"],
  evidence: ["instrumentation scope opentelemetry.instrumentation.sqlalchemy"],
  relationship: {
    parentTable: "posts",
    childTable: "authors",
    column: "id",
    direction: "many-to-one",
    parentModel: "Post",
    attribute: "author",
  },
  expectedQueries: 2,
};

const offender = {
  id: "3f9a0c1d2e4b5a69",
  kind: "n_plus_one",
  service: "blog",
  endpoint: "GET /posts",
  statement: "SELECT * FROM authors WHERE id = ?",
  sourceStatement: "SELECT * FROM posts",
  chain: [],
  parallel: false,
  dbSystem: "postgresql",
  orm: "sqlalchemy",
  repeats: 20,
  repeatsMedian: 18.5,
  traces: 12,
  occurrences: 14,
  wastedMs: 412.25,
  firstSeen: "2026-01-10T09:00:00.000Z",
  lastSeen: "2026-01-10T11:30:00.000Z",
  status: "open",
  guidance,
  code: { function: "list_posts", file: "app/views.py", line: 42 },
  savings: { requestsPerDay: 134, dbCallsPerDay: 2345, dbTimeMsPerDay: 3957, requestTimeMsPerDay: 3957 },
} satisfies z.input<typeof OffenderSchema>;

const listItem: OffenderListItem = { ...offender, trend: [0, 2, 5, 7] };

const detail: OffenderDetail = {
  ...offender,
  acknowledgement: { reason: "admin page", author: "ana", expires: "2026-03-01", expired: false },
  sampleTraceId: "0af7651916cd43dd8448eb211c80319c",
  exampleTraceIds: ["0af7651916cd43dd8448eb211c80319c"],
  sampleSpans: [
    {
      spanId: "b7ad6b7169203331",
      parentSpanId: null,
      name: "GET /posts",
      offsetMs: 0,
      durationMs: 35.5,
      statement: null,
      repeated: false,
      intent: { maxRepeats: null, reason: null },
    },
    {
      spanId: "c7ad6b7169203332",
      parentSpanId: "b7ad6b7169203331",
      name: "SELECT blog",
      offsetMs: 1.25,
      durationMs: 0.75,
      statement: "SELECT * FROM authors WHERE id = ?",
      repeated: true,
      op: "read",
      dbKind: "sql",
      scope: "opentelemetry.instrumentation.sqlalchemy",
    },
  ],
  history: [{ at: "2026-01-10T11:00:00.000Z", occurrences: 3, wastedMs: 57, repeatsMax: 20 }],
  statusChange: { at: "2026-01-10T11:45:00.000Z", by: "ana" },
};

const counts = {
  offenders: 3,
  unresolved: 2,
  regressed: 1,
  wastedMs: 812.5,
  unresolvedWastedMs: 400,
  savingsPerDay: { dbCalls: 4000, dbTimeMs: 7000 },
  traces: 30,
  lastSeen: "2026-01-10T11:30:00.000Z",
};

const rule = {
  id: 7,
  service: "blog",
  endpoint: null,
  statement: "SELECT * FROM authors WHERE id = ?",
  reason: "cached upstream",
  createdAt: "2026-01-10T11:50:00.000Z",
  createdBy: null,
};

const group = {
  statement: "SELECT * FROM authors WHERE id = ?",
  calls: 20,
  failed: 0,
  parallel: false,
  wastedMs: 19.5,
  verdict: "reported",
  reason: "20 calls under one parent >= minRepeats 5: reported as n_plus_one",
  change: null,
};
const explanation = {
  traceId: "0af7651916cd43dd8448eb211c80319c",
  service: "blog",
  endpoint: "GET /posts",
  spans: 22,
  maxSampleSpans: 200,
  complete: true,
  groups: [group],
};

const destination = {
  id: "9b1f0e62-5d8c-4f1e-a9d2-3c4b5a697081",
  name: "ops",
  type: "webhook",
  source: "api",
  readOnly: false,
  url: "https://hooks.example.com/…",
  hasSecret: true,
  services: ["checkout"],
  minRepeats: 10,
  enabled: true,
  disabledReason: null,
  createdAt: "2026-01-10T11:00:00.000Z",
  updatedAt: "2026-01-10T11:05:00.000Z",
};

const delivery = {
  id: "d-1",
  destinationId: destination.id,
  destinationName: "ops",
  destinationType: "webhook",
  kind: "alert",
  event: "new",
  offenderIds: ["3f9a0c1d2e4b5a69"],
  status: "dead",
  attempts: 8,
  lastStatus: 410,
  lastError: "410 Gone",
  nextAttemptAt: "2026-01-10T12:00:00.000Z",
  createdAt: "2026-01-10T11:00:00.000Z",
  updatedAt: "2026-01-10T11:59:00.000Z",
};

/** A schema, an answer it must take, and broken twins of that answer it must refuse. */
interface Case {
  name: string;
  schema: z.ZodType;
  valid: unknown;
  broken: Record<string, unknown>;
}

/** A copy of `value` with `path` changed by `edit` (which may delete or rename the field). */
function twin(
  value: unknown,
  path: (string | number)[],
  edit: (parent: Record<string, unknown>, key: string) => void,
) {
  const copy = structuredClone(value) as Record<string, unknown>;
  let parent = copy;
  for (const step of path.slice(0, -1)) parent = parent[step] as Record<string, unknown>;
  edit(parent, String(path.at(-1)));
  brokenField.set(copy, String(path.at(-1)));
  return copy;
}
/** The field each twin breaks: the one its schema's issues must name. */
const brokenField = new WeakMap<object, string>();
/** For the twins written out whole: the field each one breaks. */
const BROKEN_FIELD: Record<string, string> = {
  "totals without ignored": "ignored",
  "an endpoint without its name": "endpoint",
  "savingsPerDay renamed": "savingsPerDay",
  "an ORM without its name": "name",
  "unknownOrm missing": "unknownOrm",
  "a rule without covers": "covers",
  "an id as text": "id",
  "without the count ignored": "ignored",
  "a rule without createdBy": "createdBy",
  "an unknown scope": "scope",
  "a covered offender without wastedMs": "wastedMs",
  "deleted false": "deleted",
  "without reopened": "reopened",
  "dbSpans renamed": "dbSpans",
  "a negative count": "spans",
  "an unknown access mode": "mode",
  "without access": "access",
  "another status": "status",
  "not ready without problems": "problems",
  "ready with an extra field": "problems",
  "a code outside the vocabulary": "code",
  "a bare message": "error",
  "the status as text": "status",
  "the answer bare": "result",
  "an empty answer": "resent",
};

/** The fields a failed parse names: where each issue is, and the keys it did not expect. */
function namedFields(error: z.ZodError): string[] {
  return error.issues.flatMap((issue) => [
    String(issue.path.at(-1) ?? ""),
    ...("keys" in issue ? (issue.keys as string[]) : []),
    ...("errors" in issue
      ? (issue.errors as z.core.$ZodIssue[][]).flat().map((i) => String(i.path.at(-1)))
      : []),
  ]);
}
const drop = (value: unknown, ...path: (string | number)[]) => twin(value, path, (p, k) => delete p[k]);
const set = (value: unknown, to: unknown, ...path: (string | number)[]) =>
  twin(value, path, (p, k) => {
    p[k] = to;
  });
const rename = (value: unknown, to: string, ...path: (string | number)[]) =>
  twin(value, path, (p, k) => {
    p[to] = p[k];
    delete p[k];
  });

const cases: Case[] = [
  {
    name: "OffenderPage",
    schema: OffenderPageSchema,
    valid: { findings: [listItem], total: 31, trendStart: "2026-01-09T13:00:00.000Z" },
    broken: {
      "a row without its trend": drop(
        { findings: [listItem], total: 1, trendStart: counts.lastSeen },
        "findings",
        0,
        "trend",
      ),
      "wastedMs renamed": rename(
        { findings: [listItem], total: 1, trendStart: counts.lastSeen },
        "wasted",
        "findings",
        0,
        "wastedMs",
      ),
      "an undocumented field": set(
        { findings: [listItem], total: 1, trendStart: counts.lastSeen },
        1,
        "findings",
        0,
        "score",
      ),
      "an unknown status": set(
        { findings: [listItem], total: 1, trendStart: counts.lastSeen },
        "fixed",
        "findings",
        0,
        "status",
      ),
      "a time that is not ISO 8601": set(
        { findings: [], total: 0, trendStart: "yesterday" },
        "yesterday",
        "trendStart",
      ),
    },
  },
  {
    name: "FindingAnswer (offender detail)",
    schema: FindingAnswerSchema,
    valid: { finding: detail },
    broken: {
      "no sample spans": drop({ finding: detail }, "finding", "sampleSpans"),
      "a sample span's statement renamed": rename(
        { finding: detail },
        "sql",
        "finding",
        "sampleSpans",
        1,
        "statement",
      ),
      "guidance without its summary": drop({ finding: detail }, "finding", "guidance", "summary"),
      "an unknown guidance strategy": set({ finding: detail }, "prefetch", "finding", "guidance", "strategy"),
      "savings without requestsPerDay": drop({ finding: detail }, "finding", "savings", "requestsPerDay"),
      "a code line as text": set({ finding: detail }, "42", "finding", "code", "line"),
      "statusChange without its time": drop({ finding: detail }, "finding", "statusChange", "at"),
    },
  },
  {
    name: "Overview",
    schema: OverviewSchema,
    valid: {
      totals: { ...counts, services: 1, endpoints: 2, ignored: 1 },
      services: [
        { ...counts, service: "blog", endpointCount: 2, endpoints: [{ ...counts, endpoint: "GET /posts" }] },
      ],
    },
    broken: {
      "totals without ignored": { totals: counts, services: [] },
      "an endpoint without its name": {
        totals: { ...counts, services: 1, endpoints: 1, ignored: 0 },
        services: [{ ...counts, service: "blog", endpointCount: 1, endpoints: [counts] }],
      },
      "savingsPerDay renamed": {
        totals: { ...rename(counts, "savings", "savingsPerDay"), services: 0, endpoints: 0, ignored: 0 },
        services: [],
      },
    },
  },
  {
    name: "Facets",
    schema: FacetsSchema,
    valid: { services: ["blog"], orms: [{ orm: "sqlalchemy", name: "SQLAlchemy" }], unknownOrm: false },
    broken: {
      "an ORM without its name": { services: ["blog"], orms: [{ orm: "sqlalchemy" }], unknownOrm: false },
      "unknownOrm missing": { services: ["blog"], orms: [] },
    },
  },
  {
    name: "IgnoreRuleList",
    schema: IgnoreRuleListSchema,
    valid: { rules: [{ ...rule, covers: 2 }] },
    broken: {
      "a rule without covers": { rules: [rule] },
      "an id as text": { rules: [{ ...rule, id: "7", covers: 2 }] },
    },
  },
  {
    name: "IgnoreAnswer",
    schema: IgnoreAnswerSchema,
    valid: { finding: { ...detail, status: "ignored" }, rule, ignored: 2 },
    broken: {
      "without the count ignored": { finding: detail, rule },
      "a rule without createdBy": { finding: detail, rule: drop(rule, "createdBy"), ignored: 1 },
    },
  },
  {
    name: "IgnorePreview",
    schema: IgnorePreviewSchema,
    valid: {
      scope: "statement",
      rule: { service: "blog", endpoint: null, statement: rule.statement },
      covers: 2,
      offenders: [
        { id: "a1", endpoint: "GET /feed", statement: rule.statement, status: "open", wastedMs: 90 },
      ],
    },
    broken: {
      "an unknown scope": {
        scope: "all",
        rule: { service: null, endpoint: null, statement: null },
        covers: 0,
        offenders: [],
      },
      "a covered offender without wastedMs": {
        scope: "endpoint",
        rule: { service: "blog", endpoint: "GET /feed", statement: null },
        covers: 1,
        offenders: [{ id: "a1", endpoint: "GET /feed", statement: rule.statement, status: "open" }],
      },
    },
  },
  {
    name: "IgnoreRuleDeleted",
    schema: IgnoreRuleDeletedSchema,
    valid: { deleted: true, reopened: 2 },
    broken: { "deleted false": { deleted: false, reopened: 0 }, "without reopened": { deleted: true } },
  },
  {
    name: "IngestReport",
    schema: IngestReportSchema,
    valid: {
      since: "2026-01-10T08:00:00.000Z",
      spans: 120,
      dbSpans: 80,
      services: [
        {
          service: "blog",
          spans: 120,
          dbSpans: 80,
          firstSeen: "2026-01-10T08:01:00.000Z",
          lastSeen: counts.lastSeen,
        },
      ],
    },
    broken: {
      "dbSpans renamed": { since: "2026-01-10T08:00:00.000Z", spans: 1, db_spans: 1, services: [] },
      "a negative count": { since: "2026-01-10T08:00:00.000Z", spans: -1, dbSpans: 0, services: [] },
    },
  },
  {
    name: "DashboardConfig",
    schema: DashboardConfigSchema,
    valid: {
      traceUrlTemplate: "http://localhost:16686/trace/{traceId}",
      otlpHttpPort: 4318,
      access: { mode: "token", user: "token", canSignOut: true },
    },
    broken: {
      "an unknown access mode": {
        traceUrlTemplate: null,
        otlpHttpPort: 4318,
        access: { mode: "sso", user: null, canSignOut: false },
      },
      "without access": { traceUrlTemplate: null, otlpHttpPort: 4318 },
    },
  },
  {
    name: "ExplanationAnswer",
    schema: ExplanationAnswerSchema,
    valid: { explanation },
    broken: {
      "an unknown verdict": set({ explanation }, "skipped", "explanation", "groups", 0, "verdict"),
      "without maxSampleSpans": drop({ explanation }, "explanation", "maxSampleSpans"),
      "a group's change renamed": rename({ explanation }, "hint", "explanation", "groups", 0, "change"),
    },
  },
  {
    name: "DestinationList",
    schema: DestinationListSchema,
    valid: { destinations: [destination, { ...destination, id: "env:ops", source: "env", readOnly: true }] },
    broken: {
      "a stored secret in the answer": set(
        { destinations: [destination] },
        "whsec_x",
        "destinations",
        0,
        "secret",
      ),
      "hasSecret renamed": rename(
        { destinations: [destination] },
        "has_secret",
        "destinations",
        0,
        "hasSecret",
      ),
      "an unknown platform": set({ destinations: [destination] }, "irc", "destinations", 0, "type"),
    },
  },
  {
    name: "DestinationAnswer",
    schema: DestinationAnswerSchema,
    valid: { destination: { ...destination, enabled: false, disabledReason: "disabled in the dashboard" } },
    broken: { "without disabledReason": drop({ destination }, "destination", "disabledReason") },
  },
  {
    name: "DestinationDeleted",
    schema: DestinationDeletedSchema,
    valid: { deleted: true },
    broken: { "deleted false": { deleted: false } },
  },
  {
    name: "TestResult",
    schema: TestResultSchema,
    valid: { result: { ok: false, status: null, answer: "blocked: localhost: loopback" } },
    broken: {
      "the status as text": { result: { ok: true, status: "200", answer: "ok" } },
      "the answer bare": { ok: true, status: 200, answer: "ok" },
    },
  },
  {
    name: "DeliveryList",
    schema: DeliveryListSchema,
    valid: {
      deliveries: [delivery, { ...delivery, id: "d-2", kind: "digest", event: null, status: "sent" }],
    },
    broken: {
      "an unknown delivery status": set({ deliveries: [delivery] }, "failed", "deliveries", 0, "status"),
      "without its destination's name": drop({ deliveries: [delivery] }, "deliveries", 0, "destinationName"),
    },
  },
  {
    name: "Resent",
    schema: ResentSchema,
    valid: { resent: true },
    broken: { "an empty answer": {} },
  },
  {
    name: "Health",
    schema: HealthSchema,
    valid: { status: "ok" },
    broken: { "another status": { status: "up" } },
  },
  {
    name: "Readiness",
    schema: ReadinessSchema,
    valid: { status: "not_ready", problems: ["the database does not answer"] },
    broken: {
      "not ready without problems": { status: "not_ready" },
      "ready with an extra field": { status: "ready", problems: [] },
    },
  },
  {
    name: "ApiError",
    schema: ApiErrorSchema,
    valid: { error: { code: "not_found", message: "no finding with id x" } },
    broken: {
      "a code outside the vocabulary": { error: { code: "oops", message: "x" } },
      "a bare message": { message: "no finding with id x" },
    },
  },
];

describe("response schemas", () => {
  for (const c of cases) {
    it(`${c.name}: takes a realistic answer`, () => {
      const parsed = c.schema.safeParse(c.valid);
      expect(parsed.error).toBeUndefined();
      expect(parsed.data).toEqual(c.valid);
    });
    for (const [what, value] of Object.entries(c.broken)) {
      it(`${c.name}: refuses ${what}, naming the field`, () => {
        const field = brokenField.get(value as object) ?? BROKEN_FIELD[what];
        expect(field, "the field this twin breaks").toBeDefined();
        const parsed = c.schema.safeParse(value);
        expect(parsed.success).toBe(false);
        expect(namedFields(parsed.error as z.ZodError)).toContain(field);
      });
    }
  }

  it("stays strict where it extends another schema (a detail or list row with an extra field)", () => {
    expect(OffenderDetailSchema.safeParse({ ...detail, extra: 1 }).success).toBe(false);
    expect(OffenderSchema.safeParse({ ...offender, trend: [] }).success).toBe(false);
    expect(OffenderDetailSchema.safeParse(detail).success).toBe(true);
  });
});
