/**
 * Settings from environment variables, parsed once at start-up. A bad value stops the process with a message
 * naming the variable, never a stack trace. The README's settings table mirrors this file.
 */

import { dashboardDir } from "@n1radar/dashboard";
import { defaultRetention } from "@n1radar/db";
import { defaultAssemblerSettings, defaultDetectorSettings } from "@n1radar/detector";
import { z } from "zod";
import type { AccessSettings } from "./access/access.js";
import { accessEnvShape, parseAccessSettings, SECRET_SETTINGS } from "./access/settings.js";
import { type AlertConfig, alertEnvShape, parseAlertConfig } from "./alerts/settings.js";
import {
  type DetectorFile,
  detectorSettings,
  ignoreRulesSchema,
  jsonText,
  readRulesFile,
  serviceOverridesSchema,
} from "./detector-settings.js";
import type { ServiceSettings } from "./service.js";

const port = (fallback: number) => z.coerce.number().int().min(1).max(65535).default(fallback);
const positiveInt = (fallback: number) => z.coerce.number().int().positive().default(fallback);

/** `*` (any origin), `none`, or a comma list of origins such as `https://app.example.com`. */
const corsOrigins = z
  .string()
  .default("*")
  .transform((value, ctx): "*" | string[] => {
    const v = value.trim();
    if (v === "*") return "*";
    if (v.toLowerCase() === "none") return [];
    const list = v.split(",").map((o) => o.trim());
    for (const origin of list) {
      let ok = false;
      try {
        ok = new URL(origin).origin === origin;
      } catch {}
      if (!ok)
        ctx.addIssue({
          code: "custom",
          message: `${JSON.stringify(origin)} is not an origin like https://app.example.com (or use * or none)`,
        });
    }
    return list;
  });

/** Comma list of keys; header-safe (visible ASCII, no spaces) so they survive HTTP headers and gRPC metadata. */
const ingestKeys = z
  .string()
  .default("")
  .transform((value, ctx) => {
    const keys = value
      .split(",")
      .map((k) => k.trim())
      .filter((k) => k !== "");
    if (keys.some((k) => !/^[\x21-\x7e]+$/.test(k))) {
      ctx.addIssue({
        code: "custom",
        message: "keys must be visible ASCII without spaces, separated by commas",
      });
    }
    return keys;
  });

