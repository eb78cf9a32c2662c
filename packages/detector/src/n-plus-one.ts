/**
 * N+1 detector: one statement repeated under one parent.
 *
 *   GET /posts                       <- request span (names the endpoint)
 *   ├─ SELECT ... FROM posts         <- source query (distinct, before the loop)
 *   ├─ SELECT ... FROM authors WHERE id = ?    ┐
 *   ├─ ORM wrapper span                        │ repeated >= minRepeats times
 *   │  └─ SELECT ... FROM authors WHERE id = ? │ (wrappers holding a single query are looked through)
 *   └─ SELECT ... FROM authors WHERE id = ?    ┘
 */

import { createHash } from "node:crypto";
import type { Finding, SampleSpan, SpanRecord } from "@n1radar/core";
import { spanDurationMs } from "@n1radar/core";
import type { DetectorSettings } from "./settings.js";
import { type StatementKey, statementKey } from "./statement.js";
import { endpointOf, TraceView } from "./trace-view.js";

interface DbSpan {
  span: SpanRecord;
  key: StatementKey;
}

export function fingerprintOf(canonical: string): string {
  return createHash("sha1").update(canonical).digest("hex").slice(0, 16);
}

/** Counts database calls in each span's subtree, so single-query wrappers can be recognised. */
function countDbDescendants(view: TraceView, dbSpans: Set<SpanRecord>): Map<string, number> {
  const counts = new Map<string, number>();
  for (const span of dbSpans) {
    const seen = new Set<string>();
    for (let cur = view.parent(span); cur && !seen.has(cur.spanId); cur = view.parent(cur)) {
      seen.add(cur.spanId); // guards against parent cycles in hostile input
      counts.set(cur.spanId, (counts.get(cur.spanId) ?? 0) + 1);
    }
  }
  return counts;
}

/** The parent a query is grouped under: its parent, skipping spans that wrap only this one query. */
function groupingParent(
  view: TraceView,
  span: SpanRecord,
  dbCounts: Map<string, number>,
): SpanRecord | undefined {
  let parent = view.parent(span);
  while (parent && (dbCounts.get(parent.spanId) ?? 0) === 1) {
    const up = view.parent(parent);
    if (!up || up.resource.serviceName !== parent.resource.serviceName) break;
    parent = up;
  }
  return parent;
}

function sampleSpans(
  view: TraceView,
  root: SpanRecord,
  repeated: Set<SpanRecord>,
  limit: number,
): SampleSpan[] {
  const out: SampleSpan[] = [];
  const queue: SpanRecord[] = [root];
  while (queue.length > 0 && out.length < limit) {
    const span = queue.shift() as SpanRecord;
    const key = span.db ? statementKey(span.db) : null;
    out.push({
      spanId: span.spanId,
      parentSpanId: span.parentSpanId,
      name: span.name,
      offsetMs: span.startMs - root.startMs,
      durationMs: spanDurationMs(span),
      statement: key?.display ?? null,
      repeated: repeated.has(span),
    });
    queue.push(...view.childrenOf(span).sort((a, b) => a.startMs - b.startMs));
  }
  return out;
}

export function detectNPlusOne(spans: readonly SpanRecord[], settings: DetectorSettings): Finding[] {
  const view = new TraceView(spans);
  const dbSpans: DbSpan[] = [];
  for (const span of spans) {
    if (!span.db || span.cached) continue;
    const key = statementKey(span.db);
    if (key) dbSpans.push({ span, key });
  }
  if (dbSpans.length < settings.minRepeats) return [];
  const dbCounts = countDbDescendants(view, new Set(dbSpans.map((d) => d.span)));

  // parent span id -> canonical statement -> calls
  const groups = new Map<SpanRecord, Map<string, DbSpan[]>>();
  for (const call of dbSpans) {
    const parent = groupingParent(view, call.span, dbCounts);
    if (!parent) continue; // a query with no parent in this trace has no request to blame
    let byStatement = groups.get(parent);
    if (!byStatement) {
      byStatement = new Map();
      groups.set(parent, byStatement);
    }
    const list = byStatement.get(call.key.canonical);
    if (list) list.push(call);
    else byStatement.set(call.key.canonical, [call]);
  }

  const findings: Finding[] = [];
  for (const [parent, byStatement] of groups) {
    for (const calls of byStatement.values()) {
      if (calls.length < settings.minRepeats) continue;
      calls.sort((a, b) => a.span.startMs - b.span.startMs);
      const totalMs = calls.reduce((sum, c) => sum + spanDurationMs(c.span), 0);
      const wastedMs = totalMs - totalMs / calls.length;
      if (wastedMs < settings.minWastedMs) continue;
      const first = calls[0] as DbSpan;
      const source = findSource(byStatement, first);
      const request = view.requestSpan(parent);
      const withCode = calls.find((c) => c.span.code)?.span.code ?? null;
      findings.push({
        kind: "n_plus_one",
        traceId: first.span.traceId,
        service: first.span.resource.serviceName,
        endpoint: endpointOf(request),
        dbSystem: first.span.db?.system ?? null,
        statement: first.key.display,
        fingerprint: fingerprintOf(first.key.canonical),
        sourceStatement: source?.key.display ?? null,
        chain: [],
        parallel: false,
        repeats: calls.length,
        totalMs,
        wastedMs,
        seenAtMs: request.startMs,
        scopeName: first.span.scope.name || null,
        sdkLanguage: first.span.resource.sdkLanguage,
        code: withCode,
        spans: sampleSpans(view, parent, new Set(calls.map((c) => c.span)), settings.maxSampleSpans),
      });
    }
  }
  return findings;
}

/**
 * The last distinct query under the same parent that began no later than the loop. Start times, not end
 * times: SDKs that stamp spans with a millisecond clock give a fast source query and the first repeat the
 * same start, and its end then falls after the repeat's start.
 */
function findSource(byStatement: Map<string, DbSpan[]>, first: DbSpan): DbSpan | undefined {
  let best: DbSpan | undefined;
  for (const [canonical, calls] of byStatement) {
    if (canonical === first.key.canonical) continue;
    for (const call of calls) {
      if (call.span.startMs <= first.span.startMs && (!best || call.span.startMs > best.span.startMs))
        best = call;
    }
  }
  return best;
}
