import type { SpanRecord } from "@n1radar/core";
import { spanDurationMs } from "@n1radar/core";
import { type StatementKey, statementKey } from "./statement.js";
import type { Request, TraceView } from "./trace-view.js";

/**
 * The shared base of every detector: the database calls of one request, each with the span it is grouped
 * under. Spans between a call and that parent are looked through when they only wrap, so that ORM and pool
 * instrumentation neither hides an N+1 (a query per wrapper) nor creates one:
 *
 *   GET /posts                                   <- request span: the usual grouping parent
 *   ├─ SELECT ... FROM posts
 *   ├─ User Load | Session.get | prisma:client:operation   <- holds one call: looked through
 *   │  ├─ connect | prisma:engine:connection     <- db.system but no statement: not a call
 *   │  └─ SELECT ... FROM users WHERE id = ?
 *   ├─ render_post                               <- loop body (same-name siblings), several calls: looked
 *   │  ├─ SELECT ... FROM comments WHERE post_id = ?     through, so each query counts once per iteration
 *   │  └─ SELECT ... FROM tags WHERE post_id = ?         under the request
 *   ├─ Sequelize/TypeORM span with db.statement  <- a database span around a database span: the inner one
 *   │  └─ pg.query SELECT ...                       is the call, the outer a wrapper
 *   ├─ CURSOR: SELECT | FETCH FORWARD 100 FROM c <- more rows of one result: not a call
 *   ├─ prepare: SELECT ... (driver instrumentation)  <- compiling a statement, not running it: not a call
 *   ├─ SELECT blog.db (SQLAlchemy's span)        <- one execution recorded twice, by the ORM's and the driver's
 *   └─ SELECT (sqlite3 / psycopg DB-API span)       instrumentation, as siblings: one call (dropDoubles)
 *
 * Not calls either: cached spans, transaction control and pings (sql-shape.ts). Failed calls are kept but
 * flagged: a retry is the same statement after a failure, and groups count only calls that succeeded.
 */
export interface Call {
  span: SpanRecord;
  key: StatementKey;
  /** Span id of the grouping parent (or the request's id when the request span never arrived). */
  parentId: string;
  failed: boolean;
  startMs: number;
  endMs: number;
  durationMs: number;
}

const CURSOR_SPAN = /^cursor\b|\.(fetch(many|one|all|row)?|forward|__anext__)$|^fetch(many|one|all)?$/i;
/** Driver spans for statement preparation (better-sqlite3 and JDBC-style plugins): the execution follows. */
const PREPARE_SPAN = /^prepare(d?statement)?\b/i;

/** The statement key of a span's database call, from its attributes. */
export function spanStatementKey(span: SpanRecord): StatementKey | null {
  return span.db === null ? null : statementKey(span.db, span.http?.path ?? null, span.name);
}

/**
 * How spans are keyed: from their attributes (the default), or as recorded when a stored sample is judged
 * again (sample-trace.ts), whose statements are already normalized and whose attributes are gone.
 */
export interface SpanKeys {
  /** The span's statement key, call or not (explain names cached groups by it). */
  statement(span: SpanRecord): StatementKey | null;
  /** The key when the span is a database call the detectors count, else null. */
  call(span: SpanRecord): StatementKey | null;
}

/** The key when the span is a call the detectors count: not cached, not control or cursor, not a prepare. */
export function callKey(span: SpanRecord): StatementKey | null {
  if (span.db === null || span.cached) return null;
  const key = spanStatementKey(span);
  if (!key || key.op === "control" || key.op === "cursor") return null;
  if (span.db.operation?.toLowerCase() === "prepare") return null;
  return CURSOR_SPAN.test(span.name) || PREPARE_SPAN.test(span.name) ? null : key;
}

/** Loop bodies are named once per loop, not per item; digits are folded for names like "render post 42". */
const loopName = (name: string) => name.replace(/\d+/g, "#");

