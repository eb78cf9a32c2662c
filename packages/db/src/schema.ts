/**
 * The single source of truth for the database layout; migrations in ../drizzle are generated from it with
 * `npm run db:generate` and committed. Times are milliseconds since the Unix epoch.
 */
import { index, integer, primaryKey, real, sqliteTable, text } from "drizzle-orm/sqlite-core";

/** One N+1 seen across many traces, keyed by (service, endpoint, kind, statement fingerprint). */
export const offenders = sqliteTable(
  "offenders",
  {
    id: text("id").primaryKey(),
    kind: text("kind").notNull(),
    service: text("service").notNull(),
    endpoint: text("endpoint").notNull(),
    statement: text("statement").notNull(),
    fingerprint: text("fingerprint").notNull(),
    sourceStatement: text("source_statement"),
    chain: text("chain", { mode: "json" }).$type<string[]>().notNull(),
    parallel: integer("parallel", { mode: "boolean" }).notNull(),
    dbSystem: text("db_system"),
    orm: text("orm"),
    guidance: text("guidance", { mode: "json" }).notNull(),
    repeatsMax: integer("repeats_max").notNull(),
    /** repeats per request -> requests; the median is computed from it. */
    repeatsHistogram: text("repeats_histogram", { mode: "json" }).$type<Record<string, number>>().notNull(),
    repeatsMedian: real("repeats_median").notNull(),
    occurrences: integer("occurrences").notNull(),
    traces: integer("traces").notNull(),
    wastedMs: real("wasted_ms").notNull(),
    firstSeen: integer("first_seen").notNull(),
    lastSeen: integer("last_seen").notNull(),
    status: text("status").notNull().default("open"),
    statusChangedAt: integer("status_changed_at"),
    /** Who set the status (a sign-in proxy's user name, "token"); null when n1radar did (a regression) or nobody signs in. */
    statusChangedBy: text("status_changed_by"),
    sampleTraceId: text("sample_trace_id").notNull(),
    sampleSpans: text("sample_spans", { mode: "json" }).notNull(),
    /** When the sample's request ran: a sample as repeated as the stored one replaces it once this is an hour old. */
    sampleSeenAt: integer("sample_seen_at").notNull().default(0),
    exampleTraceIds: text("example_trace_ids", { mode: "json" }).$type<string[]>().notNull(),
    codeFunction: text("code_function"),
    codeFile: text("code_file"),
    codeLine: integer("code_line"),
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
export const offenderHours = sqliteTable(
  "offender_hours",
  {
    offenderId: text("offender_id")
      .notNull()
      .references(() => offenders.id, { onDelete: "cascade" }),
    hourStart: integer("hour_start").notNull(),
    occurrences: integer("occurrences").notNull(),
    wastedMs: real("wasted_ms").notNull(),
    repeatsMax: integer("repeats_max").notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.offenderId, t.hourStart] }),
    index("offender_hours_hour_idx").on(t.hourStart),
  ],
);

/** Loops a team means to keep: matching findings are not recorded. Null fields match anything. */
export const ignoreRules = sqliteTable("ignore_rules", {
  id: integer("id").primaryKey({ autoIncrement: true }),
  service: text("service"),
  endpoint: text("endpoint"),
  /** Normalized statement to match exactly, or null. */
  statement: text("statement"),
  reason: text("reason"),
  createdAt: integer("created_at").notNull(),
  /** Who created the rule, as statusChangedBy. */
  createdBy: text("created_by"),
});

/**
 * The alert outbox, first half: an offender change worth telling a channel about, written in the same
 * transaction as the change itself (recordDeltas), so a crash can never lose one. The server's worker turns
 * events into deliveries (per destination, filtered, grouped) and deletes them in one transaction.
 */
export const alertEvents = sqliteTable("alert_events", {
  id: integer("id").primaryKey({ autoIncrement: true }),
  offenderId: text("offender_id")
    .notNull()
    .references(() => offenders.id, { onDelete: "cascade" }),
  /** new | regression | threshold */
  event: text("event").notNull(),
  createdAt: integer("created_at").notNull(),
});

/** Where alerts go: from ALERT_DESTINATIONS (source env, read-only, re-synced at start-up) or the API. */
export const alertDestinations = sqliteTable("alert_destinations", {
  id: text("id").primaryKey(),
  name: text("name").notNull().unique(),
  source: text("source").notNull(),
  type: text("type").notNull(),
  url: text("url").notNull(),
  secret: text("secret"),
  /** services, endpoints, environments, minRepeats, minWastedMsPerHour, events (DestinationFilter). */
  filter: text("filter", { mode: "json" }).$type<Record<string, unknown>>().notNull(),
  enabled: integer("enabled", { mode: "boolean" }).notNull(),
  /** Why delivery stopped by itself (the platform answered 404/410), shown in the dashboard. */
  disabledReason: text("disabled_reason"),
  createdAt: integer("created_at").notNull(),
  updatedAt: integer("updated_at").notNull(),
});

/**
 * The alert outbox, second half: one message to one destination. The body is formatted once, so every retry
 * sends the same bytes under the same id (Standard Webhooks' webhook-id: receivers drop duplicates).
 * status: pending (until answered; an attempt cut short by a crash is sent again), sent, or dead (out of attempts,
 * or refused with a 4xx: the dead letters, re-sendable).
 */
export const alertDeliveries = sqliteTable(
  "alert_deliveries",
  {
    id: text("id").primaryKey(),
    destinationId: text("destination_id")
      .notNull()
      .references(() => alertDestinations.id, { onDelete: "cascade" }),
    /** alert | digest | test */
    kind: text("kind").notNull(),
    event: text("event"),
    offenderIds: text("offender_ids", { mode: "json" }).$type<string[]>().notNull(),
    body: text("body").notNull(),
    status: text("status").notNull(),
    attempts: integer("attempts").notNull().default(0),
    nextAttemptAt: integer("next_attempt_at").notNull(),
    lastError: text("last_error"),
    lastStatus: integer("last_status"),
    /**
     * Until when the process that claimed it for sending holds it (claimDueDeliveries), so that of several
     * replicas only one sends it; null when unclaimed. A claim outlives a crash only until it expires.
     */
    leaseUntil: integer("lease_until"),
    createdAt: integer("created_at").notNull(),
    updatedAt: integer("updated_at").notNull(),
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
export const alertNotified = sqliteTable(
  "alert_notified",
  {
    destinationId: text("destination_id")
      .notNull()
      .references(() => alertDestinations.id, { onDelete: "cascade" }),
    offenderId: text("offender_id")
      .notNull()
      .references(() => offenders.id, { onDelete: "cascade" }),
    event: text("event").notNull(),
    at: integer("at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.destinationId, t.offenderId] })],
);

/**
 * INGEST_DURABLE: the requests whose findings are stored while their spans are still in the ingest journal, written
 * in the same transaction as the findings. A restart replays the journal and does not count these requests again,
 * while the other requests of their traces (another service's, or one still waiting at the crash) are judged as
 * usual. `journal` names one process's journal directory (replicas each have their own); `request` is the trace id
 * and the span id heading the judged set (the request span, or the first of a trace's leftovers); `seq` is the
 * last journal batch holding the trace's spans, and rows go once the journal no longer reaches back that far.
 */
export const journalRequests = sqliteTable(
  "journal_requests",
  {
    journal: text("journal").notNull(),
    request: text("request").notNull(),
    seq: integer("seq").notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.journal, t.request] }),
    index("journal_requests_seq").on(t.journal, t.seq),
  ],
);
