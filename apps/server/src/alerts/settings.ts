/**
 * Alert settings from the environment: the ALERT_* variables' schema (merged into config.ts) and the
 * destinations list, checked one by one so a bad one stops start-up with a message naming it. Messages never
 * echo a destination's URL or secret.
 */
import { readFileSync } from "node:fs";
import {
  defaultRetrySettings,
  parseAllowedTargets,
  type RetrySettings,
  type TargetPolicy,
  urlRefusal,
} from "@n1radar/alerts";
import type { DestinationSettings } from "@n1radar/core";
import { DestinationSettingsSchema } from "@n1radar/core/schemas";
import { z } from "zod";

const ms = (fallback: number) => z.coerce.number().int().min(0).default(fallback);

export const alertEnvShape = {
  ALERT_DESTINATIONS: z.string().optional(),
  ALERT_DESTINATIONS_FILE: z.string().optional(),
  ALERT_ALLOW_PRIVATE_URLS: z.enum(["true", "false"]).default("false"),
  ALERT_ALLOWED_TARGETS: z.string().default(""),
  PUBLIC_URL: z
    .string()
    .refine(
      (v) => /^https?:\/\/[^/]+/i.test(v) && URL.canParse(v),
      "expected an http(s) URL such as https://n1radar.example.com",
    )
    .optional(),
  ALERT_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(10_000),
  ALERT_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(50).default(defaultRetrySettings.maxAttempts),
  ALERT_RETRY_BASE_MS: ms(defaultRetrySettings.baseDelayMs),
  ALERT_RETRY_MAX_MS: ms(defaultRetrySettings.maxDelayMs),
  ALERT_COOLDOWN_MS: ms(30 * 60_000),
  ALERT_DIGEST_MIN: z.coerce.number().int().min(2).default(5),
  ALERT_GROUP_WAIT_MS: ms(10_000),
};

type AlertEnv = z.infer<z.ZodObject<typeof alertEnvShape>>;

export interface AlertConfig {
  destinations: DestinationSettings[];
  policy: TargetPolicy;
  publicUrl: string | null;
  timeoutMs: number;
  retry: RetrySettings;
  cooldownMs: number;
  digestMin: number;
  groupWaitMs: number;
}

/** Why one destination is not acceptable, or null: the schema, then the URL against the target policy. */
export function destinationProblem(raw: unknown, policy: TargetPolicy): string | null {
  const parsed = DestinationSettingsSchema.safeParse(raw);
  if (!parsed.success) {
    return parsed.error.issues
      .map((i) => (i.path.length > 0 ? `${i.path.join(".")}: ${i.message}` : i.message))
      .join("; ");
  }
  const refusal = urlRefusal(parsed.data.url, policy);
  return refusal ? `url ${refusal}` : null;
}

function label(raw: unknown, index: number): string {
  const name = (raw as { name?: unknown } | null)?.name;
  return typeof name === "string" && name.trim() !== ""
    ? `destination ${JSON.stringify(name)}`
    : `destination #${index + 1}`;
}

/** The parsed alert settings, or one message naming what is wrong. */
export function parseAlertConfig(env: AlertEnv): AlertConfig | { error: string } {
  const allowed = parseAllowedTargets(env.ALERT_ALLOWED_TARGETS);
  if ("error" in allowed) return { error: `ALERT_ALLOWED_TARGETS: ${allowed.error}` };
  const policy: TargetPolicy = {
    allowPrivate: env.ALERT_ALLOW_PRIVATE_URLS === "true",
    allowedCidrs: allowed.cidrs,
    allowedHosts: allowed.hosts,
  };
  let source = "ALERT_DESTINATIONS";
  let text = env.ALERT_DESTINATIONS;
  if (env.ALERT_DESTINATIONS_FILE) {
    if (text) return { error: "set ALERT_DESTINATIONS or ALERT_DESTINATIONS_FILE, not both" };
    source = `ALERT_DESTINATIONS_FILE (${env.ALERT_DESTINATIONS_FILE})`;
    try {
      text = readFileSync(env.ALERT_DESTINATIONS_FILE, "utf8");
    } catch (error) {
      return { error: `${source}: cannot read it: ${(error as NodeJS.ErrnoException).code ?? "error"}` };
    }
  }
  const destinations: DestinationSettings[] = [];
  if (text) {
    let list: unknown;
    try {
      list = JSON.parse(text);
    } catch (error) {
      return { error: `${source}: not valid JSON (${(error as Error).message})` };
    }
    if (!Array.isArray(list)) return { error: `${source}: expected a JSON array of destinations` };
    const names = new Set<string>();
    for (const [index, raw] of list.entries()) {
      const problem = destinationProblem(raw, policy);
      if (problem) return { error: `${source}: ${label(raw, index)}: ${problem}` };
      const destination = DestinationSettingsSchema.parse(raw);
      if (names.has(destination.name)) return { error: `${source}: ${label(raw, index)} is named twice` };
      names.add(destination.name);
      destinations.push(destination);
    }
  }
  return {
    destinations,
    policy,
    publicUrl: env.PUBLIC_URL ? env.PUBLIC_URL.replace(/\/+$/, "") : null,
    timeoutMs: env.ALERT_TIMEOUT_MS,
    retry: {
      maxAttempts: env.ALERT_MAX_ATTEMPTS,
      baseDelayMs: env.ALERT_RETRY_BASE_MS,
      maxDelayMs: Math.max(env.ALERT_RETRY_MAX_MS, env.ALERT_RETRY_BASE_MS),
    },
    cooldownMs: env.ALERT_COOLDOWN_MS,
    digestMin: env.ALERT_DIGEST_MIN,
    groupWaitMs: env.ALERT_GROUP_WAIT_MS,
  };
}

/** The settings with every ALERT_* variable unset (in-process tests, and apps built without a config). */
export function defaultAlertConfig(): AlertConfig {
  const config = parseAlertConfig(z.object(alertEnvShape).parse({}));
  if ("error" in config) throw new Error(config.error);
  return config;
}
