import type { SpanRecord } from "@n1radar/core";
import { isEntrySpan } from "./trace-view.js";

/**
 * Collects spans across export requests and releases each request as soon as it can be judged.
 *
 * A request is released when its request span arrives: a SERVER or CONSUMER span, a trace root, or a span
 * whose parent is in another service. Children end before their parent and an SDK exports spans as they end,
 * so within one service the request span comes last; spans of other services, arriving in any order from
 * other processes, are released with their own request. Nothing here compares timestamps (services' clocks
 * disagree): only parent links and arrival.
 *
 * Spans whose request span never comes (lost, dropped, or in a service that does not send to us) wait until
 * their trace has been quiet for `idleMs`, then are released together; the detector groups them under their
 * missing parent.
 *
 * Late spans: once a request is released, its span ids are kept (ids only) until the trace goes quiet. A span
 * arriving later whose parent is one of them, in the same service, is counted in `lateSpans` and dropped, with
 * any of its own children already waiting: judging it alone would report a partial loop or count a loop
 * twice. A span sent twice (exporter retry) is counted in `duplicateSpans` and dropped.
 *
 * Memory is bounded: past `maxOpenTraces` traces or `maxOpenSpans` waiting spans, the least recently touched
 * trace is released early (`evictedTraces`); past `maxSpansPerTrace` waiting spans in one trace, more are
 * dropped (`droppedSpans`).
 */
export interface AssemblerSettings {
  /** Quiet time after which a trace's waiting spans are judged without their parent (ms). */
  idleMs: number;
  maxOpenTraces: number;
  maxSpansPerTrace: number;
  /** Waiting spans across all traces; optional for settings written before it existed. */
  maxOpenSpans?: number;
}

export const defaultAssemblerSettings: Required<AssemblerSettings> = {
  idleMs: 2_000,
  maxOpenTraces: 50_000,
  maxSpansPerTrace: 10_000,
  maxOpenSpans: 500_000,
};

export interface AssemblerStats {
  /** Traces held: with spans waiting, or with released requests remembered for late spans. */
  openTraces: number;
  /** Spans waiting for their request span. */
  openSpans: number;
  evictedTraces: number;
  droppedSpans: number;
  lateSpans: number;
  duplicateSpans: number;
  /** Requests released when their request span arrived. */
  releasedRequests: number;
  /** Traces whose waiting spans were released by the idle timeout. */
  timedOutTraces: number;
}

interface OpenTrace {
  id: string;
  pending: Map<string, SpanRecord>;
  /** parent span id -> children that arrived; entries for released spans may linger until the trace goes. */
  children: Map<string, SpanRecord[]>;
  /** span id -> service, for spans already released. */
  released: Map<string, string>;
  /** Request spans that arrived but are not released yet (see releaseWaiting). */
  waiting: SpanRecord[];
  /** Waiting spans whose parent has not arrived (and is not a request span of another service). */
  dangling: Set<SpanRecord>;
  touchedAt: number;
}

function newTrace(id: string, now: number): OpenTrace {
  return {
    id,
    pending: new Map(),
    children: new Map(),
    released: new Map(),
    waiting: [],
    dangling: new Set(),
    touchedAt: now,
  };
}

export class TraceAssembler {
  // Map iteration order is insertion order; re-inserting on every touch keeps it least-recently-touched first.
  private readonly open = new Map<string, OpenTrace>();
  private readonly settings: Required<AssemblerSettings>;
  private openSpans = 0;
  private readonly counts = {
    evictedTraces: 0,
    droppedSpans: 0,
    lateSpans: 0,
    duplicateSpans: 0,
    releasedRequests: 0,
    timedOutTraces: 0,
  };

  constructor(settings: AssemblerSettings) {
    this.settings = { ...defaultAssemblerSettings, ...settings };
    if (settings.maxOpenSpans === undefined)
      this.settings.maxOpenSpans = defaultAssemblerSettings.maxOpenSpans;
  }

  /** Adds spans; returns the span sets that became ready (requests whose span arrived, evicted traces). */
  add(spans: readonly SpanRecord[], now: number): SpanRecord[][] {
    const touched = new Set<OpenTrace>();
    let last: OpenTrace | undefined;
    for (const span of spans) {
      const trace = last?.id === span.traceId ? last : this.touch(span.traceId, now);
      last = trace;
      if (trace.pending.has(span.spanId) || trace.released.has(span.spanId)) {
        this.counts.duplicateSpans++;
        continue;
      }
      const parentService = this.serviceOf(trace, span.parentSpanId);
      const service = span.resource.serviceName;
      if (
        !isEntrySpan(span) &&
        parentService === service &&
        trace.released.has(span.parentSpanId as string)
      ) {
        this.counts.lateSpans++;
        this.markReleased(trace, span);
        this.dropLateChildren(trace, span);
        continue;
      }
      if (trace.pending.size >= this.settings.maxSpansPerTrace) {
        this.counts.droppedSpans++;
        continue;
      }
      trace.pending.set(span.spanId, span);
      this.openSpans++;
      if (span.parentSpanId !== null) {
        const list = trace.children.get(span.parentSpanId);
        if (list) list.push(span);
        else trace.children.set(span.parentSpanId, [span]);
      }
      if (isEntrySpan(span) || span.parentSpanId === null || (parentService && parentService !== service))
        trace.waiting.push(span);
      else if (parentService === undefined) trace.dangling.add(span);
      // Its children already here are attached now; those of another service are requests of their own.
      for (const child of trace.children.get(span.spanId) ?? []) {
        if (trace.pending.get(child.spanId) !== child) continue;
        trace.dangling.delete(child);
        if (child.resource.serviceName !== service && !isEntrySpan(child)) trace.waiting.push(child);
      }
      if (trace.waiting.length > 0) touched.add(trace);
    }
    const ready: SpanRecord[][] = [];
    for (const trace of touched) this.releaseWaiting(trace, ready, false);
    this.evictOverflow(ready);
    return ready;
  }

