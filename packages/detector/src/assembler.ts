import type { SpanRecord } from "@n1radar/core";
import {
  type AssemblerCounts,
  type AssemblerSettings,
  type AssemblerStats,
  defaultAssemblerSettings,
  hasOrphansWithin,
  type JudgedIds,
  type OpenTrace,
  openTrace,
  serviceIn,
  takeSubtree,
  zeroCounts,
} from "./assembler-state.js";
import { StringTable, shareStrings } from "./held-spans.js";
import { isEntrySpan } from "./trace-view.js";

/**
 * Collects spans across export requests and releases each request as soon as it can be judged, the way a
 * tail-sampling Collector holds a trace until its decision.
 *
 * A request is released when its request span arrives: a SERVER or CONSUMER span, a trace root, or a span
 * whose parent is in another service. Children end before their parent and an SDK exports spans as they end,
 * so within one service the request span comes last, often in a later export batch (the SDK's batch delay,
 * 5 s by default, plus any Collector in between); spans of other services, arriving in any order from other
 * processes, are released with their own request. Nothing here compares timestamps (services' clocks
 * disagree): only parent links and arrival.
 *
 * Spans whose request span never comes (lost, dropped, or in a service that does not send to us) wait until
 * their trace has been quiet for `waitMs`, then are released together; the detector groups them under their
 * missing parent. Quiet time rather than age: a slow request keeps sending its queries as they end.
 *
 * Judged traces are remembered, span ids only, for `waitMs` more. A span arriving later whose parent was
 * judged, in the same service, is counted in `lateSpans` and dropped, with any of its own children already
 * waiting: judging it alone would report a partial loop or count a loop twice. A request span whose children
 * were judged without it (the wait ran out, or the trace was evicted) is counted in `lateRequestSpans` and
 * dropped likewise, so a request is never judged twice as two partial ones. A span sent twice (exporter
 * retry) is counted in `duplicateSpans` and dropped.
 *
 * Memory is bounded: past `maxOpenTraces` traces or `maxOpenSpans` waiting spans, the least recently touched
 * trace is judged early (`evictedTraces`); past `maxSpansPerTrace` waiting spans in one trace, more are
 * dropped (`droppedSpans`). Remembered judged traces are bounded by the same two numbers, in traces and ids.
 * Spans left waiting share their repeated strings (held-spans.ts).
 */
export class TraceAssembler {
  // Map iteration order is insertion order; re-inserting on every touch keeps both least-recently-touched first.
  private readonly open = new Map<string, OpenTrace>();
  private readonly judged = new Map<string, JudgedIds>();
  /** Traces whose request spans wait out their grace, in order of releaseAt (now + graceMs, so insertion). */
  private readonly inGrace = new Map<string, OpenTrace>();
  private readonly settings: Required<AssemblerSettings>;
  private openSpans = 0;
  private rememberedIds = 0;
  private readonly counts: AssemblerCounts = zeroCounts();
  private readonly strings = new StringTable();

  constructor(settings: AssemblerSettings) {
    this.settings = { ...defaultAssemblerSettings, ...settings };
    if (settings.maxOpenSpans === undefined)
      this.settings.maxOpenSpans = defaultAssemblerSettings.maxOpenSpans;
  }

