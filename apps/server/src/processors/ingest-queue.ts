/**
 * The bounded queue between the receivers and the pipeline. Receivers decode a request and queue its spans,
 * then answer at once; the queue feeds the pipeline in time-boxed slices on `setImmediate`, so a burst never
 * blocks the event loop for long and sockets keep being served. When the queue is full, `offer` refuses and
 * the receiver answers 503 / UNAVAILABLE: memory stays bounded and senders back off (OTLP Throttling).
 */
import type { SpanRecord } from "@n1radar/core";
import { log } from "../log.js";

export interface IngestQueueOptions {
  /** Spans held at most. A single batch larger than this is still taken when the queue is empty. */
  maxSpans: number;
  /** Longest stretch, in ms, the pipeline runs before yielding back to the event loop. */
  sliceMs?: number;
  /** How a slice is scheduled; tests pass their own to hold the queue full. */
  schedule?: (run: () => void) => void;
  /**
   * True while the pipeline takes nothing more (worker threads with enough in flight): the queue holds its spans
   * until `resume()`.
   */
  paused?: () => boolean;
}

/** A decoded request's spans, and its journal batch with INGEST_DURABLE. */
interface QueuedBatch {
  spans: SpanRecord[];
  seq: number | undefined;
}

const EMPTY: QueuedBatch = { spans: [], seq: undefined };

export class IngestQueue {
  private batches: QueuedBatch[] = [];
  private head = 0;
  private queued = 0;
  private scheduled = false;
  private readonly sliceMs: number;
  private readonly schedule: (run: () => void) => void;
  /** Spans lost because the pipeline threw on them (a bug, logged): never silently. */
  failedSpans = 0;

  constructor(
    private readonly sink: (spans: SpanRecord[], seq: number | undefined) => void,
    private readonly options: IngestQueueOptions,
  ) {
    this.sliceMs = options.sliceMs ?? 8;
    this.schedule = options.schedule ?? setImmediate;
  }

  /** Spans waiting for the pipeline. */
  get depth(): number {
    return this.queued;
  }

  get capacity(): number {
    return this.options.maxSpans;
  }

  /** True when no more spans fit; receivers check this before decoding, to refuse cheaply. */
  get full(): boolean {
    return this.queued >= this.options.maxSpans;
  }

  /**
   * Queues a decoded batch, or returns false when it does not fit. An oversized batch is admitted into an
   * empty queue, since refusing it would make it retry forever (its size is bounded by MAX_BODY_BYTES).
   */
  /** True when a batch of `spans` spans would be taken now (offer would not refuse it). */
  fits(spans: number): boolean {
    return spans === 0 || this.queued === 0 || this.queued + spans <= this.options.maxSpans;
  }

  offer(spans: SpanRecord[], seq?: number): boolean {
    if (spans.length === 0) return true;
    if (!this.fits(spans.length)) return false;
    this.batches.push({ spans, seq });
    this.queued += spans.length;
    if (!this.scheduled) {
      this.scheduled = true;
      this.schedule(this.runSlice);
    }
    return true;
  }

  /** The pipeline has room again: feeding goes on. */
  resume(): void {
    if (this.queued > 0 && !this.scheduled) {
      this.scheduled = true;
      this.schedule(this.runSlice);
    }
  }

  /** Hands everything queued to the pipeline now: used on shutdown, so an accepted span is never lost. */
  drainAll(): void {
    while (this.head < this.batches.length) this.feedNext();
    this.compact();
  }

  private readonly runSlice = (): void => {
    this.scheduled = false;
    const deadline = performance.now() + this.sliceMs;
    const paused = this.options.paused ?? (() => false);
    while (this.head < this.batches.length && performance.now() < deadline && !paused()) this.feedNext();
    this.compact();
    if (this.queued > 0 && !this.scheduled && !paused()) {
      this.scheduled = true;
      this.schedule(this.runSlice);
    }
  };

  /** INGEST_DURABLE: the lowest journal batch still queued (Infinity when none). */
  get lowestSeq(): number {
    for (let i = this.head; i < this.batches.length; i++) {
      const seq = this.batches[i]!.seq;
      if (seq !== undefined) return seq;
    }
    return Number.POSITIVE_INFINITY;
  }

  private feedNext(): void {
    const { spans, seq } = this.batches[this.head]!;
    this.batches[this.head++] = EMPTY; // release the batch for GC while the array is being consumed
    this.queued -= spans.length;
    try {
      this.sink(spans, seq);
    } catch (error) {
      this.failedSpans += spans.length;
      log.error({ err: error, spans: spans.length }, "pipeline failed on a batch of spans");
    }
  }

  private compact(): void {
    if (this.head === this.batches.length) {
      this.batches = [];
      this.head = 0;
    } else if (this.head > 1024) {
      this.batches = this.batches.slice(this.head);
      this.head = 0;
    }
  }
}
