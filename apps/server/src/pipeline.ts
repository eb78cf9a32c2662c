import type { SpanRecord } from "@n1radar/core";
import { type Db, type FindingToRecord, recordFindings } from "@n1radar/db";
import {
  type AssemblerSettings,
  type DetectorSettings,
  detectNPlusOne,
  offenderId,
  TraceAssembler,
} from "@n1radar/detector";
import { guidanceFor } from "@n1radar/guidance";

/**
 * The in-process pipeline: accepted spans -> trace assembly -> detector -> guidance -> store.
 * Everything here is synchronous and small; the receivers call `accept`, a timer calls `tick`.
 */
export interface PipelineOptions {
  db: Db;
  detector: DetectorSettings;
  assembler: AssemblerSettings;
  now?: () => number;
}

export interface PipelineStats {
  spansAccepted: number;
  tracesJudged: number;
  findingsRecorded: number;
}

export class Pipeline {
  private readonly assembler: TraceAssembler;
  private readonly now: () => number;
  private readonly counters: PipelineStats = { spansAccepted: 0, tracesJudged: 0, findingsRecorded: 0 };

  constructor(private readonly options: PipelineOptions) {
    this.assembler = new TraceAssembler(options.assembler);
    this.now = options.now ?? Date.now;
  }

  accept(spans: readonly SpanRecord[]): void {
    this.counters.spansAccepted += spans.length;
    this.judge(this.assembler.add(spans, this.now()));
  }

  /** Judges traces that went idle; called periodically. */
  tick(): void {
    this.judge(this.assembler.takeIdle(this.now()));
  }

  /** Judges everything still open: called on shutdown so nothing accepted is lost. */
  drain(): void {
    this.judge(this.assembler.takeAll());
  }

  stats(): PipelineStats & ReturnType<TraceAssembler["stats"]> {
    return { ...this.counters, ...this.assembler.stats() };
  }

  private judge(traces: SpanRecord[][]): void {
    if (traces.length === 0) return;
    const batch: FindingToRecord[] = [];
    for (const spans of traces) {
      this.counters.tracesJudged++;
      for (const finding of detectNPlusOne(spans, this.options.detector)) {
        batch.push({ offenderId: offenderId(finding), finding, guidance: guidanceFor(finding) });
      }
    }
    recordFindings(this.options.db, batch);
    this.counters.findingsRecorded += batch.length;
  }
}
