/**
 * The PostgreSQL twin of schema.ts: the same tables, columns and indexes, in PostgreSQL's types (jsonb, boolean,
 * bigint milliseconds, double precision), with the same TypeScript row types so the store's callers see one
 * shape. Migrations in ../drizzle-pg are generated from it with `npm run db:generate` and committed. Change both
 * files together.
 */
import {
  bigint,
  bigserial,
  boolean,
  doublePrecision,
  index,
  jsonb,
  pgTable,
  primaryKey,
  text,
} from "drizzle-orm/pg-core";

/** One N+1 seen across many traces, keyed by (service, endpoint, kind, statement fingerprint). */
export const offenders = pgTable(
  "offenders",
  {
    id: text("id").primaryKey(),
    kind: text("kind").notNull(),
    service: text("service").notNull(),
    endpoint: text("endpoint").notNull(),
    statement: text("statement").notNull(),
    fingerprint: text("fingerprint").notNull(),
    sourceStatement: text("source_statement"),
    chain: jsonb("chain").$type<string[]>().notNull(),
    parallel: boolean("parallel").notNull(),
    dbSystem: text("db_system"),
    orm: text("orm"),
    guidance: jsonb("guidance").notNull(),
    repeatsMax: bigint("repeats_max", { mode: "number" }).notNull(),
    /** repeats per request -> requests; the median is computed from it. */
    repeatsHistogram: jsonb("repeats_histogram").$type<Record<string, number>>().notNull(),
    repeatsMedian: doublePrecision("repeats_median").notNull(),
    occurrences: bigint("occurrences", { mode: "number" }).notNull(),
    traces: bigint("traces", { mode: "number" }).notNull(),
    wastedMs: doublePrecision("wasted_ms").notNull(),
    firstSeen: bigint("first_seen", { mode: "number" }).notNull(),
    lastSeen: bigint("last_seen", { mode: "number" }).notNull(),
    status: text("status").notNull().default("open"),
    statusChangedAt: bigint("status_changed_at", { mode: "number" }),
    /** Who set the status (a sign-in proxy's user name, "token"); null when n1radar did (a regression) or nobody signs in. */
    statusChangedBy: text("status_changed_by"),
    sampleTraceId: text("sample_trace_id").notNull(),
    sampleSpans: jsonb("sample_spans").notNull(),
    /** See schema.ts. */
    sampleSeenAt: bigint("sample_seen_at", { mode: "number" }).notNull().default(0),
    exampleTraceIds: jsonb("example_trace_ids").$type<string[]>().notNull(),
    codeFunction: text("code_function"),
    codeFile: text("code_file"),
    codeLine: bigint("code_line", { mode: "number" }),
    /** `deployment.environment(.name)` of the newest traces that carried one: alert destinations filter on it. */
    environment: text("environment"),
  },
  (t) => [
    // One index per list sort, holding the whole ORDER BY (key, wasted, id): a page, however deep, is read from
    // the index alone. Rows are wide (sample spans), so touching each skipped row would cost a page read each.
    index("offenders_wasted_idx").on(t.wastedMs, t.id),
    index("offenders_last_seen_idx").on(t.lastSeen, t.wastedMs, t.id),
    index("offenders_traces_idx").on(t.traces, t.wastedMs, t.id),
    index("offenders_repeats_idx").on(t.repeatsMax, t.wastedMs, t.id),
    index("offenders_status_idx").on(t.status, t.wastedMs, t.id),
    index("offenders_service_endpoint_idx").on(t.service, t.endpoint),
    // The ORM facet and filter read only this index.
    index("offenders_orm_idx").on(t.orm),
  ],
);

/** Per-offender history in hour buckets: the trend sparkline and the occurrences chart. */
export const offenderHours = pgTable(
  "offender_hours",
  {
    offenderId: text("offender_id")
      .notNull()
      .references(() => offenders.id, { onDelete: "cascade" }),
    hourStart: bigint("hour_start", { mode: "number" }).notNull(),
    occurrences: bigint("occurrences", { mode: "number" }).notNull(),
    wastedMs: doublePrecision("wasted_ms").notNull(),
    repeatsMax: bigint("repeats_max", { mode: "number" }).notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.offenderId, t.hourStart] }),
    index("offender_hours_hour_idx").on(t.hourStart),
  ],
);

