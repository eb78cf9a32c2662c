/**
 * The service's one logger: JSON lines with levels (pino), honouring LOG_LEVEL. Human-facing output (the start-up
 * banner, the CLI's reports) is printed as text elsewhere; everything an operator greps or ships to a log store
 * goes through here. Secrets (ingest keys, tokens, alert URLs) are never passed to it.
 */
import { pino } from "pino";

export type LogLevel = "debug" | "info" | "warn" | "error";

export const log = pino({
  name: "n1radar",
  // Until the settings are read (setLogLevel), LOG_LEVEL as given, else info; tests run at warn unless asked.
  level: process.env.LOG_LEVEL ?? (process.env.VITEST ? "warn" : "info"),
  base: undefined,
  timestamp: pino.stdTimeFunctions.isoTime,
  formatters: { level: (label) => ({ level: label }) },
});

export function setLogLevel(level: LogLevel): void {
  log.level = level;
}
