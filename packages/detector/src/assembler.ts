import type { SpanRecord } from "@n1radar/core";

/**
 * Collects each trace's spans across export requests until the trace can be judged.
 *
 * A trace is ready when its root span (no parent) has arrived, since a root ends after everything under it,
 * or when no span of it has arrived for `idleMs` (roots in another service, or lost). Memory is bounded:
 * past `maxOpenTraces` the least recently touched trace is judged early; past `maxSpansPerTrace` extra spans
 * are dropped and counted.
 */
export interface AssemblerSettings {
  idleMs: number;
  maxOpenTraces: number;
  maxSpansPerTrace: number;
}

export const defaultAssemblerSettings: AssemblerSettings = {
  idleMs: 2_000,
  maxOpenTraces: 50_000,
  maxSpansPerTrace: 10_000,
};

export interface AssemblerStats {
  openTraces: number;
  openSpans: number;
  evictedTraces: number;
  droppedSpans: number;
}

interface OpenTrace {
  spans: SpanRecord[];
  touchedAt: number;
}

export class TraceAssembler {
  // Map iteration order is insertion order; re-inserting on every touch keeps it least-recently-touched first.
  private readonly open = new Map<string, OpenTrace>();
  private openSpans = 0;
  private evicted = 0;
  private dropped = 0;

  constructor(private readonly settings: AssemblerSettings) {}

  /** Adds spans; returns the traces that became ready (root arrived, or evicted for room). */
  add(spans: readonly SpanRecord[], now: number): SpanRecord[][] {
    const rootsSeen = new Set<string>();
    for (const span of spans) {
      let trace = this.open.get(span.traceId);
      if (trace) this.open.delete(span.traceId);
      else trace = { spans: [], touchedAt: now };
      trace.touchedAt = now;
      this.open.set(span.traceId, trace);
      if (trace.spans.length >= this.settings.maxSpansPerTrace) {
        this.dropped++;
        continue;
      }
      trace.spans.push(span);
      this.openSpans++;
      if (span.parentSpanId === null) rootsSeen.add(span.traceId);
    }
    const ready: SpanRecord[][] = [];
    for (const traceId of rootsSeen) ready.push(this.take(traceId));
    while (this.open.size > this.settings.maxOpenTraces) {
      const oldest = this.open.keys().next().value as string;
      this.evicted++;
      ready.push(this.take(oldest));
    }
    return ready;
  }

  /** Traces idle for `idleMs` or longer. */
  takeIdle(now: number): SpanRecord[][] {
    const ready: SpanRecord[][] = [];
    for (const [traceId, trace] of this.open) {
      if (now - trace.touchedAt < this.settings.idleMs) break;
      ready.push(this.take(traceId));
    }
    return ready;
  }

  /** Everything still open, for shutdown: nothing accepted is left unjudged. */
  takeAll(): SpanRecord[][] {
    return [...this.open.keys()].map((traceId) => this.take(traceId));
  }

  stats(): AssemblerStats {
    return {
      openTraces: this.open.size,
      openSpans: this.openSpans,
      evictedTraces: this.evicted,
      droppedSpans: this.dropped,
    };
  }

  private take(traceId: string): SpanRecord[] {
    const trace = this.open.get(traceId);
    if (!trace) return [];
    this.open.delete(traceId);
    this.openSpans -= trace.spans.length;
    return trace.spans;
  }
}