/**
 * One execution recorded twice: `opentelemetry-bootstrap` installs the ORM's instrumentation (SQLAlchemy's spans
 * the cursor execute) and the driver's (sqlite3, psycopg: DB-API spans the same execute), and neither makes its
 * span current, so the two are siblings, the driver's inside the ORM's time, with the same statement under
 * another scope. The driver's is dropped, each outer span absorbing at most one inner one (the tightest fit);
 * the ORM's is kept,
 * since its scope names the ORM.
 */
function dropDoubles(keys: Map<SpanRecord, StatementKey>): void {
  const slots = new Map<string, SpanRecord[]>();
  for (const [span, key] of keys) {
    const slot = `${span.parentSpanId}\u0000${key.canonical}`;
    const spans = slots.get(slot);
    if (spans) spans.push(span);
    else slots.set(slot, [span]);
  }
  for (const spans of slots.values()) {
    if (spans.length < 2) continue;
    spans.sort((a, b) => a.startMs - b.startMs || b.endMs - a.endMs);
    let open: SpanRecord[] = [];
    for (const span of spans) {
      open = open.filter((o) => o.endMs >= span.startMs);
      // the tightest outer span: under asyncio many executions overlap, and a looser one may be another's
      let outer = -1;
      open.forEach((o, i) => {
        const fits = o.scope.name !== span.scope.name && span.endMs <= o.endMs;
        if (fits && (outer < 0 || o.endMs < (open[outer] as SpanRecord).endMs)) outer = i;
      });
      if (outer >= 0) {
        keys.delete(span);
        open.splice(outer, 1);
      } else open.push(span);
    }
  }
}

export const ATTRIBUTE_KEYS: SpanKeys = { statement: spanStatementKey, call: callKey };

export function collectCalls(view: TraceView, request: Request, keyOf = callKey): Call[] {
  const inRequest = (s: SpanRecord | undefined): s is SpanRecord => view.inRequest(s, request);
  const keys = new Map<SpanRecord, StatementKey>();
  for (const span of request.spans) {
    const key = keyOf(span);
    if (key) keys.set(span, key);
  }
  if (keys.size === 0) return [];
  // A database span with a database span below it is an ORM wrapper; the innermost one is the real call.
  for (const span of [...keys.keys()]) {
    for (let p = view.parent(span), d = 0; inRequest(p) && d < 64; p = view.parent(p), d++) keys.delete(p);
  }
  dropDoubles(keys);
  // Calls below each span, to recognise single-call wrappers.
  const below = new Map<SpanRecord, number>();
  for (const span of keys.keys()) {
    for (let p = view.parent(span), d = 0; inRequest(p) && d < 64; p = view.parent(p), d++)
      below.set(p, (below.get(p) ?? 0) + 1);
  }
  const loopBody = new Map<SpanRecord, boolean>();
  const isLoopBody = (span: SpanRecord): boolean => {
    let known = loopBody.get(span);
    if (known === undefined) {
      const name = loopName(span.name);
      const siblings = span.parentSpanId === null ? [] : (view.children.get(span.parentSpanId) ?? []);
      let same = 0;
      for (const s of siblings) if (loopName(s.name) === name && ++same >= 2) break;
      known = same >= 2;
      loopBody.set(span, known);
    }
    return known;
  };

  const calls: Call[] = [];
  for (const [span, key] of keys) {
    let p = view.parent(span);
    for (let d = 0; inRequest(p) && p !== request.root && d < 64; d++) {
      if ((below.get(p) ?? 0) > 1 && !isLoopBody(p)) break;
      p = view.parent(p);
    }
    calls.push({
      span,
      key,
      parentId: inRequest(p) ? p.spanId : request.id,
      failed: span.status === "error",
      startMs: span.startMs,
      endMs: span.endMs,
      durationMs: spanDurationMs(span),
    });
  }
  return calls.sort((a, b) => a.startMs - b.startMs || a.endMs - b.endMs);
}
