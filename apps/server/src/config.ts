/**
 * Settings from environment variables, parsed once at start-up. A bad value stops the process with a message
 * naming the variable, never a stack trace. The README's settings table mirrors this file.
 */
import { z } from "zod";

const port = (fallback: number) => z.coerce.number().int().min(1).max(65535).default(fallback);
const positiveInt = (fallback: number) => z.coerce.number().int().positive().default(fallback);

const schema = z.object({
  HOST: z.string().min(1).default("0.0.0.0"),
  PORT: port(3000),
  OTLP_HTTP_PORT: port(4318),
  DATABASE_URL: z.string().min(1).default("./data/n1radar.db"),
  MAX_BODY_BYTES: positiveInt(16 * 1024 * 1024),
  N1_MIN_REPEATS: z.coerce.number().int().min(2).default(5),
  N1_MIN_WASTED_MS: z.coerce.number().min(0).default(0),
  TRACE_IDLE_MS: positiveInt(2_000),
  FLUSH_INTERVAL_MS: positiveInt(1_000),
  MAX_OPEN_TRACES: positiveInt(50_000),
  MAX_SPANS_PER_TRACE: positiveInt(10_000),
  LOG_LEVEL: z.enum(["debug", "info", "warn", "error"]).default("info"),
});

export type Config = z.infer<typeof schema>;

export class ConfigError extends Error {}

export function parseConfig(env: Record<string, string | undefined>): Config {
  // Empty strings mean "unset", as in most shells' `VAR= cmd`.
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ""));
  const result = schema.safeParse(cleaned);
  if (result.success) {
    const config = result.data;
    if (config.PORT === config.OTLP_HTTP_PORT) throw new ConfigError("PORT and OTLP_HTTP_PORT must differ");
    return config;
  }
  const lines = result.error.issues.map((issue) => {
    const name = issue.path.join(".");
    return `  ${name}=${JSON.stringify(env[name] ?? "")}: ${issue.message}`;
  });
  throw new ConfigError(`Invalid settings:\n${lines.join("\n")}`);
}
