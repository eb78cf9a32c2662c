/**
 * What both OTLP transports share: decode a request, queue its spans, count everything. A transport only
 * turns bytes and headers into a call here and an N1Error into its own status code, so HTTP and gRPC agree on
 * what is accepted, what is refused and how it shows in /metrics.
 */
import { N1Error } from "@n1radar/core";
import * as otlp from "@n1radar/otlp";
import type { CounterChild, Metrics } from "../metrics.js";
import type { IngestQueue } from "../processors/ingest-queue.js";
import type { PipelineHandle } from "../processors/pipeline.js";
import type { IngestKeyCheck } from "./ingest-keys.js";
import type { Journal } from "./journal.js";

export type Transport = "http" | "grpc";
export type Encoding = "protobuf" | "json";

/** Why a whole request was refused; the `reason` label of n1radar_requests_rejected_total. */
export const REJECT_REASONS = [
  "bad_request",
  "too_large",
  "unsupported_media_type",
  "unauthorized",
  "overloaded",
  "timeout",
  "method_not_allowed",
  "not_found",
  "internal",
] as const;
export type RejectReason = (typeof REJECT_REASONS)[number];

const TRANSPORTS: readonly Transport[] = ["http", "grpc"];
/** "discarded": metrics and logs, acknowledged so SDKs exporting every signal do not log errors, then dropped. */
const OUTCOMES = ["accepted", "partial", "rejected", "discarded"] as const;

/** Decoders throw only N1Error on bad input, so anything else is a bug of ours: "internal" (500). */
export function reasonOf(error: unknown): RejectReason {
  if (!(error instanceof N1Error)) return "internal";
  const reason: string =
    error.code === "payload_too_large"
      ? "too_large"
      : error.code === "request_timeout"
        ? "timeout"
        : error.code;
  // Error codes other parts of the service may add (not_found, conflict, ...) read as a bad request here.
  return (REJECT_REASONS as readonly string[]).includes(reason) ? (reason as RejectReason) : "bad_request";
}

export interface ReceiverOptions {
  queue: IngestQueue;
  keys: IngestKeyCheck;
  metrics: Metrics;
  /** Suggested wait, sent as Retry-After / RetryInfo when the queue is full. */
  retryAfterSeconds: number;
  /** INGEST_DURABLE: each accepted request is on disk before it is answered. */
  journal?: Journal;
}

type PerTransport<K extends string> = Record<Transport, Record<K, CounterChild>>;

function children<K extends string>(
  make: (transport: Transport, key: K) => CounterChild,
  keys: readonly K[],
): PerTransport<K> {
  const out = {} as PerTransport<K>;
  for (const t of TRANSPORTS) {
    out[t] = {} as Record<K, CounterChild>;
    for (const k of keys) out[t][k] = make(t, k);
  }
  return out;
}

export class Receiver {
  readonly keys: IngestKeyCheck;
  readonly retryAfterSeconds: number;
  private readonly queue: IngestQueue;
  private readonly journal: Journal | undefined;
  private readonly spansReceived: PerTransport<Encoding>;
  private readonly requests: PerTransport<(typeof OUTCOMES)[number]>;
  private readonly requestsRejected: PerTransport<RejectReason>;
  private readonly spansInvalid: CounterChild;
  private readonly spansOverloaded: CounterChild;

  constructor(options: ReceiverOptions) {
    this.queue = options.queue;
    this.journal = options.journal;
    this.keys = options.keys;
    this.retryAfterSeconds = options.retryAfterSeconds;
    const m = options.metrics;
    const received = m.counter("n1radar_spans_received_total", "Spans accepted into the ingest queue", [
      "transport",
      "encoding",
    ]);
    this.spansReceived = children(
      (transport, encoding) => received.labels({ transport, encoding }),
      ["protobuf", "json"],
    );
    const requests = m.counter("n1radar_requests_total", "Export requests by outcome", [
      "transport",
      "outcome",
    ]);
    this.requests = children((transport, outcome) => requests.labels({ transport, outcome }), OUTCOMES);
    const rejected = m.counter(
      "n1radar_requests_rejected_total",
      "Export requests refused as a whole, by reason",
      ["transport", "reason"],
    );
    this.requestsRejected = children(
      (transport, reason) => rejected.labels({ transport, reason }),
      REJECT_REASONS,
    );
    const spansRejected = m.counter(
      "n1radar_spans_rejected_total",
      "Spans not accepted: invalid ids or fields (reported as partial success), or refused while overloaded",
      ["reason"],
    );
    this.spansInvalid = spansRejected.labels({ reason: "invalid" });
    this.spansOverloaded = spansRejected.labels({ reason: "overloaded" });
    m.observe("n1radar_queue_spans", "Spans waiting in the ingest queue", "gauge", () => this.queue.depth);
    m.observe("n1radar_queue_capacity_spans", "MAX_QUEUED_SPANS", "gauge", () => this.queue.capacity);
    m.observe(
      "n1radar_spans_failed_total",
      "Accepted spans lost because the pipeline threw on them (a bug; logged)",
      "counter",
      () => this.queue.failedSpans,
    );
  }

  overloaded(): N1Error {
    return new N1Error(
      "overloaded",
      `n1radar is saturated (${this.queue.depth} spans queued); retry in ${this.retryAfterSeconds} s`,
    );
  }

  /**
   * Set when the service begins to stop: every request from then on is refused as retryable (503 with
   * Retry-After, UNAVAILABLE), so a sender keeps its spans for another replica or the next start.
   */
  stopping = false;

