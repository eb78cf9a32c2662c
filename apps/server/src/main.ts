#!/usr/bin/env node
/** Starts n1radar (`npm start`): the settings from the environment, the service, and the process's signals. */
import { type Config, ConfigError, parseConfig, serviceSettings } from "./config.js";
import { createService } from "./service.js";
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

const config = loadConfig();
if (config.TRACE_IDLE_MS !== undefined)
  console.warn("n1radar: TRACE_IDLE_MS is deprecated; set TRACE_WAIT_MS (see the README's settings)");
const service = createService(serviceSettings(config));
try {
  await service.start();
} catch (error) {
  console.error(`n1radar: ${(error as Error).message}`);
  process.exit(1);
}
console.log(startupBanner(config));
// Names and types only: destination URLs and secrets are never logged.
for (const d of config.alerts.destinations) console.log(`n1radar: alerts to ${d.name} (${d.type})`);

let stopping = false;
const stop = (signal: string) => {
  if (stopping) return;
  stopping = true;
  console.log(`n1radar: ${signal} received, stopping`);
  // Past SHUTDOWN_TIMEOUT_MS the process exits anyway: an orchestrator's SIGKILL would come soon after.
  setTimeout(() => {
    console.error(
      `n1radar: not stopped within SHUTDOWN_TIMEOUT_MS (${config.SHUTDOWN_TIMEOUT_MS} ms), exiting`,
    );
    process.exit(1);
  }, config.SHUTDOWN_TIMEOUT_MS).unref();
  service.stop().then(
    () => {
      console.log("n1radar: stopped");
      process.exit(0);
    },
    (error: unknown) => {
      console.error("n1radar: stopping failed", error);
      process.exit(1);
    },
  );
};
process.on("SIGINT", () => stop("SIGINT"));
process.on("SIGTERM", () => stop("SIGTERM"));
