import type { Finding, SpanRecord } from "@n1radar/core";
import { type AlertThreshold, type Db, recordDeltas } from "@n1radar/db";
import {
  type AssemblerSettings,
  type DetectorSettings,
  detect,
  FindingAccumulator,
  TraceAssembler,
} from "@n1radar/detector";
import { guidanceFor, type ServiceOrms } from "@n1radar/guidance";

/**
 * The in-process pipeline: accepted spans -> trace assembly -> detector -> per-offender accumulation -> store.
 * Findings are folded in memory and written once per offender per flush, so the write cost follows the number
 * of distinct offenders, not the traffic: a finding is written as soon as it is made when nothing was written
 * for a flush interval, and otherwise with the next flush, so writes batch under load while a request's finding
 * reaches the API well within a second. A crash can lose at most one flush interval of findings; a clean stop
 * loses nothing (`drain`).
 */
export interface PipelineOptions {
  db: Db;
  detector: DetectorSettings;
  assembler: AssemblerSettings;
  /** Shortest time between two writes, and so the longest a finding waits in memory (plus one tick). */
  flushIntervalMs: number;
  now?: () => number;
  /** Drops findings the team ignored from the dashboard (ignore rules in the DB); asked once per finding. */
  isIgnored?: (finding: Finding) => boolean;
  /** Each service's ORM, learned from its findings: ambiguous statements are read in its light. */
  serviceOrms?: ServiceOrms;
  /** Told after each flush that wrote offenders, with how many: the dashboard's live updates. */
  onFlush?: (offenders: number) => void;
  /** The alert destinations' bars, read once per flush: crossing one writes a threshold alert event. */
  alertThresholds?: () => AlertThreshold[];
  /** Told how long each write to the store took, in seconds (n1radar_store_write_seconds). */
  onWrite?: (seconds: number) => void;
}

export interface PipelineStats {
  spansAccepted: number;
  tracesJudged: number;
  findings: number;
  flushes: number;
}

export class Pipeline {
  private readonly assembler: TraceAssembler;
  private readonly accumulator = new FindingAccumulator();
  private readonly now: () => number;
  /** When findings were last written; only writes count, so the first finding after a quiet spell goes at once. */
  private lastWrite = Number.NEGATIVE_INFINITY;
  private readonly counters: PipelineStats = { spansAccepted: 0, tracesJudged: 0, findings: 0, flushes: 0 };

  constructor(private readonly options: PipelineOptions) {
    this.assembler = new TraceAssembler(options.assembler);
    this.now = options.now ?? Date.now;
  }

  accept(spans: readonly SpanRecord[]): void {
    this.counters.spansAccepted += spans.length;
    const now = this.now();
    this.judge(this.assembler.add(spans, now));
    this.flushIfDue(now);
  }

  /** Judges traces whose wait for their request span ran out, and writes findings that are due; on a timer. */
  tick(): void {
    const now = this.now();
    this.judge(this.assembler.takeExpired(now));
    this.flushIfDue(now);
  }

  /** Judges everything still open and writes it: called on shutdown so nothing accepted is lost. */
  drain(): void {
    this.judge(this.assembler.takeAll());
    this.flush();
  }

  flush(): void {
    if (this.accumulator.size === 0) return;
    this.lastWrite = this.now();
    const deltas = this.accumulator.drain();
    const orms = this.options.serviceOrms;
    // Learn from the whole batch first, so an INSERT loop is read in the light of a read flushed with it.
    if (orms) for (const delta of deltas) orms.observe(delta.sample);
    const writes = deltas.map((delta) => ({ delta, guidance: guidanceFor(delta.sample, orms) }));
    const began = performance.now();
    recordDeltas(this.options.db, writes, {
      alertThresholds: this.options.alertThresholds?.(),
      nowMs: this.now(),
    });
    this.options.onWrite?.((performance.now() - began) / 1000);
    this.options.onFlush?.(writes.length);
    this.counters.flushes++;
  }

  stats(): PipelineStats & ReturnType<TraceAssembler["stats"]> {
    return { ...this.counters, ...this.assembler.stats() };
  }

  private flushIfDue(now: number): void {
    if (this.accumulator.size > 0 && now - this.lastWrite >= this.options.flushIntervalMs) this.flush();
  }

  private judge(traces: SpanRecord[][]): void {
    for (const spans of traces) {
      this.counters.tracesJudged++;
      const isIgnored = this.options.isIgnored;
      // One request (released when its span arrived) or a trace's leftovers (wait over, evicted, shutdown).
      const detected = detect(spans, this.options.detector);
      const findings = isIgnored ? detected.filter((f) => !isIgnored(f)) : detected;
      this.counters.findings += findings.length;
      this.accumulator.addTrace(findings);
    }
  }
}