/** A header name exporters can send and gRPC carries as text metadata (so not `-bin`, `grpc-` or reserved). */
const keyHeader = z
  .string()
  .default("authorization")
  .transform((v) => v.trim().toLowerCase())
  .refine(
    (h) =>
      /^[a-z0-9!#$%&'*+.^_`|~-]+$/.test(h) &&
      !h.endsWith("-bin") &&
      !h.startsWith("grpc-") &&
      !["content-type", "content-length", "content-encoding", "host", "te", "user-agent"].includes(h),
    { message: "expected a header name such as authorization or x-n1radar-key" },
  );

const schema = z.object({
  HOST: z.string().min(1).default("0.0.0.0"),
  PORT: port(3000),
  OTLP_HTTP_PORT: port(4318),
  OTLP_GRPC_PORT: port(4317),
  DATABASE_URL: z.string().min(1).default("./data/n1radar.db"),
  // Answer 200 / OK only once a request is on disk in the journal, and replay it after a crash (README: crash safety).
  INGEST_DURABLE: z.enum(["true", "false"]).default("false"),
  // Where the journal lives; one directory per process (replicas each need their own).
  INGEST_JOURNAL_DIR: z.string().min(1).default("./data/journal"),
  MAX_BODY_BYTES: positiveInt(16 * 1024 * 1024),
  MAX_QUEUED_SPANS: positiveInt(100_000),
  // Read deadline of one upload (an HTTP body, a gRPC message): a stalled sender cannot hold memory longer.
  UPLOAD_TIMEOUT_MS: positiveInt(30_000),
  RETRY_AFTER_SECONDS: z.coerce.number().int().min(1).max(3600).default(1),
  CORS_ORIGINS: corsOrigins,
  INGEST_KEYS: ingestKeys,
  INGEST_KEY_HEADER: keyHeader,
  // Defaults are the packages' own (detector, assembler, retention): one place for each.
  N1_MIN_REPEATS: z.coerce.number().int().min(2).default(defaultDetectorSettings.minRepeats),
  N1_MIN_WASTED_MS: z.coerce.number().min(0).default(defaultDetectorSettings.minWastedMs),
  N1_MIN_OUTER_REPEATS: z.coerce.number().int().min(2).default(defaultDetectorSettings.minOuterRepeats),
  N1_PARALLEL_RATIO: z.coerce.number().min(0).max(1).default(defaultDetectorSettings.parallelRatio),
  N1_MAX_SAMPLE_SPANS: z.coerce
    .number()
    .int()
    .min(1)
    .max(10_000)
    .default(defaultDetectorSettings.maxSampleSpans),
  // JSON, e.g. {"batch-worker":{"minRepeats":20}} and [{"endpoint":"GET /admin/*"}] (detector-settings.ts).
  N1_SERVICE_OVERRIDES: jsonText(serviceOverridesSchema).optional(),
  N1_IGNORE: jsonText(ignoreRulesSchema).optional(),
  // The rules file `n1radar ci/analyze --config` reads too: one set of thresholds and ignore rules for CI and here.
  N1_RULES_FILE: z.string().optional(),
  MAX_OPEN_SPANS: positiveInt(defaultAssemblerSettings.maxOpenSpans),
  // How long spans wait for their request span (quiet time in the trace); README says why 30 s.
  TRACE_WAIT_MS: positiveInt(defaultAssemblerSettings.waitMs),
  // After a request span arrives, how long its queries may still come (out-of-order batches); 0: judge at once.
  TRACE_GRACE_MS: z.coerce.number().int().min(0).max(10_000).default(defaultAssemblerSettings.graceMs),
  /** Deprecated name of TRACE_WAIT_MS, honoured when TRACE_WAIT_MS is unset. */
  TRACE_IDLE_MS: z.coerce.number().int().positive().optional(),
  FLUSH_INTERVAL_MS: positiveInt(100),
  // Worker threads running detection, guidance and store writes, sharded by trace; 0 runs them on the thread
  // that serves the API and the receivers (a heavy request then stalls both).
  PIPELINE_WORKERS: z.coerce.number().int().min(0).max(64).default(1),
  // SIGTERM/SIGINT: the longest the drain (judge, write, finish deliveries) may take before the process exits.
  SHUTDOWN_TIMEOUT_MS: positiveInt(10_000),
  MAX_OPEN_TRACES: positiveInt(defaultAssemblerSettings.maxOpenTraces),
  MAX_SPANS_PER_TRACE: positiveInt(defaultAssemblerSettings.maxSpansPerTrace),
  // Retention (packages/db retention.ts): days kept; 0 keeps forever.
  RETAIN_HISTORY_DAYS: z.coerce.number().int().min(0).default(defaultRetention.historyDays),
  RETAIN_CLOSED_DAYS: z.coerce.number().int().min(0).default(defaultRetention.closedOffenderDays),
  RETAIN_ALERTS_DAYS: z.coerce.number().int().min(0).default(defaultRetention.deliveryDays),
  LOG_LEVEL: z.enum(["debug", "info", "warn", "error"]).default("info"),
  // Dashboard links to the team's trace viewer (Jaeger, Tempo, ...); http(s) only, so it cannot run script.
  TRACE_URL_TEMPLATE: z
    .string()
    .refine(
      (v) => v.includes("{traceId}") && /^https?:\/\//i.test(v),
      "expected an http(s) URL containing {traceId}, e.g. http://localhost:16686/trace/{traceId}",
    )
    .optional(),
  ...alertEnvShape,
  ...accessEnvShape,
});

/** Every variable the server reads (the README's settings tables document each: settings-docs.test.ts). */
export const SETTING_NAMES: readonly string[] = Object.keys(schema.shape);

export type Config = z.infer<typeof schema> & {
  alerts: AlertConfig;
  access: AccessSettings;
  /** N1_RULES_FILE, read and checked; null when unset. */
  rules: DetectorFile | null;
};

export class ConfigError extends Error {}

export function parseConfig(env: Record<string, string | undefined>): Config {
  // Empty strings mean "unset", as in most shells' `VAR= cmd`.
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ""));
  const result = schema.safeParse(cleaned);
  if (result.success) {
    const config = result.data;
    if (cleaned.TRACE_WAIT_MS === undefined && config.TRACE_IDLE_MS !== undefined)
      config.TRACE_WAIT_MS = config.TRACE_IDLE_MS;
    const ports = [config.PORT, config.OTLP_HTTP_PORT, config.OTLP_GRPC_PORT];
    if (new Set(ports).size !== ports.length) {
      throw new ConfigError("PORT, OTLP_HTTP_PORT and OTLP_GRPC_PORT must differ");
    }
    const alerts = parseAlertConfig(config);
    if ("error" in alerts) throw new ConfigError(alerts.error);
    const access = parseAccessSettings(config);
    if ("error" in access) throw new ConfigError(access.error);
    let rules: DetectorFile | null = null;
    if (config.N1_RULES_FILE !== undefined) {
      try {
        rules = readRulesFile(config.N1_RULES_FILE);
      } catch (error) {
        throw new ConfigError(`N1_RULES_FILE: ${(error as Error).message}`);
      }
    }
    return { ...config, alerts, access, rules };
  }
  const lines = result.error.issues.map((issue) => {
    const name = issue.path.join(".");
    const value = SECRET_SETTINGS.has(name) ? "(hidden)" : JSON.stringify(env[name] ?? "");
    return `  ${name}=${value}: ${issue.message}`;
  });
  throw new ConfigError(`Invalid settings:\n${lines.join("\n")}`);
}

