import { type Finding, FindingAccumulator, type SpanRecord } from "@n1radar/core";
import type { AlertThreshold, OffenderWrite, Store } from "@n1radar/db";
import {
  type AssemblerSettings,
  type DetectorSettings,
  detect,
  offenderId,
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
 *
 * Writes are asynchronous (the store may be a network round trip away) and go one at a time: a flush that comes
 * due while a write is in flight waits for the next tick, and findings keep folding in memory meanwhile. A write
 * that fails is logged through `onWriteError` and kept, to be written first by the next flush: nothing judged is
 * dropped because the database was briefly unavailable.
 */
export interface PipelineOptions {
  db: Store;
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
  alertThresholds?: () => Promise<AlertThreshold[]>;
  /** Told how long each write to the store took, in seconds (n1radar_store_write_seconds). */
  onWrite?: (seconds: number) => void;
  /** Told when a write failed; its findings are kept and written by the next flush. */
  onWriteError?: (error: unknown) => void;
  /**
   * INGEST_DURABLE: the journal's id. Spans then come with their journal batch (`accept(spans, seq)`), each write
   * records the requests behind it (journal_requests), and `heldFromSeq()` says which batches are still needed.
   */
  journal?: string;
  /**
   * INGEST_DURABLE's replay: requests (`traceId/spanId` of the set's first span) whose findings are already stored;
   * judged again from the journal, they add nothing.
   */
  storedRequests?: ReadonlySet<string>;
}

/** One write's worth of findings, and what INGEST_DURABLE needs to know of it. */
interface WriteBatch {
  writes: OffenderWrite[];
  /** The lowest journal batch among the traces behind it (Infinity without a journal). */
  minSeq: number;
  requests: { request: string; seq: number }[];
}

export interface PipelineStats {
  spansAccepted: number;
  tracesJudged: number;
  findings: number;
  flushes: number;
}

/** Everything the pipeline counts, for /metrics. */
export type PipelineSnapshot = PipelineStats & ReturnType<TraceAssembler["stats"]>;

/**
 * What the service drives, in this thread (Pipeline) or in worker threads (PipelineWorkers): accept spans, tick,
 * flush, drain on shutdown, close, count.
 */
export interface PipelineHandle {
  /** `seq`: the spans' journal batch, with INGEST_DURABLE. */
  accept(spans: readonly SpanRecord[], seq?: number): void;
  tick(): void;
  /** Writes what is judged so far; once it resolves, stats() counts everything accepted before the call. */
  flush(): Promise<void>;
  drain(): Promise<void>;
  /** Releases what the pipeline holds (worker threads); after drain(). */
  close(): Promise<void>;
  /** From worker threads, as of their last tick (or flush). */
  stats(): PipelineSnapshot;
  /**
   * INGEST_DURABLE: the lowest journal batch whose spans are still held here, unjudged or judged and not yet
   * stored (Infinity when none); the journal keeps every batch from there on.
   */
  heldFromSeq(): number;
  /** True while the pipeline takes no more spans for now: the ingest queue holds them. */
  readonly full: boolean;
}

export class Pipeline implements PipelineHandle {
  /** In this thread, accept() takes everything at once. */
  readonly full = false;
  private readonly assembler: TraceAssembler;
  private readonly accumulator = new FindingAccumulator(offenderId);
  private readonly now: () => number;
  /** When findings were last written; only writes count, so the first finding after a quiet spell goes at once. */
  private lastWrite = Number.NEGATIVE_INFINITY;
  private readonly counters: PipelineStats = { spansAccepted: 0, tracesJudged: 0, findings: 0, flushes: 0 };
  /** The write in flight, if any: writes never overlap. */
  private writing: Promise<void> | undefined;
  /** Batches not yet stored (a failed write's stay here), written oldest first by the next flush. */
  private readonly unwritten: WriteBatch[] = [];
  /** INGEST_DURABLE: the first and last journal batch of each trace held in the assembler. */
  private readonly traceSeqs = new Map<string, { min: number; max: number }>();
  /** INGEST_DURABLE: judged since the last write: the lowest batch, and the requests with findings. */
  private judgedMinSeq = Number.POSITIVE_INFINITY;
  private judgedRequests: { request: string; seq: number }[] = [];

  constructor(private readonly options: PipelineOptions) {
    this.assembler = new TraceAssembler(options.assembler);
    this.now = options.now ?? Date.now;
  }

  accept(spans: readonly SpanRecord[], seq?: number): void {
    this.counters.spansAccepted += spans.length;
    if (seq !== undefined && this.options.journal !== undefined)
      for (const span of spans) {
        const seqs = this.traceSeqs.get(span.traceId);
        if (seqs) seqs.max = seq;
        else this.traceSeqs.set(span.traceId, { min: seq, max: seq });
      }
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

  /**
   * Judges everything still open and writes it: called on shutdown so nothing accepted is lost. Rejects when the
   * last write fails (the findings are then still held, and a later drain tries again).
   */
  async drain(): Promise<void> {
    this.judge(this.assembler.takeAll());
    await this.flush();
    if (this.unwritten.length > 0) throw new Error("findings could not be written to the store");
  }

  /** Writes everything folded so far, after any write in flight; resolves when it is stored. */
  async flush(): Promise<void> {
    while (this.writing) await this.writing;
    if (this.accumulator.size === 0 && this.unwritten.length === 0) return;
    const run = this.write();
    this.writing = run;
    try {
      await run;
    } finally {
      this.writing = undefined;
    }
  }

  private async write(): Promise<void> {
    this.lastWrite = this.now();
    const deltas = this.accumulator.drain();
    const orms = this.options.serviceOrms;
    // Learn from the whole batch first, so an INSERT loop is read in the light of a read flushed with it.
    if (orms) for (const delta of deltas) orms.observe(delta.sample);
    if (deltas.length > 0)
      this.unwritten.push({
        writes: deltas.map((delta) => ({ delta, guidance: () => guidanceFor(delta.sample, orms) })),
        minSeq: this.judgedMinSeq,
        requests: this.judgedRequests,
      });
    this.judgedMinSeq = Number.POSITIVE_INFINITY;
    this.judgedRequests = [];
    let written = 0;
    try {
      const alertThresholds = await this.options.alertThresholds?.();
      // Oldest first, each batch in its own transaction (an offender appears at most once in a batch).
      for (let batch = this.unwritten[0]; batch; batch = this.unwritten[0]) {
        const began = performance.now();
        const journal = this.options.journal;
        await this.options.db.recordDeltas(batch.writes, {
          alertThresholds,
          nowMs: this.now(),
          ...(journal === undefined ? {} : { journaled: { journal, requests: batch.requests } }),
        });
        this.options.onWrite?.((performance.now() - began) / 1000);
        this.unwritten.shift();
        written += batch.writes.length;
      }
    } catch (error) {
      this.options.onWriteError?.(error);
      return;
    } finally {
      if (written > 0) {
        this.options.onFlush?.(written);
        this.counters.flushes++;
      }
    }
  }

  async close(): Promise<void> {}

  heldFromSeq(): number {
    let min = this.judgedMinSeq;
    for (const batch of this.unwritten) min = Math.min(min, batch.minSeq);
    for (const [traceId, seqs] of this.traceSeqs) {
      // A trace that left the assembler without being judged (every span late or a duplicate) holds nothing.
      if (!this.assembler.holds(traceId)) this.traceSeqs.delete(traceId);
      else min = Math.min(min, seqs.min);
    }
    return min;
  }

  stats(): PipelineSnapshot {
    return { ...this.counters, ...this.assembler.stats() };
  }

  /** Starts a write when one is due and none is in flight; its outcome goes to onWrite / onWriteError. */
  private flushIfDue(now: number): void {
    if (this.writing) return;
    const pending = this.accumulator.size > 0 || this.unwritten.length > 0;
    if (pending && now - this.lastWrite >= this.options.flushIntervalMs)
      this.flush().catch((error: unknown) => this.options.onWriteError?.(error));
  }

  private judge(traces: SpanRecord[][]): void {
    for (const spans of traces) {
      this.counters.tracesJudged++;
      const first = spans[0];
      if (!first) continue;
      // One request (released when its span arrived) or a trace's leftovers (wait over, evicted, shutdown).
      // Evidence only for findings kept as their offender's sample (the accumulator keeps one each).
      const findings = detect(spans, this.options.detector, {
        isIgnored: this.options.isIgnored,
        wantsEvidence: (finding) => this.accumulator.keepsSample(finding),
      });
      // The request span heads a request's set; journal order decides a leftover set's first span, on replay too.
      const request = `${first.traceId}/${first.spanId}`;
      const stored = this.options.storedRequests?.has(request) === true;
      if (!stored) {
        this.counters.findings += findings.length;
        this.accumulator.addTrace(findings);
      }
      const seqs = this.traceSeqs.get(first.traceId);
      if (!seqs) continue;
      // Held until written; what is left of the trace in the assembler (other requests) still holds its batches.
      this.judgedMinSeq = Math.min(this.judgedMinSeq, seqs.min);
      if (findings.length > 0 && !stored) this.judgedRequests.push({ request, seq: seqs.max });
      if (!this.assembler.holds(first.traceId)) this.traceSeqs.delete(first.traceId);
    }
  }
}