  /**
   * Releases the trace's request spans that arrived, unless spans of their service are still waiting for a
   * parent nobody has sent yet: those usually belong to the request (Express's request handler span ends
   * after the response, so its queries come before the request span and their parent after it). Such a
   * request waits for them to attach, or for `idleMs` of quiet (`force`).
   */
  private releaseWaiting(trace: OpenTrace, ready: SpanRecord[][], force: boolean): void {
    const still: SpanRecord[] = [];
    for (const root of trace.waiting) {
      if (trace.pending.get(root.spanId) !== root) continue; // released inside an earlier request
      const service = root.resource.serviceName;
      if (!force && [...trace.dangling].some((s) => s.resource.serviceName === service)) {
        still.push(root);
        continue;
      }
      ready.push(this.release(trace, root));
      this.counts.releasedRequests++;
    }
    trace.waiting = still;
  }

  /** Waiting spans of traces quiet for `idleMs` or longer; their remembered requests are forgotten. */
  takeIdle(now: number): SpanRecord[][] {
    const ready: SpanRecord[][] = [];
    for (const [traceId, trace] of this.open) {
      if (now - trace.touchedAt < this.settings.idleMs) break;
      if (trace.pending.size > 0) this.counts.timedOutTraces++;
      this.drop(traceId, trace, ready);
    }
    return ready;
  }

  /** Everything still waiting, for shutdown: nothing accepted is left unjudged. */
  takeAll(): SpanRecord[][] {
    const ready: SpanRecord[][] = [];
    for (const [traceId, trace] of this.open) this.drop(traceId, trace, ready);
    return ready;
  }

  stats(): AssemblerStats {
    return { openTraces: this.open.size, openSpans: this.openSpans, ...this.counts };
  }

  private touch(traceId: string, now: number): OpenTrace {
    let trace = this.open.get(traceId);
    if (trace) this.open.delete(traceId);
    else trace = newTrace(traceId, now);
    trace.touchedAt = now;
    this.open.set(traceId, trace);
    return trace;
  }

  private serviceOf(trace: OpenTrace, spanId: string | null): string | undefined {
    if (spanId === null) return undefined;
    return trace.pending.get(spanId)?.resource.serviceName ?? trace.released.get(spanId);
  }

  private markReleased(trace: OpenTrace, span: SpanRecord): void {
    // Ids only, bounded like the waiting spans; past the bound a late span is judged on its own at timeout.
    if (trace.released.size < this.settings.maxSpansPerTrace)
      trace.released.set(span.spanId, span.resource.serviceName);
  }

  /** A late span's descendants that were already waiting are late too. */
  private dropLateChildren(trace: OpenTrace, span: SpanRecord): void {
    const stack = [span];
    for (let cur = stack.pop(); cur; cur = stack.pop()) {
      for (const child of trace.children.get(cur.spanId) ?? []) {
        if (trace.pending.get(child.spanId) !== child || isEntrySpan(child)) continue;
        if (child.resource.serviceName !== span.resource.serviceName) continue;
        trace.pending.delete(child.spanId);
        trace.dangling.delete(child);
        this.openSpans--;
        this.counts.lateSpans++;
        this.markReleased(trace, child);
        stack.push(child);
      }
      trace.children.delete(cur.spanId);
    }
  }

  /** The request's waiting subtree, down to (not into) other requests' entry spans. */
  private release(trace: OpenTrace, root: SpanRecord): SpanRecord[] {
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
      this.markReleased(trace, span);
    }
    this.openSpans -= out.length;
    return out;
  }

  /** Forgets the trace: its waiting requests are released as they are, then whatever is left as one set. */
  private drop(traceId: string, trace: OpenTrace, ready: SpanRecord[][]): void {
    this.open.delete(traceId);
    this.releaseWaiting(trace, ready, true);
    if (trace.pending.size === 0) return;
    ready.push([...trace.pending.values()]);
    this.openSpans -= trace.pending.size;
  }

  private evictOverflow(ready: SpanRecord[][]): void {
    const { maxOpenTraces, maxOpenSpans } = this.settings;
    while (this.open.size > maxOpenTraces || this.openSpans > maxOpenSpans) {
      const [traceId, trace] = this.open.entries().next().value as [string, OpenTrace];
      if (trace.pending.size > 0) this.counts.evictedTraces++;
      this.drop(traceId, trace, ready);
    }
  }
}
