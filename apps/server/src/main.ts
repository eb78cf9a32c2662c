#!/usr/bin/env node
/** Starts n1radar: OTLP/HTTP and OTLP/gRPC receivers, detector pipeline, SQLite store, API and dashboard. */
import { createServer } from "node:http";
import { type ServerType, serve } from "@hono/node-server";
import { dashboardDir } from "@n1radar/dashboard";
import { openStore } from "@n1radar/db";
import { createApp } from "./app.js";
import { type Config, ConfigError, parseConfig } from "./config.js";
import { detectorSettings } from "./detector-settings.js";
import { type OtlpGrpcServer, startOtlpGrpcServer } from "./otlp-grpc.js";
import type { RequestListener } from "./otlp-http.js";
import { startupBanner } from "./startup-banner.js";

function loadConfig(): Config {
  try {
    return parseConfig(process.env);
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(`n1radar: ${error.message}`);
      process.exit(1);
    }
    throw error;
  }
}

function listen(
  app: { fetch: (req: Request) => Response | Promise<Response> } | RequestListener,
  host: string,
  port: number,
  what: string,
) {
  return new Promise<ServerType>((resolve, reject) => {
    const server: ServerType =
      typeof app === "function"
        ? createServer(app).listen(port, host, () => resolve(server))
        : serve({ fetch: app.fetch, hostname: host, port }, () => resolve(server));
    server.once("error", (error: NodeJS.ErrnoException) =>
      reject(
        new Error(
          error.code === "EADDRINUSE"
            ? `${what} port ${port} is already in use`
            : `${what}: ${error.message}`,
        ),
      ),
    );
  });
}

async function main(): Promise<void> {
  const config = loadConfig();
  if (config.TRACE_IDLE_MS !== undefined)
    console.warn("n1radar: TRACE_IDLE_MS is deprecated; set TRACE_WAIT_MS (see the README's settings)");
  const store = openStore(config.DATABASE_URL);
  const app = createApp({
    db: store.db,
    detector: detectorSettings(
      {
        minRepeats: config.N1_MIN_REPEATS,
        minWastedMs: config.N1_MIN_WASTED_MS,
        minOuterRepeats: config.N1_MIN_OUTER_REPEATS,
        parallelRatio: config.N1_PARALLEL_RATIO,
        maxSampleSpans: config.N1_MAX_SAMPLE_SPANS,
      },
      config.N1_SERVICE_OVERRIDES,
      config.N1_IGNORE,
    ),
    assembler: {
      waitMs: config.TRACE_WAIT_MS,
      maxOpenTraces: config.MAX_OPEN_TRACES,
      maxSpansPerTrace: config.MAX_SPANS_PER_TRACE,
      maxOpenSpans: config.MAX_OPEN_SPANS,
    },
    maxBodyBytes: config.MAX_BODY_BYTES,
    maxQueuedSpans: config.MAX_QUEUED_SPANS,
    retryAfterSeconds: config.RETRY_AFTER_SECONDS,
    corsOrigins: config.CORS_ORIGINS,
    ingestKeys: config.INGEST_KEYS,
    ingestKeyHeader: config.INGEST_KEY_HEADER,
    flushIntervalMs: config.FLUSH_INTERVAL_MS,
    dashboardDir,
    traceUrlTemplate: config.TRACE_URL_TEMPLATE ?? null,
    otlpHttpPort: config.OTLP_HTTP_PORT,
    alerts: config.alerts,
  });
  let servers: ServerType[] = [];
  let grpcServer: OtlpGrpcServer | undefined;
  try {
    servers = [await listen(app.otlpHttp, config.HOST, config.OTLP_HTTP_PORT, "OTLP/HTTP")];
    grpcServer = await startOtlpGrpcServer({
      receiver: app.receiver,
      host: config.HOST,
      port: config.OTLP_GRPC_PORT,
      maxMessageBytes: config.MAX_BODY_BYTES,
    }).catch((error: Error) => {
      // grpc-js reports a busy port as "No address added out of total 1 resolved".
      throw new Error(`OTLP/gRPC port ${config.OTLP_GRPC_PORT} could not be opened: ${error.message}`);
    });
    servers.push(await listen(app.api, config.HOST, config.PORT, "dashboard/API"));
  } catch (error) {
    console.error(`n1radar: ${(error as Error).message}`);
    store.close();
    process.exit(1);
  }
  // Ticks judge traces whose wait ran out and write findings that are due (FLUSH_INTERVAL_MS); a short period
  // keeps a finding's way to the API well under a second. The alert worker plans and sends on the same beat.
  const ticker = setInterval(() => {
    app.pipeline.tick();
    app.alerts.tick();
  }, 100);
  console.log(startupBanner(config));
  // Names and types only: destination URLs and secrets are never logged.
  for (const d of config.alerts.destinations) console.log(`n1radar: alerts to ${d.name} (${d.type})`);

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`n1radar: ${signal} received, stopping`);
    clearInterval(ticker);
    app.live.close(); // open dashboards' event streams would keep the API server from closing
    // Stop accepting first, then feed the queue to the pipeline and judge every open trace: a 200 (or OK)
    // means the spans will be judged.
    await Promise.all([
      grpcServer?.close(),
      ...servers.map((s) => new Promise<void>((resolve) => s.close(() => resolve()))),
    ]);
    app.queue.drainAll();
    app.pipeline.drain();
    store.close();
    console.log("n1radar: stopped");
    process.exit(0);
  };
  process.on("SIGINT", () => void stop("SIGINT"));
  process.on("SIGTERM", () => void stop("SIGTERM"));
}

await main();
