import type { Finding, SpanRecord } from "@n1radar/core";
import { type Db, recordDeltas } from "@n1radar/db";
import {
  type AssemblerSettings,
  type DetectorSettings,
  detect,
  FindingAccumulator,
  TraceAssembler,
} from "@n1radar/detector";
import { guidanceFor } from "@n1radar/guidance";

/**
 * The in-process pipeline: accepted spans -> trace assembly -> detector -> per-offender accumulation -> store.
 * Findings are folded in memory and written once per offender per flush, so the write cost follows the number
 * of distinct offenders, not the traffic. A crash can lose at most one flush interval of findings; a clean stop
 * loses nothing (`drain`).
 */
export interface PipelineOptions {
  db: Db;
  detector: DetectorSettings;
  assembler: AssemblerSettings;
  /** Longest time a finding waits in memory before it is written. */
  flushIntervalMs: number;
  now?: () => number;
  /** Drops findings the team ignored from the dashboard (ignore rules in the DB); asked once per finding. */
  isIgnored?: (finding: Finding) => boolean;
  /** Told after each flush that wrote offenders, with how many: the dashboard's live updates. */
  onFlush?: (offenders: number) => void;
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
  private lastFlush: number;
  private readonly counters: PipelineStats = { spansAccepted: 0, tracesJudged: 0, findings: 0, flushes: 0 };

  constructor(private readonly options: PipelineOptions) {
    this.assembler = new TraceAssembler(options.assembler);
    this.now = options.now ?? Date.now;
    this.lastFlush = this.now();
  }

  accept(spans: readonly SpanRecord[]): void {
    this.counters.spansAccepted += spans.length;
    this.judge(this.assembler.add(spans, this.now()));
  }

  /** Judges traces that went idle and writes findings when the flush interval has passed; called on a timer. */
  tick(): void {
    const now = this.now();
    this.judge(this.assembler.takeIdle(now));
    if (now - this.lastFlush >= this.options.flushIntervalMs) this.flush();
  }

  /** Judges everything still open and writes it: called on shutdown so nothing accepted is lost. */
  drain(): void {
    this.judge(this.assembler.takeAll());
    this.flush();
  }

  flush(): void {
    this.lastFlush = this.now();
    if (this.accumulator.size === 0) return;
    const writes = this.accumulator.drain().map((delta) => ({ delta, guidance: guidanceFor(delta.sample) }));
    recordDeltas(this.options.db, writes);
    this.options.onFlush?.(writes.length);
    this.counters.flushes++;
  }

  stats(): PipelineStats & ReturnType<TraceAssembler["stats"]> {
    return { ...this.counters, ...this.assembler.stats() };
  }

  private judge(traces: SpanRecord[][]): void {
    for (const spans of traces) {
      this.counters.tracesJudged++;
      const isIgnored = this.options.isIgnored;
      // One request (released when its span arrived) or a trace's leftovers (idle, evicted, shutdown).
      const detected = detect(spans, this.options.detector);
      const findings = isIgnored ? detected.filter((f) => !isIgnored(f)) : detected;
      this.counters.findings += findings.length;
      this.accumulator.addTrace(findings);
    }
  }
}