  /** Adds spans; returns the span sets that became ready (requests whose span arrived, evicted traces). */
  add(spans: readonly SpanRecord[], now: number): SpanRecord[][] {
    const touched = new Set<OpenTrace>();
    const added: SpanRecord[] = [];
    let last: OpenTrace | undefined;
    for (const span of spans) {
      let trace = last;
      if (trace?.id !== span.traceId) {
        trace = this.touch(span.traceId, now);
        touched.add(trace);
        last = trace;
      }
      if (trace.pending.has(span.spanId)) {
        this.counts.duplicateSpans++;
        continue;
      }
      const service = span.resource.serviceName;
      if (trace.judged.has(span.spanId)) {
        if (trace.missing?.delete(span.spanId)) {
          this.counts.lateRequestSpans++;
          trace.judged.set(span.spanId, service);
          this.dropLateChildren(trace, span);
        } else this.counts.duplicateSpans++;
        continue;
      }
      const parentService = serviceIn(trace, span.parentSpanId);
      if (!isEntrySpan(span) && parentService === service && trace.judged.has(span.parentSpanId as string)) {
        this.counts.lateSpans++;
        this.remember(trace, span.spanId, service);
        this.dropLateChildren(trace, span);
        continue;
      }
      if (trace.pending.size >= this.settings.maxSpansPerTrace) {
        this.counts.droppedSpans++;
        continue;
      }
      trace.pending.set(span.spanId, span);
      added.push(span);
      this.openSpans++;
      if (span.parentSpanId !== null) {
        const list = trace.children.get(span.parentSpanId);
        if (list) list.push(span);
        else trace.children.set(span.parentSpanId, [span]);
      }
      if (isEntrySpan(span) || span.parentSpanId === null || (parentService && parentService !== service))
        trace.waiting.push(span);
      // Its children already here are attached now; those of another service are requests of their own.
      for (const child of trace.children.get(span.spanId) ?? []) {
        if (trace.pending.get(child.spanId) !== child) continue;
        if (child.resource.serviceName !== service && !isEntrySpan(child)) trace.waiting.push(child);
      }
    }
    const ready: SpanRecord[][] = [];
    for (const trace of touched) {
      if (trace.waiting.length > 0) {
        if (this.settings.graceMs <= 0) this.releaseWaiting(trace, ready, false);
        else if (trace.releaseAt === null) {
          trace.releaseAt = now + this.settings.graceMs;
          this.inGrace.delete(trace.id); // a stale entry of an earlier OpenTrace keeps no place in the order
          this.inGrace.set(trace.id, trace);
        }
      }
      if (trace.pending.size === 0) this.settle(trace, now);
    }
    this.evictOverflow(ready, now);
    for (const span of added) {
      if (this.open.get(span.traceId)?.pending.get(span.spanId) === span) shareStrings(span, this.strings);
    }
    return ready;
  }

  /**
   * Releases the trace's request spans that arrived, unless spans of their service that started during the
   * request are still waiting for a parent nobody has sent yet: those usually belong to the request (Express's
   * request handler span ends after the response, so its queries come before the request span and their
   * parent after it). Such a request waits for them to attach, or for the trace's wait to run out (`force`).
   * Orphans that started outside the request (the service's next request in the trace) do not hold it up.
   */
  private releaseWaiting(trace: OpenTrace, ready: SpanRecord[][], force: boolean): void {
    const still: SpanRecord[] = [];
    for (const root of trace.waiting) {
      if (trace.pending.get(root.spanId) !== root) continue; // released inside an earlier request
      if (!force && hasOrphansWithin(trace, root)) {
        still.push(root);
        continue;
      }
      ready.push(this.release(trace, root));
      this.counts.releasedRequests++;
    }
    trace.waiting = still;
  }

  /** Spans of traces quiet for `waitMs` or longer, judged without their request span; old memories go. */
  takeExpired(now: number): SpanRecord[][] {
    const ready: SpanRecord[][] = [];
    // Requests whose grace ended: judged with every child that came meanwhile.
    for (const [traceId, trace] of this.inGrace) {
      if (trace.releaseAt !== null && trace.releaseAt > now) break;
      this.inGrace.delete(traceId);
      if (this.open.get(traceId) !== trace || trace.releaseAt === null) continue; // judged early meanwhile
      trace.releaseAt = null;
      this.releaseWaiting(trace, ready, false);
      if (trace.pending.size === 0) this.settle(trace, now);
    }
    for (const trace of this.open.values()) {
      if (now - trace.touchedAt < this.settings.waitMs) break;
      if (this.judgeEarly(trace, ready, now)) this.counts.timedOutTraces++;
    }
    for (const [traceId, memory] of this.judged) {
      if (now - memory.touchedAt < this.settings.waitMs) break;
      this.forget(traceId, memory);
    }
    return ready;
  }

  /** True while spans of the trace wait here (INGEST_DURABLE's watermark asks). */
  holds(traceId: string): boolean {
    return this.open.has(traceId);
  }

  /** Everything still waiting, for shutdown: nothing accepted is left unjudged. */
  takeAll(): SpanRecord[][] {
    const ready: SpanRecord[][] = [];
    for (const trace of this.open.values()) this.judgeEarly(trace, ready, 0);
    for (const [traceId, memory] of this.judged) this.forget(traceId, memory);
    this.inGrace.clear();
    return ready;
  }

