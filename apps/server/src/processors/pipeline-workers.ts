/**
 * The pipeline off the thread that serves sockets: detection, guidance and store writes run in worker threads,
 * so one heavy request (thousands of distinct statements) or a large write never stalls the API, the dashboard's
 * live updates or the receivers, and ingest uses more than one core.
 *
 * Spans are sharded by trace id, so every span of a trace meets the same worker's assembler and detector. Each
 * worker runs the in-process Pipeline unchanged on its own store connection (SQLite in WAL mode takes one writer
 * at a time; PostgreSQL merges concurrent writers exactly, as it does for replicas). The thread that serves
 * sockets keeps what is shared: the ignore rules (sent to the workers whenever they change), the ticks, the
 * live-update hub and the metrics (workers report their counters on every tick).
 *
 * Spans posted to a worker but not yet taken by its pipeline are bounded (IN_FLIGHT_SPANS per worker): past that
 * the ingest queue holds them, and past MAX_QUEUED_SPANS the receivers answer 503 as before. A worker that dies
 * (a bug, or memory) is logged and replaced; the spans it held are lost, as open traces are in a crash.
 */
import { Worker } from "node:worker_threads";
import type { IgnoreRule, SpanRecord } from "@n1radar/core";
import { log } from "../log.js";
import type { PipelineHandle, PipelineSnapshot } from "./pipeline.js";
import {
  EMPTY_SNAPSHOT,
  type FromWorker,
  shardOf,
  sumSnapshots,
  type ToWorker,
  type WorkerInit,
} from "./pipeline-protocol.js";

/** How long close() waits for a worker to close its store before ending it. */
const CLOSE_MS = 5_000;

/** Spans posted to one worker and not yet taken by its pipeline, at most; the ingest queue holds the rest. */
export const IN_FLIGHT_SPANS = 20_000;

export interface PipelineWorkersOptions extends Omit<WorkerInit, "ignoreRules" | "logLevel"> {
  /** Worker threads; spans are sharded among them by trace id. */
  count: number;
  ignoreRules: () => IgnoreRule[];
  onFlush?: (offenders: number) => void;
  onWrite?: (seconds: number) => void;
  onWriteError?: (error: Error) => void;
  /** Told of spans lost inside a worker (it threw on them, or died holding them): n1radar_spans_failed_total. */
  onLost?: (spans: number) => void;
  /** Called on each tick in this thread, before the workers' (the ignore-rule copy refreshes when old). */
  onTick?: () => void;
  /** The script each worker runs; the built pipeline-worker.js unless given (tests give one that crashes). */
  script?: URL;
  /** Told when the worker has room again after `full` was true: the ingest queue feeds it then. */
  onRoom?: () => void;
}

/** The worker's script: from src/ (tests run TypeScript) and from dist/ alike, the built JavaScript. */
const workerScript = new URL("../../dist/processors/pipeline-worker.js", import.meta.url);

class PipelineThread {
  worker!: Worker;
  inFlight = 0;
  /** Journal batches posted and not yet covered by a stats message (oldest first), with INGEST_DURABLE. */
  private unconfirmed: number[] = [];
  private posted = 0;
  private confirmed = 0;
  /** The worker's heldFromSeq as of its last stats message. */
  held = Number.POSITIVE_INFINITY;
  snapshot: PipelineSnapshot = { ...EMPTY_SNAPSHOT };
  /** Counters of workers that died, so the service's totals never go backwards. */
  retired: PipelineSnapshot = { ...EMPTY_SNAPSHOT };
  private readonly pending = new Map<number, { resolve: () => void; reject: (e: Error) => void }>();
  private nextId = 0;
  private closing = false;
  ready!: Promise<void>;

  constructor(
    private readonly index: number,
    private readonly init: () => WorkerInit,
    private readonly options: PipelineWorkersOptions,
  ) {
    this.spawn();
  }

  private spawn(): void {
    const worker = new Worker(this.options.script ?? workerScript, {
      workerData: this.init(),
      name: `n1radar-pipeline-${this.index}`,
    });
    this.worker = worker;
    this.ready = new Promise<void>((resolve, reject) => {
      const onMessage = (message: FromWorker) => {
        if (message.type === "ready") resolve();
        else if (message.type === "startFailed") reject(new Error(message.error));
        else this.receive(message);
      };
      worker.on("message", onMessage);
      worker.once("error", (error) => {
        reject(error);
        log.error({ err: error, worker: this.index }, "pipeline worker failed");
      });
      worker.once("exit", (code) => this.exited(worker, code));
    });
    // Unhandled here: start() awaits it; a replacement's failure is logged by the error handler above.
    this.ready.catch(() => {});
  }

  private exited(worker: Worker, code: number): void {
    const lost = new Error(`pipeline worker ${this.index} exited (code ${code})`);
    for (const { reject } of this.pending.values()) reject(lost);
    this.pending.clear();
    if (this.closing || worker !== this.worker) return;
    // Keep the counters it reported, forget what it held, and carry on with a fresh one.
    this.retired = sumSnapshots([this.retired, this.snapshot]);
    this.snapshot = { ...EMPTY_SNAPSHOT };
    if (this.inFlight > 0) this.options.onLost?.(this.inFlight);
    this.inFlight = 0;
    // What it held is lost from memory; with INGEST_DURABLE the journal still has it for the next start.
    this.unconfirmed = [];
    this.posted = 0;
    this.confirmed = 0;
    this.held = Number.POSITIVE_INFINITY;
    log.error(
      { worker: this.index, code },
      "pipeline worker exited; its open traces are lost, starting another",
    );
    this.spawn();
    this.options.onRoom?.();
  }

