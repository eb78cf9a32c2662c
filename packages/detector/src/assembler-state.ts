import type { SpanRecord } from "@n1radar/core";
import { isEntrySpan } from "./trace-view.js";

/** Settings of the TraceAssembler (assembler.ts); the README's settings table says why the defaults. */
export interface AssemblerSettings {
  /**
   * How long a trace's spans wait for their request span, counted from the trace's latest span (ms): quiet
   * time, not age, so a slow request whose queries keep arriving is never cut in two.
   */
  waitMs: number;
  /** Traces with spans waiting; past this the least recently touched one is judged early. */
  maxOpenTraces: number;
  maxSpansPerTrace: number;
  /** Waiting spans across all traces; optional for settings written before it existed. */
  maxOpenSpans?: number;
  /**
   * How long a request stays open after its request span arrives, for children still on their way (ms): batches
   * of one trace sent by several exporter consumers, or through several Collector pipelines, arrive out of
   * order by a few hundred milliseconds. 0 judges the request the moment its span arrives.
   */
  graceMs?: number;
}

export const defaultAssemblerSettings: Required<AssemblerSettings> = {
  // The OpenTelemetry Collector's tail_sampling decision_wait: SDKs export the request span up to their batch
  // delay (5 s) after its children, and a Collector's batch processor or an exporter retry adds to that.
  waitMs: 30_000,
  maxOpenTraces: 50_000,
  maxSpansPerTrace: 10_000,
  maxOpenSpans: 500_000,
  // Covers reordering between concurrent exporters and pipeline hops while a request's finding still reaches
  // the API within half a second (grace + a 50 ms tick + a 100 ms flush).
  graceMs: 300,
};

/** What happened to spans and traces, by path; read by /metrics. */
export interface AssemblerCounts {
  /** Requests judged when their request span arrived. */
  releasedRequests: number;
  /** Traces whose spans were judged without their request span because the wait ran out. */
  timedOutTraces: number;
  /** Traces judged early to stay within maxOpenTraces / maxOpenSpans. */
  evictedTraces: number;
  /** Request spans (or other parents) that arrived after their children had been judged without them. */
  lateRequestSpans: number;
  /** Spans that arrived after their request was judged. */
  lateSpans: number;
  duplicateSpans: number;
  /** Spans past maxSpansPerTrace. */
  droppedSpans: number;
  /** Judged traces forgotten before their wait ran out, to bound the ids remembered. */
  forgottenTraces: number;
}

export function zeroCounts(): AssemblerCounts {
  return {
    releasedRequests: 0,
    timedOutTraces: 0,
    evictedTraces: 0,
    lateRequestSpans: 0,
    lateSpans: 0,
    duplicateSpans: 0,
    droppedSpans: 0,
    forgottenTraces: 0,
  };
}

export interface AssemblerStats extends AssemblerCounts {
  /** Traces with spans waiting for their request span. */
  openTraces: number;
  /** Spans waiting for their request span. */
  openSpans: number;
  /** When the quietest open trace last got a span (its wait runs out TRACE_WAIT_MS later); null when none. */
  quietestTouchedAt: number | null;
  /** Judged traces remembered (span ids only) so that late spans are recognised. */
  judgedTraces: number;
  rememberedIds: number;
}

/**
 * What a judged trace leaves behind: ids only. `judged` maps a span id to its service for the judged spans that
 * can still get children (database calls are leaf spans and are left out: they are most spans) and for the
 * parents that never came before their children were judged, which are also in `missing`.
 */
export interface JudgedIds {
  judged: Map<string, string>;
  missing: Set<string> | null;
  touchedAt: number;
}

export interface OpenTrace extends JudgedIds {
  id: string;
  pending: Map<string, SpanRecord>;
  /** parent span id -> children that arrived; entries for released spans may linger until the trace goes. */
  children: Map<string, SpanRecord[]>;
  /** Request spans that arrived but are not released yet (see releaseWaiting). */
  waiting: SpanRecord[];
  /** When the waiting requests' grace ends (graceMs after the first of them arrived); null when none waits. */
  releaseAt: number | null;
}

export function openTrace(id: string, now: number, memory?: JudgedIds): OpenTrace {
  return {
    id,
    pending: new Map(),
    children: new Map(),
    judged: memory?.judged ?? new Map(),
    missing: memory?.missing ?? null,
    waiting: [],
    releaseAt: null,
    touchedAt: now,
  };
}

/**
 * Whether spans of the request's service that started during the request wait for a parent that has not
 * arrived (request spans aside: they wait anyway). Timestamps are compared within one service only.
 */
export function hasOrphansWithin(trace: OpenTrace, request: SpanRecord): boolean {
  const service = request.resource.serviceName;
  for (const span of trace.pending.values()) {
    const parent = span.parentSpanId;
    if (span.resource.serviceName !== service || parent === null || isEntrySpan(span)) continue;
    if (trace.pending.has(parent) || trace.judged.has(parent)) continue;
    if (span.startMs >= request.startMs && span.startMs <= request.endMs) return true;
  }
  return false;
}

/** The service of a span the trace knows, waiting or already judged; undefined for an unknown or absent id. */
export function serviceIn(trace: OpenTrace, spanId: string | null): string | undefined {
  if (spanId === null) return undefined;
  return trace.pending.get(spanId)?.resource.serviceName ?? trace.judged.get(spanId);
}

/** A request's waiting subtree, down to (not into) other requests' entry spans, taken out of the trace. */
export function takeSubtree(trace: OpenTrace, root: SpanRecord): SpanRecord[] {
  const out = [root];
  for (let i = 0; i < out.length; i++) {
    const span = out[i] as SpanRecord;
    for (const child of trace.children.get(span.spanId) ?? []) {
      if (trace.pending.get(child.spanId) === child && !isEntrySpan(child)) out.push(child);
    }
  }
  for (const span of out) {
    trace.pending.delete(span.spanId);
    trace.children.delete(span.spanId);
  }
  return out;
}