  stats(): AssemblerStats {
    return {
      openTraces: this.open.size,
      openSpans: this.openSpans,
      // The map is kept least recently touched first.
      quietestTouchedAt: this.open.values().next().value?.touchedAt ?? null,
      judgedTraces: this.judged.size,
      rememberedIds: this.rememberedIds,
      ...this.counts,
    };
  }

  private touch(traceId: string, now: number): OpenTrace {
    let trace = this.open.get(traceId);
    if (trace) this.open.delete(traceId);
    else {
      const memory = this.judged.get(traceId);
      if (memory) this.judged.delete(traceId);
      trace = openTrace(traceId, now, memory);
    }
    trace.touchedAt = now;
    this.open.set(traceId, trace);
    return trace;
  }

  /** A trace with nothing left waiting keeps only its ids, for late spans. */
  private settle(trace: OpenTrace, now: number): void {
    this.open.delete(trace.id);
    if (trace.judged.size === 0) return;
    this.judged.set(trace.id, { judged: trace.judged, missing: trace.missing, touchedAt: now });
  }

  private forget(traceId: string, memory: JudgedIds): void {
    this.judged.delete(traceId);
    this.rememberedIds -= memory.judged.size;
  }

  private remember(trace: OpenTrace, spanId: string, service: string): void {
    // Ids only, bounded like the waiting spans; past the bound a late span is judged on its own later.
    if (trace.judged.has(spanId) || trace.judged.size >= this.settings.maxSpansPerTrace) return;
    trace.judged.set(spanId, service);
    this.rememberedIds++;
  }

  /** A late span's descendants that were already waiting are late too. */
  private dropLateChildren(trace: OpenTrace, span: SpanRecord): void {
    const stack = [span];
    for (let cur = stack.pop(); cur; cur = stack.pop()) {
      for (const child of trace.children.get(cur.spanId) ?? []) {
        if (trace.pending.get(child.spanId) !== child || isEntrySpan(child)) continue;
        if (child.resource.serviceName !== span.resource.serviceName) continue;
        trace.pending.delete(child.spanId);
        this.openSpans--;
        this.counts.lateSpans++;
        this.remember(trace, child.spanId, child.resource.serviceName);
        stack.push(child);
      }
      trace.children.delete(cur.spanId);
    }
  }

  /** Takes the request's waiting subtree out of the trace (assembler-state.ts), remembering its ids. */
  private release(trace: OpenTrace, root: SpanRecord): SpanRecord[] {
    const out = takeSubtree(trace, root);
    // Database calls are leaves: a late span's parent is a request, handler or wrapper span.
    for (const span of out)
      if (span.db === null) this.remember(trace, span.spanId, span.resource.serviceName);
    this.openSpans -= out.length;
    return out;
  }

  /**
   * Judges the trace now: its waiting requests as they are, then whatever is left as one set, whose missing
   * parents are remembered so that their late arrival is recognised. Returns whether anything was left.
   */
  private judgeEarly(trace: OpenTrace, ready: SpanRecord[][], now: number): boolean {
    trace.releaseAt = null;
    this.releaseWaiting(trace, ready, true);
    const leftovers = [...trace.pending.values()];
    for (const span of leftovers) {
      const service = span.resource.serviceName;
      if (span.db === null) this.remember(trace, span.spanId, service);
      const parent = span.parentSpanId;
      if (parent === null || trace.pending.has(parent) || trace.judged.has(parent)) continue;
      this.remember(trace, parent, service);
      if (!trace.judged.has(parent)) continue; // past maxSpansPerTrace ids
      trace.missing ??= new Set();
      trace.missing.add(parent);
    }
    if (leftovers.length > 0) ready.push(leftovers);
    this.openSpans -= leftovers.length;
    trace.pending.clear();
    this.settle(trace, now);
    return leftovers.length > 0;
  }

  private evictOverflow(ready: SpanRecord[][], now: number): void {
    const { maxOpenTraces, maxOpenSpans } = this.settings;
    while (this.open.size > maxOpenTraces || this.openSpans > maxOpenSpans) {
      const trace = this.open.values().next().value as OpenTrace;
      if (this.judgeEarly(trace, ready, now)) this.counts.evictedTraces++;
    }
    while (this.judged.size > 0 && (this.judged.size > maxOpenTraces || this.rememberedIds > maxOpenSpans)) {
      const [traceId, memory] = this.judged.entries().next().value as [string, JudgedIds];
      this.forget(traceId, memory);
      this.counts.forgottenTraces++;
    }
  }
}