  /** Refuses early, before a body is read or decoded, when nothing more fits. */
  checkCapacity(): void {
    if (this.stopping)
      throw new N1Error("overloaded", `n1radar is shutting down; retry in ${this.retryAfterSeconds} s`);
    if (this.queue.full) throw this.overloaded();
  }

  /**
   * Decodes and queues one export request, returning the partial success to report (invalid spans are
   * rejected one by one, the rest kept). Throws N1Error for a request refused as a whole; call `refused`.
   */
  async accept(body: Uint8Array, encoding: Encoding, transport: Transport): Promise<otlp.PartialSuccess> {
    this.checkCapacity();
    const result = encoding === "protobuf" ? otlp.decodeProtobufTraces(body) : otlp.decodeJsonTraces(body);
    if (!this.queue.fits(result.spans.length)) {
      this.spansOverloaded.inc(result.spans.length);
      throw this.overloaded();
    }
    // INGEST_DURABLE: the body goes to the journal (its spans decode the same way on replay), and the answer
    // waits for its fsync, shared with whatever else arrived meanwhile.
    const journaled =
      this.journal && result.spans.length > 0 ? this.journal.append(encoding, body) : undefined;
    this.queue.offer(result.spans, journaled?.seq);
    this.spansReceived[transport][encoding].inc(result.spans.length);
    if (result.rejected > 0) this.spansInvalid.inc(result.rejected);
    this.requests[transport][result.rejected > 0 ? "partial" : "accepted"].inc();
    if (journaled)
      await journaled.durable.catch((error: Error) => {
        // Judged all the same, but not acknowledged: the sender retries (at least once, never lost).
        throw new N1Error("overloaded", `${error.message}; retry in ${this.retryAfterSeconds} s`);
      });
    return otlp.partialSuccessOf(result);
  }

  /** Counts an acknowledged metrics or logs export: n1radar reads traces only. */
  discarded(transport: Transport): void {
    this.requests[transport].discarded.inc();
  }

  /** Counts a request refused as a whole and returns the reason label. */
  refused(transport: Transport, error: unknown): RejectReason {
    const reason = reasonOf(error);
    this.requests[transport].rejected.inc();
    this.requestsRejected[transport][reason].inc();
    return reason;
  }
}

/** Pipeline figures, read from `pipeline.stats()` at scrape time. */
export function observePipeline(metrics: Metrics, pipeline: PipelineHandle, now: () => number): void {
  const stat = (key: keyof ReturnType<PipelineHandle["stats"]>) => () => Number(pipeline.stats()[key] ?? 0);
  metrics.observe(
    "n1radar_pipeline_spans_total",
    "Spans handed to the detector",
    "counter",
    stat("spansAccepted"),
  );
  metrics.observe(
    "n1radar_spans_dropped_total",
    "Spans dropped past MAX_SPANS_PER_TRACE",
    "counter",
    stat("droppedSpans"),
  );
  metrics.observe(
    "n1radar_traces_evicted_total",
    "Traces judged early past MAX_OPEN_TRACES",
    "counter",
    stat("evictedTraces"),
  );
  metrics.observe(
    "n1radar_traces_judged_total",
    "Traces the detector has judged",
    "counter",
    stat("tracesJudged"),
  );
  metrics.observe(
    "n1radar_open_traces",
    "Traces held in memory awaiting their end",
    "gauge",
    stat("openTraces"),
  );
  metrics.observe("n1radar_open_spans", "Spans held in open traces", "gauge", stat("openSpans"));
  metrics.observe(
    "n1radar_open_trace_quiet_seconds",
    "How long the quietest open trace has waited for a span (judged without its request span at TRACE_WAIT_MS)",
    "gauge",
    () => {
      const touched = pipeline.stats().quietestTouchedAt;
      return touched === null ? 0 : Math.max(0, (now() - touched) / 1000);
    },
  );
  observeAssembly(metrics, pipeline);
  metrics.observe(
    "n1radar_findings_total",
    "N+1 findings detected (one per request that showed one)",
    "counter",
    stat("findings"),
  );
}

/** How trace assembly ended each wait (README: Self-telemetry). */
function observeAssembly(metrics: Metrics, pipeline: PipelineHandle): void {
  metrics.observeByLabel(
    "n1radar_assembly_released_total",
    "Span sets judged, by why: request_span (a request, when its span arrived), wait_expired and evicted (a trace's spans without their request span: TRACE_WAIT_MS ran out, or memory limits)",
    "counter",
    "path",
    () => {
      const s = pipeline.stats();
      return { request_span: s.releasedRequests, wait_expired: s.timedOutTraces, evicted: s.evictedTraces };
    },
  );
  metrics.observeByLabel(
    "n1radar_late_spans_total",
    "Spans dropped because what they belong to was already judged: request (a request span whose children were judged without it), child (a span whose request was judged), duplicate (sent twice)",
    "counter",
    "kind",
    () => {
      const s = pipeline.stats();
      return { request: s.lateRequestSpans, child: s.lateSpans, duplicate: s.duplicateSpans };
    },
  );
  metrics.observe(
    "n1radar_judged_traces",
    "Judged traces remembered (span ids only) to recognise late spans",
    "gauge",
    () => pipeline.stats().judgedTraces,
  );
  metrics.observe(
    "n1radar_judged_traces_forgotten_total",
    "Judged traces forgotten before TRACE_WAIT_MS to stay within MAX_OPEN_TRACES / MAX_OPEN_SPANS ids",
    "counter",
    () => pipeline.stats().forgottenTraces,
  );
}