  private receive(message: FromWorker): void {
    switch (message.type) {
      case "taken": {
        const wasFull = this.full;
        this.inFlight -= message.spans;
        if (message.failed > 0) this.options.onLost?.(message.failed);
        if (wasFull && !this.full) this.options.onRoom?.();
        break;
      }
      case "stats":
        this.snapshot = message.stats;
        this.held = message.heldFromSeq;
        // Batches the worker had taken when it counted are in its heldFromSeq (or stored): no longer in transit.
        while (this.confirmed < message.taken && this.confirmed < this.posted) {
          this.unconfirmed.shift();
          this.confirmed++;
        }
        break;
      case "flushed":
        this.options.onFlush?.(message.offenders);
        break;
      case "wrote":
        this.options.onWrite?.(message.seconds);
        break;
      case "writeError":
        this.options.onWriteError?.(new Error(message.message));
        break;
      case "done": {
        const waiting = this.pending.get(message.id);
        this.pending.delete(message.id);
        if (message.error === undefined) waiting?.resolve();
        else waiting?.reject(new Error(message.error));
        break;
      }
    }
  }

  get full(): boolean {
    return this.inFlight >= IN_FLIGHT_SPANS;
  }

  post(message: ToWorker): void {
    this.worker.postMessage(message);
  }

  send(spans: readonly SpanRecord[], seq: number | undefined): void {
    this.inFlight += spans.length;
    this.posted++;
    this.unconfirmed.push(seq ?? Number.POSITIVE_INFINITY);
    this.post(seq === undefined ? { type: "spans", spans } : { type: "spans", spans, seq });
  }

  /** The lowest journal batch this worker may still need: in transit to it, or held by its pipeline. */
  heldFromSeq(): number {
    return Math.min(this.held, this.unconfirmed[0] ?? Number.POSITIVE_INFINITY);
  }

  /** Asks the worker to flush, drain or close, and resolves when it has. */
  request(type: "flush" | "drain" | "close"): Promise<void> {
    const id = this.nextId++;
    if (type === "close") this.closing = true;
    return new Promise<void>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.post({ type, id });
    });
  }

  /** Lets the worker close its store, then ends it; a worker that does not answer within CLOSE_MS is ended anyway. */
  async close(): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, CLOSE_MS);
    });
    try {
      await Promise.race([this.request("close"), late]);
    } catch {
      // It exited while closing: nothing more to wait for.
    } finally {
      clearTimeout(timer);
    }
    await this.worker.terminate();
  }
}

export class PipelineWorkers implements PipelineHandle {
  private readonly threads: PipelineThread[];

  constructor(private readonly options: PipelineWorkersOptions) {
    const init = (): WorkerInit => ({
      databaseUrl: options.databaseUrl,
      detector: options.detector,
      // The memory limits are the service's: each worker holds its share.
      assembler: {
        ...options.assembler,
        maxOpenTraces: Math.max(1, Math.floor(options.assembler.maxOpenTraces / options.count)),
        ...(options.assembler.maxOpenSpans === undefined
          ? {}
          : { maxOpenSpans: Math.max(1, Math.floor(options.assembler.maxOpenSpans / options.count)) }),
      },
      flushIntervalMs: options.flushIntervalMs,
      ignoreRules: options.ignoreRules(),
      logLevel: log.level,
      ...(options.journal === undefined ? {} : { journal: options.journal }),
      ...(options.storedRequests === undefined ? {} : { storedRequests: options.storedRequests }),
    });
    this.threads = Array.from({ length: options.count }, (_, i) => new PipelineThread(i, init, options));
  }

  /** Resolves when every worker has opened its store; rejects with the first one's error. */
  async started(): Promise<void> {
    try {
      await Promise.all(this.threads.map((t) => t.ready));
    } catch (error) {
      await this.close();
      throw error;
    }
  }

  /** True while any worker has IN_FLIGHT_SPANS waiting: the ingest queue then holds spans until onRoom. */
  get full(): boolean {
    return this.threads.some((t) => t.full);
  }

  accept(spans: readonly SpanRecord[], seq?: number): void {
    if (this.threads.length === 1) {
      this.threads[0]!.send(spans, seq);
      return;
    }
    const shards: SpanRecord[][] = this.threads.map(() => []);
    for (const span of spans) shards[shardOf(span.traceId, shards.length)]!.push(span);
    shards.forEach((shard, i) => {
      if (shard.length > 0) this.threads[i]!.send(shard, seq);
    });
  }

  heldFromSeq(): number {
    return Math.min(...this.threads.map((t) => t.heldFromSeq()));
  }

  tick(): void {
    this.options.onTick?.();
    for (const t of this.threads) t.post({ type: "tick" });
  }

  /** The ignore rules changed: every worker applies them from its next finding on. */
  setIgnoreRules(rules: IgnoreRule[]): void {
    for (const t of this.threads) t.post({ type: "rules", rules });
  }

  async flush(): Promise<void> {
    await Promise.all(this.threads.map((t) => t.request("flush")));
  }

  async drain(): Promise<void> {
    await Promise.all(this.threads.map((t) => t.request("drain")));
  }

  async close(): Promise<void> {
    await Promise.all(this.threads.map((t) => t.close()));
  }

  stats(): PipelineSnapshot {
    return sumSnapshots(this.threads.flatMap((t) => [t.retired, t.snapshot]));
  }
}
