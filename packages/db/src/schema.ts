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
    sampleTraceId: text("sample_trace_id").notNull(),
    sampleSpans: text("sample_spans", { mode: "json" }).notNull(),
    exampleTraceIds: text("example_trace_ids", { mode: "json" }).$type<string[]>().notNull(),
    codeFunction: text("code_function"),
    codeFile: text("code_file"),
    codeLine: integer("code_line"),
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
});
