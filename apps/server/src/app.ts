import { defaultRetention, type RetentionPolicy, type Store } from "@n1radar/db";
import type { AssemblerSettings, DetectorSettings } from "@n1radar/detector";
import { ServiceOrms } from "@n1radar/guidance";
import { Hono } from "hono";
import { requestId } from "hono/request-id";
import { type AccessSettings, installAccess, openAccess } from "./access/access.js";
import { dashboardCsp, securityHeaders } from "./access/headers.js";
import { type AlertConfig, defaultAlertConfig } from "./alerts/settings.js";
import { AlertWorker } from "./alerts/worker.js";
import { createApiApp } from "./api.js";
import type { Acknowledgement } from "./detector-settings.js";
import { LiveHub } from "./exporters/live-updates.js";
import { IgnoreRuleCache } from "./ignore-rules.js";
import { log } from "./log.js";
import { Metrics, PROMETHEUS_CONTENT_TYPE } from "./metrics.js";
import { IngestQueue } from "./processors/ingest-queue.js";
import { IngestStats } from "./processors/ingest-stats.js";
import { Pipeline, type PipelineHandle } from "./processors/pipeline.js";
import { PipelineWorkers } from "./processors/pipeline-workers.js";
import { Pruner } from "./pruner.js";
import { readiness } from "./readiness.js";
import { createIngestKeyCheck } from "./receivers/ingest-keys.js";
import type { Journal } from "./receivers/journal.js";
import { type CorsOrigins, createOtlpHttpHandler, type RequestListener } from "./receivers/otlp-http.js";
import { observePipeline, Receiver } from "./receivers/receiver.js";
import { newUploadBudget, type UploadBudget } from "./receivers/upload-budget.js";

export interface AppDeps {
  db: Store;
  detector: DetectorSettings;
  assembler: AssemblerSettings;
  maxBodyBytes: number;
  flushIntervalMs: number;
  /** Upload bytes held at once across both receivers (MAX_UPLOAD_BYTES); default 4 * maxBodyBytes. */
  maxUploadBytes?: number;
  /** Read deadline of an upload's body or gRPC message (UPLOAD_TIMEOUT_MS); default 30 s. */
  uploadTimeoutMs?: number;
  /** What the store forgets, and when (RETAIN_*); the package's defaults when absent. */
  retention?: RetentionPolicy;
  /** Receiver settings; the defaults match config.ts. */
  maxQueuedSpans?: number;
  retryAfterSeconds?: number;
  corsOrigins?: CorsOrigins;
  ingestKeys?: readonly string[];
  ingestKeyHeader?: string;
  dashboardDir?: string;
  /** TRACE_URL_TEMPLATE, e.g. http://localhost:16686/trace/{traceId}. */
  traceUrlTemplate?: string | null;
  /** OTLP_HTTP_PORT, shown in the dashboard's setup instructions. */
  otlpHttpPort?: number;
  /** Who may use the dashboard and API (N1_AUTH_*); open (but CSRF-protected) when absent. */
  access?: AccessSettings;
  /** The rules file's acknowledgements (N1_RULES_FILE), shown on the offenders they name. */
  acknowledgements?: readonly Acknowledgement[];
  /** Alert destinations and delivery settings (ALERT_*, PUBLIC_URL); the defaults when absent. */
  alerts?: AlertConfig;
  /**
   * Runs detection, guidance and store writes in this many worker threads on their own connections to
   * `databaseUrl` (PIPELINE_WORKERS); in this thread when absent (tests driving the pipeline with a fake clock).
   */
  pipelineWorkers?: { count: number; databaseUrl: string };
  /**
   * INGEST_DURABLE: the opened ingest journal (the service replays it and releases its segments), and the requests
   * in it whose findings are already stored.
   */
  journal?: { journal: Journal; storedRequests: readonly string[] };
  now?: () => number;
}

