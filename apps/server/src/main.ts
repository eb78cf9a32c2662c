#!/usr/bin/env node
/**
 * Starts n1radar (`npm start`): the settings from the environment, the service, and the process's signals. The
 * banner is text for the person who ran it; everything else is a JSON log line (log.ts).
 */
import { accessNotice } from "./access/settings.js";
import { type Config, ConfigError, parseConfig, serviceSettings } from "./config.js";
import { log, setLogLevel } from "./log.js";
import { createService } from "./service.js";
import { startupBanner } from "./startup-banner.js";

function loadConfig(): Config {
  try {
    return parseConfig(process.env);
  } catch (error) {
    if (error instanceof ConfigError) {
      // A person is reading this: the message as text, each bad variable on its own line.
      console.error(`n1radar: ${error.message}`);
      process.exit(1);
    }
    throw error;
  }
}

const config = loadConfig();
setLogLevel(config.LOG_LEVEL);
if (config.TRACE_IDLE_MS !== undefined)
  log.warn("TRACE_IDLE_MS is deprecated; set TRACE_WAIT_MS (see the README's settings)");
const service = createService(serviceSettings(config));
try {
  await service.start();
} catch (error) {
  console.error(`n1radar: ${(error as Error).message}`);
  process.exit(1);
}
console.log(startupBanner(config));
// On stderr, where it is seen even when stdout goes to a log store; loud when nothing guards the dashboard.
const access = accessNotice(config.access, config.PORT);
console.error(access.text);
log.info(
  {
    ports: { api: config.PORT, otlpHttp: config.OTLP_HTTP_PORT, otlpGrpc: config.OTLP_GRPC_PORT },
    // Names and types only: destination URLs and secrets are never logged.
    alerts: config.alerts.destinations.map((d) => `${d.name} (${d.type})`),
  },
  "started",
);

let stopping = false;
const stop = (signal: string) => {
  if (stopping) return;
  stopping = true;
  log.info({ signal }, "stopping: refusing new uploads, judging and writing what was accepted");
  // Past SHUTDOWN_TIMEOUT_MS the process exits anyway: an orchestrator's SIGKILL would come soon after.
  setTimeout(() => {
    log.error({ timeoutMs: config.SHUTDOWN_TIMEOUT_MS }, "not stopped within SHUTDOWN_TIMEOUT_MS, exiting");
    process.exit(1);
  }, config.SHUTDOWN_TIMEOUT_MS).unref();
  service.stop().then(
    () => {
      log.info("stopped");
      log.flush();
      process.exit(0);
    },
    (error: unknown) => {
      log.error({ err: error }, "stopping failed");
      process.exit(1);
    },
  );
};
process.on("SIGINT", () => stop("SIGINT"));
process.on("SIGTERM", () => stop("SIGTERM"));
