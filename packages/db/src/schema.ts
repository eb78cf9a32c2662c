/**
 * The single source of truth for the database layout; migrations in ../drizzle are generated from it with
 * `npm run db:generate` and committed. Times are milliseconds since the Unix epoch.
 */
import { index, integer, real, sqliteTable, text } from "drizzle-orm/sqlite-core";

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
    dbSystem: text("db_system"),
    orm: text("orm"),
    guidance: text("guidance", { mode: "json" }).notNull(),
    repeatsMax: integer("repeats_max").notNull(),
    repeatsMedian: real("repeats_median").notNull(),
    occurrences: integer("occurrences").notNull(),
    traces: integer("traces").notNull(),
    wastedMs: real("wasted_ms").notNull(),
    firstSeen: integer("first_seen").notNull(),
    lastSeen: integer("last_seen").notNull(),
    status: text("status").notNull().default("open"),
    sampleTraceId: text("sample_trace_id").notNull(),
    sampleSpans: text("sample_spans", { mode: "json" }).notNull(),
    codeFunction: text("code_function"),
    codeFile: text("code_file"),
    codeLine: integer("code_line"),
  },
  (t) => [index("offenders_wasted_idx").on(t.wastedMs), index("offenders_last_seen_idx").on(t.lastSeen)],
);

/** Each time an offender showed up in a request: history, medians and example traces come from here. */
export const occurrences = sqliteTable(
  "occurrences",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    offenderId: text("offender_id")
      .notNull()
      .references(() => offenders.id, { onDelete: "cascade" }),
    traceId: text("trace_id").notNull(),
    repeats: integer("repeats").notNull(),
    totalMs: real("total_ms").notNull(),
    wastedMs: real("wasted_ms").notNull(),
    seenAt: integer("seen_at").notNull(),
  },
  (t) => [
    index("occurrences_offender_seen_idx").on(t.offenderId, t.seenAt),
    index("occurrences_offender_trace_idx").on(t.offenderId, t.traceId),
  ],
);