export interface App {
  pipeline: PipelineHandle;
  /** Bounded buffer between the receivers and the pipeline; drain it before `pipeline.drain()`. */
  queue: IngestQueue;
  /** Shared by the OTLP/HTTP handler and the OTLP/gRPC server (startOtlpGrpcServer). */
  receiver: Receiver;
  /** Upload bytes in flight, shared by both receivers (pass it to startOtlpGrpcServer). */
  uploads: UploadBudget;
  /** UPLOAD_TIMEOUT_MS, for startOtlpGrpcServer. */
  uploadTimeoutMs: number;
  metrics: Metrics;
  /** Serves the API, the dashboard and /metrics (PORT). */
  api: Hono;
  /** Serves OTLP/HTTP (OTLP_HTTP_PORT): a node:http request listener. */
  otlpHttp: RequestListener;
  /** The dashboard's live-update streams; close it before closing the API server, or close() waits on them. */
  live: LiveHub;
  /** The alert outbox's worker; call `tick()` on a timer. */
  alerts: AlertWorker;
  /** Retention in the background: `start()` it with the service, `stop()` it before closing the store. */
  pruner: Pruner;
}

/**
 * Builds the whole service from its dependencies; no sockets, so tests can drive it with `app.request()`. Reads
 * what the pipeline needs from the store first (ignore rules, each service's ORM) and mirrors ALERT_DESTINATIONS.
 */