/** Loops a team means to keep: matching findings are not recorded. Null fields match anything. */
export const ignoreRules = pgTable("ignore_rules", {
  id: bigserial("id", { mode: "number" }).primaryKey(),
  service: text("service"),
  endpoint: text("endpoint"),
  /** Normalized statement to match exactly, or null. */
  statement: text("statement"),
  reason: text("reason"),
  createdAt: bigint("created_at", { mode: "number" }).notNull(),
  /** Who created the rule, as statusChangedBy. */
  createdBy: text("created_by"),
});

/**
 * The alert outbox, first half: an offender change worth telling a channel about, written in the same
 * transaction as the change itself (recordDeltas), so a crash can never lose one. The server's worker turns
 * events into deliveries (per destination, filtered, grouped) and deletes them in one transaction.
 */
export const alertEvents = pgTable("alert_events", {
  id: bigserial("id", { mode: "number" }).primaryKey(),
  offenderId: text("offender_id")
    .notNull()
    .references(() => offenders.id, { onDelete: "cascade" }),
  /** new | regression | threshold */
  event: text("event").notNull(),
  createdAt: bigint("created_at", { mode: "number" }).notNull(),
});

/** Where alerts go: from ALERT_DESTINATIONS (source env, read-only, re-synced at start-up) or the API. */
export const alertDestinations = pgTable("alert_destinations", {
  id: text("id").primaryKey(),
  name: text("name").notNull().unique(),
  source: text("source").notNull(),
  type: text("type").notNull(),
  url: text("url").notNull(),
  secret: text("secret"),
  /** services, endpoints, environments, minRepeats, minWastedMsPerHour, events (DestinationFilter). */
  filter: jsonb("filter").$type<Record<string, unknown>>().notNull(),
  enabled: boolean("enabled").notNull(),
  /** Why delivery stopped by itself (the platform answered 404/410), shown in the dashboard. */
  disabledReason: text("disabled_reason"),
  createdAt: bigint("created_at", { mode: "number" }).notNull(),
  updatedAt: bigint("updated_at", { mode: "number" }).notNull(),
});

/**
 * The alert outbox, second half: one message to one destination. The body is formatted once, so every retry
 * sends the same bytes under the same id (Standard Webhooks' webhook-id: receivers drop duplicates).
 * status: pending (until answered; an attempt cut short by a crash is sent again), sent, or dead (out of attempts,
 * or refused with a 4xx: the dead letters, re-sendable).
 */
export const alertDeliveries = pgTable(
  "alert_deliveries",
  {
    id: text("id").primaryKey(),
    destinationId: text("destination_id")
      .notNull()
      .references(() => alertDestinations.id, { onDelete: "cascade" }),
    /** alert | digest | test */
    kind: text("kind").notNull(),
    event: text("event"),
    offenderIds: jsonb("offender_ids").$type<string[]>().notNull(),
    body: text("body").notNull(),
    status: text("status").notNull(),
    attempts: bigint("attempts", { mode: "number" }).notNull().default(0),
    nextAttemptAt: bigint("next_attempt_at", { mode: "number" }).notNull(),
    lastError: text("last_error"),
    lastStatus: bigint("last_status", { mode: "number" }),
    /**
     * Until when the process that claimed it for sending holds it (claimDueDeliveries), so that of several
     * replicas only one sends it; null when unclaimed. A claim outlives a crash only until it expires.
     */
    leaseUntil: bigint("lease_until", { mode: "number" }),
    createdAt: bigint("created_at", { mode: "number" }).notNull(),
    updatedAt: bigint("updated_at", { mode: "number" }).notNull(),
  },
  (t) => [
    index("alert_deliveries_due_idx").on(t.status, t.nextAttemptAt),
    index("alert_deliveries_destination_idx").on(t.destinationId, t.createdAt),
  ],
);

/**
 * What each destination was last told about each offender, so an offender alerts once per event until its
 * state changes, and not again within the cooldown.
 */
export const alertNotified = pgTable(
  "alert_notified",
  {
    destinationId: text("destination_id")
      .notNull()
      .references(() => alertDestinations.id, { onDelete: "cascade" }),
    offenderId: text("offender_id")
      .notNull()
      .references(() => offenders.id, { onDelete: "cascade" }),
    event: text("event").notNull(),
    at: bigint("at", { mode: "number" }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.destinationId, t.offenderId] })],
);

/** See schema.ts: requests stored while their spans are still in a journal (INGEST_DURABLE). */
export const journalRequests = pgTable(
  "journal_requests",
  {
    journal: text("journal").notNull(),
    request: text("request").notNull(),
    seq: bigint("seq", { mode: "number" }).notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.journal, t.request] }),
    index("journal_requests_seq").on(t.journal, t.seq),
  ],
);
