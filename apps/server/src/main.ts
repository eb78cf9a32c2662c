#!/usr/bin/env node
/** Starts n1radar: OTLP/HTTP receiver, detector pipeline, SQLite store, API and dashboard. */
import { type ServerType, serve } from "@hono/node-server";
import { dashboardDir } from "@n1radar/dashboard";
import { openStore } from "@n1radar/db";
import { createApp } from "./app.js";
import { type Config, ConfigError, parseConfig } from "./config.js";

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
  app: { fetch: (req: Request) => Response | Promise<Response> },
  host: string,
  port: number,
  what: string,
) {
  return new Promise<ServerType>((resolve, reject) => {
    const server = serve({ fetch: app.fetch, hostname: host, port }, () => resolve(server));
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
  const store = openStore(config.DATABASE_URL);
  const app = createApp({
    db: store.db,
    detector: {
      minRepeats: config.N1_MIN_REPEATS,
      minWastedMs: config.N1_MIN_WASTED_MS,
      maxSampleSpans: 200,
    },
    assembler: {
      idleMs: config.TRACE_IDLE_MS,
      maxOpenTraces: config.MAX_OPEN_TRACES,
      maxSpansPerTrace: config.MAX_SPANS_PER_TRACE,
    },
    maxBodyBytes: config.MAX_BODY_BYTES,
    flushIntervalMs: config.FLUSH_INTERVAL_MS,
    dashboardDir,
  });
  let servers: ServerType[] = [];
  try {
    servers = [
      await listen(app.otlpHttp, config.HOST, config.OTLP_HTTP_PORT, "OTLP/HTTP"),
      await listen(app.api, config.HOST, config.PORT, "dashboard/API"),
    ];
  } catch (error) {
    console.error(`n1radar: ${(error as Error).message}`);
    store.close();
    process.exit(1);
  }
  const ticker = setInterval(() => app.pipeline.tick(), 250);
  console.log(`n1radar: OTLP/HTTP on http://localhost:${config.OTLP_HTTP_PORT}/v1/traces`);
  console.log(`n1radar: dashboard and API on http://localhost:${config.PORT}`);
  console.log(`n1radar: database ${config.DATABASE_URL}`);

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`n1radar: ${signal} received, stopping`);
    clearInterval(ticker);
    // Stop accepting first, then judge every open trace, so what was accepted is not lost.
    await Promise.all(servers.map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
    app.pipeline.drain();
    store.close();
    console.log("n1radar: stopped");
    process.exit(0);
  };
  process.on("SIGINT", () => void stop("SIGINT"));
  process.on("SIGTERM", () => void stop("SIGTERM"));
}

await main();