export async function createApp(deps: AppDeps): Promise<App> {
  const live = new LiveHub(deps.now);
  const ignoreRules = new IgnoreRuleCache(deps.db, deps.now);
  await ignoreRules.reload();
  // Replicas on one database tell each other what changed: each one's dashboards refresh on the others' flushes
  // and triage, and a rule created through another replica applies to this pipeline at once.
  live.relay = ({ reason, offenders }) =>
    void deps.db
      .announceChange(offenders === undefined ? { reason } : { reason, offenders })
      .catch((error: unknown) => log.warn({ err: error }, "telling the other replicas failed"));
  await deps.db.onChanges((change) => {
    if (change.reason === "rules")
      ignoreRules
        .reload()
        .catch((error: unknown) => log.error({ err: error }, "reading the ignore rules failed"));
    if (change.reason === "flush" || change.reason === "status" || change.reason === "rules")
      live.deliver({
        reason: change.reason,
        at: new Date((deps.now ?? Date.now)()).toISOString(),
        ...(change.offenders === undefined ? {} : { offenders: change.offenders }),
      });
  });
  const metrics = new Metrics();
  const alertConfig = deps.alerts ?? defaultAlertConfig();
  // ALERT_DESTINATIONS is the truth for env destinations: mirrored at start-up, secrets and all.
  await deps.db.syncEnvDestinations(
    alertConfig.destinations.map(({ name, type, url, secret, ...filter }) => ({
      name,
      type,
      url,
      secret: secret ?? null,
      filter,
    })),
    (deps.now ?? Date.now)(),
  );
  const alerts = new AlertWorker({ db: deps.db, settings: alertConfig, metrics, now: deps.now });
  const storeWrites = metrics.histogram(
    "n1radar_store_write_seconds",
    "Time of each write of findings to the store (one transaction per FLUSH_INTERVAL_MS at most)",
  );
  const onWrite = (seconds: number) => storeWrites.observe(seconds);
  const onWriteError = (error: unknown) =>
    log.error({ err: error }, "writing findings failed; they are kept for the next write");
  const onFlush = (offenders: number) => live.publish("flush", offenders);
  let pipeline: PipelineHandle;
  if (deps.pipelineWorkers && deps.pipelineWorkers.count > 0) {
    const workers = new PipelineWorkers({
      ...deps.pipelineWorkers,
      ...(deps.journal
        ? { journal: deps.journal.journal.id, storedRequests: [...deps.journal.storedRequests] }
        : {}),
      detector: deps.detector,
      assembler: deps.assembler,
      flushIntervalMs: deps.flushIntervalMs,
      ignoreRules: () => ignoreRules.current,
      onFlush,
      onWrite,
      onWriteError,
      onRoom: () => queue.resume(),
      onTick: () => ignoreRules.refreshIfStale(),
      onLost: (spans) => {
        queue.failedSpans += spans;
      },
    });
    await workers.started();
    ignoreRules.onReload = (rules) => workers.setIgnoreRules(rules);
    pipeline = workers;
  } else {
    // Each service's ORM, remembered across restarts from the ORMs stored offenders were given.
    const serviceOrms = new ServiceOrms();
    for (const stored of await deps.db.storedOrms())
      serviceOrms.rememberStored(stored.service, stored.statement, stored.guidance);
    pipeline = new Pipeline({
      onWrite,
      onWriteError,
      serviceOrms,
      db: deps.db,
      detector: deps.detector,
      assembler: deps.assembler,
      flushIntervalMs: deps.flushIntervalMs,
      now: deps.now,
      isIgnored: (finding) => ignoreRules.covers(finding),
      onFlush,
      alertThresholds: () => alerts.thresholds(),
      ...(deps.journal
        ? { journal: deps.journal.journal.id, storedRequests: new Set(deps.journal.storedRequests) }
        : {}),
    });
  }
  const ingest = new IngestStats(deps.now);
  const queue = new IngestQueue(
    (spans, seq) => {
      ingest.add(spans);
      pipeline.accept(spans, seq);
    },
    { maxSpans: deps.maxQueuedSpans ?? 100_000, paused: () => pipeline.full },
  );
  const receiver = new Receiver({
    queue,
    metrics,
    retryAfterSeconds: deps.retryAfterSeconds ?? 1,
    ...(deps.journal ? { journal: deps.journal.journal } : {}),
    keys: createIngestKeyCheck({
      keys: deps.ingestKeys ?? [],
      header: deps.ingestKeyHeader ?? "authorization",
    }),
  });
  observePipeline(metrics, pipeline, deps.now ?? Date.now);
  if (deps.journal) observeJournal(metrics, deps.journal.journal);
  const uploads = newUploadBudget(deps.maxUploadBytes ?? 4 * deps.maxBodyBytes);
  const uploadTimeoutMs = deps.uploadTimeoutMs ?? 30_000;
  metrics.observe(
    "n1radar_upload_bytes",
    "Bytes of OTLP uploads held in memory (bodies arriving or awaiting decoding), both transports",
    "gauge",
    () => uploads.usedBytes,
  );
  const access = deps.access ?? openAccess;
  // Every API answer carries X-Request-Id (a proxy's own is kept), and the log lines of that request name it.
  const api = new Hono()
    .use("*", requestId({ limitLength: 64 }))
    .use("*", securityHeaders(dashboardCsp(deps.dashboardDir)));
  // Before every route: sign-in, the probes left open, and the refusal of cross-site state changes.
  installAccess(api, access, deps.now);
  // /metrics is routed before the API app, whose dashboard catch-all would otherwise answer it.
  api
    .get("/metrics", async (c) =>
      c.body(await metrics.scrape(), 200, { "content-type": PROMETHEUS_CONTENT_TYPE }),
    )
    // Readiness for a load balancer or Kubernetes: 503 while this replica should get no traffic. Liveness is
    // /api/health, which stays 200 while the process runs.
    .get("/api/ready", async (c) => {
      const problems = await readiness(deps.db, queue, receiver);
      return problems.length === 0
        ? c.json({ status: "ready" })
        : c.json({ status: "not_ready", problems }, 503);
    })
    .route(
      "/",
      createApiApp({
        db: deps.db,
        dashboardDir: deps.dashboardDir,
        live,
        ignoreRules,
        detector: deps.detector,
        ingest,
        traceUrlTemplate: deps.traceUrlTemplate,
        otlpHttpPort: deps.otlpHttpPort,
        alerts,
        alertPolicy: alertConfig.policy,
        access,
        acknowledgements: deps.acknowledgements,
        now: deps.now,
      }),
    );
  return {
    pipeline,
    queue,
    receiver,
    metrics,
    api,
    uploads,
    uploadTimeoutMs,
    otlpHttp: createOtlpHttpHandler({
      receiver,
      maxBodyBytes: deps.maxBodyBytes,
      cors: deps.corsOrigins ?? "*",
      uploads,
      uploadTimeoutMs,
    }),
    live,
    alerts,
    pruner: new Pruner({ db: deps.db, policy: deps.retention ?? defaultRetention, metrics, now: deps.now }),
  };
}

/** INGEST_DURABLE's journal in /metrics. */
function observeJournal(metrics: Metrics, journal: Journal): void {
  metrics.observe(
    "n1radar_journal_bytes",
    "Bytes in the ingest journal (INGEST_DURABLE)",
    "gauge",
    () => journal.stats().bytes,
  );
  metrics.observe(
    "n1radar_journal_segments",
    "Segment files in the ingest journal; each goes once everything in it is judged and stored",
    "gauge",
    () => journal.stats().segments,
  );
  metrics.observe(
    "n1radar_journal_fsyncs_total",
    "Journal writes made durable (one fsync each, shared by the requests that arrived meanwhile)",
    "counter",
    () => journal.stats().fsyncs,
  );
}