/**
 * The detector's settings: the N1_* variables, then the rules file over them (its thresholds and its service
 * overrides win; its ignore rules are added to N1_IGNORE's).
 */
export function detectorSettingsOf(config: Config) {
  // Acknowledgements are the CI gate's (n1radar ci); the server's workflow has its own statuses.
  const {
    serviceOverrides,
    endpointOverrides,
    ignore,
    acknowledgements: _,
    ...thresholds
  } = config.rules ?? {};
  return detectorSettings(
    {
      minRepeats: config.N1_MIN_REPEATS,
      minWastedMs: config.N1_MIN_WASTED_MS,
      minOuterRepeats: config.N1_MIN_OUTER_REPEATS,
      parallelRatio: config.N1_PARALLEL_RATIO,
      maxSampleSpans: config.N1_MAX_SAMPLE_SPANS,
      ...Object.fromEntries(Object.entries(thresholds).filter(([, v]) => v !== undefined)),
    },
    { ...config.N1_SERVICE_OVERRIDES, ...serviceOverrides },
    [...(config.N1_IGNORE ?? []), ...(ignore ?? [])],
    endpointOverrides,
  );
}

/** What `npm start` runs: the service's settings from the parsed environment. */
export function serviceSettings(config: Config): ServiceSettings {
  return {
    host: config.HOST,
    ports: { api: config.PORT, otlpHttp: config.OTLP_HTTP_PORT, otlpGrpc: config.OTLP_GRPC_PORT },
    databaseUrl: config.DATABASE_URL,
    ...(config.INGEST_DURABLE === "true" ? { durable: { journalDir: config.INGEST_JOURNAL_DIR } } : {}),
    detector: detectorSettingsOf(config),
    assembler: {
      waitMs: config.TRACE_WAIT_MS,
      graceMs: config.TRACE_GRACE_MS,
      maxOpenTraces: config.MAX_OPEN_TRACES,
      maxSpansPerTrace: config.MAX_SPANS_PER_TRACE,
      maxOpenSpans: config.MAX_OPEN_SPANS,
    },
    maxBodyBytes: config.MAX_BODY_BYTES,
    maxQueuedSpans: config.MAX_QUEUED_SPANS,
    uploadTimeoutMs: config.UPLOAD_TIMEOUT_MS,
    retryAfterSeconds: config.RETRY_AFTER_SECONDS,
    corsOrigins: config.CORS_ORIGINS,
    ingestKeys: config.INGEST_KEYS,
    ingestKeyHeader: config.INGEST_KEY_HEADER,
    flushIntervalMs: config.FLUSH_INTERVAL_MS,
    pipelineWorkers: config.PIPELINE_WORKERS,
    dashboardDir,
    traceUrlTemplate: config.TRACE_URL_TEMPLATE ?? null,
    otlpHttpPort: config.OTLP_HTTP_PORT,
    alerts: config.alerts,
    access: config.access,
    acknowledgements: config.rules?.acknowledgements ?? [],
    retention: {
      historyDays: config.RETAIN_HISTORY_DAYS,
      closedOffenderDays: config.RETAIN_CLOSED_DAYS,
      deliveryDays: config.RETAIN_ALERTS_DAYS,
    },
  };
}
