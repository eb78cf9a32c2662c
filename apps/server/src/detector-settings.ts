/**
 * Detector settings as people write them: the JSON in N1_SERVICE_OVERRIDES / N1_IGNORE and the file given to
 * `n1radar analyze --config`. One zod schema for both, so the server and the CLI accept and reject the same
 * things with the same messages.
 */

import { readFileSync } from "node:fs";
import type { RulesAcknowledgement } from "@n1radar/core";
import {
  type DetectorSettings,
  defaultDetectorSettings,
  type IgnoreRule,
  matchesIgnoreRule,
  type Thresholds,
} from "@n1radar/detector";
import { z } from "zod";

export const thresholdsSchema = z
  .strictObject({
    minRepeats: z.number().int().min(2),
    minWastedMs: z.number().min(0),
    minOuterRepeats: z.number().int().min(2),
    parallelRatio: z.number().min(0).max(1),
    maxSampleSpans: z.number().int().min(1).max(10_000),
  })
  .partial();

const pattern = z.string().min(1).nullish();

export const ignoreRuleSchema = z
  .strictObject({
    service: pattern,
    endpoint: pattern,
    statement: pattern,
    statementContains: pattern,
  })
  .refine((r) => Object.values(r).some((v) => typeof v === "string"), {
    message: "an ignore rule needs at least one of service, endpoint, statement, statementContains",
  });

export const serviceOverridesSchema = z.record(z.string().min(1), thresholdsSchema);
/** `{ "endpoint": "GET /admin/*", "minRepeats": 50 }`, optionally for one `service` (exact or glob). */
export const endpointOverrideSchema = thresholdsSchema.extend({
  service: pattern,
  endpoint: z.string().min(1),
});
export const endpointOverridesSchema = z.array(endpointOverrideSchema);

/**
 * A loop the team knows about and accepts for now, with who said so and why: it no longer fails the CI gate,
 * until `expires` (a date, inclusive), after which it fails again. Chosen by the offender's stable `id`, or by
 * `service` / `endpoint` (exact or glob) / `statement` (compared normalized), like an ignore rule.
 */
export const acknowledgementSchema = z
  .strictObject({
    id: z.string().min(1).optional(),
    service: pattern,
    endpoint: pattern,
    statement: pattern,
    reason: z.string().min(1),
    author: z.string().min(1),
    expires: z.iso.date().optional(),
  })
  .refine((a) => [a.id, a.service, a.endpoint, a.statement].some((v) => typeof v === "string"), {
    message: "an acknowledgement needs at least one of id, service, endpoint, statement",
  });
export type Acknowledgement = z.infer<typeof acknowledgementSchema>;

/** The first acknowledgement that names the offender: by id, or by service / endpoint / statement. */
export function acknowledgementFor(
  offender: { id: string; service: string; endpoint: string; statement: string },
  acknowledgements: readonly Acknowledgement[],
): Acknowledgement | null {
  for (const a of acknowledgements) {
    if (a.id !== undefined && a.id !== offender.id) continue;
    const { service, endpoint, statement } = a;
    if ((service || endpoint || statement) && !matchesIgnoreRule(offender, { service, endpoint, statement }))
      continue;
    return a;
  }
  return null;
}

/** Valid through its expiry date, in UTC: `expires: "2027-01-31"` still holds on that day. */
export const isExpired = (a: Acknowledgement, now: Date) =>
  a.expires !== undefined && now.toISOString().slice(0, 10) > a.expires;

/** An offender's acknowledgement in the rules file, as the API shows it; null when none names it. */
export function rulesAcknowledgement(
  offender: { id: string; service: string; endpoint: string; statement: string },
  acknowledgements: readonly Acknowledgement[],
  now: Date,
): RulesAcknowledgement | null {
  const a = acknowledgementFor(offender, acknowledgements);
  if (!a) return null;
  return { reason: a.reason, author: a.author, expires: a.expires ?? null, expired: isExpired(a, now) };
}
export const ignoreRulesSchema = z.array(ignoreRuleSchema);

/**
 * The rules file: `n1radar analyze/ci/explain --config file.json` and the server's N1_RULES_FILE, so CI and
 * production judge by the same rules. Thresholds at the top level, per service, per endpoint, and ignore rules.
 */
export const detectorFileSchema = thresholdsSchema.extend({
  serviceOverrides: serviceOverridesSchema.optional(),
  endpointOverrides: endpointOverridesSchema.optional(),
  ignore: ignoreRulesSchema.optional(),
  acknowledgements: z.array(acknowledgementSchema).optional(),
});

export type DetectorFile = z.infer<typeof detectorFileSchema>;

/** A string holding JSON that must match `schema`; issues name the path inside the JSON. */
export function jsonText<T>(schema: z.ZodType<T>) {
  return z.string().transform((text, ctx): T => {
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (error) {
      ctx.addIssue({ code: "custom", message: `not valid JSON (${(error as Error).message})` });
      return z.NEVER;
    }
    const result = schema.safeParse(value);
    if (result.success) return result.data;
    for (const issue of result.error.issues) {
      const at = issue.path.length > 0 ? `at ${issue.path.join(".")}: ` : "";
      ctx.addIssue({ code: "custom", message: `${at}${issue.message}` });
    }
    return z.NEVER;
  });
}

/** Readable one-line-per-problem text for a failed parse of a detector file. */
export function describeIssues(error: z.ZodError): string {
  return error.issues
    .map((issue) => `  ${issue.path.length > 0 ? issue.path.join(".") : "(file)"}: ${issue.message}`)
    .join("\n");
}

const definedOnly = <T extends object>(o: T): Partial<T> =>
  Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;

/** Builds DetectorSettings from defaults, then `base` thresholds, overrides and ignore rules. */
export function detectorSettings(
  base: Partial<Thresholds>,
  serviceOverrides?: Record<string, Partial<Thresholds>>,
  ignore?: readonly IgnoreRule[],
  endpointOverrides?: z.infer<typeof endpointOverridesSchema>,
): DetectorSettings {
  const byEndpoint = (endpointOverrides ?? []).map(({ service, endpoint, ...thresholds }) => ({
    service: service ?? null,
    endpoint,
    thresholds: definedOnly(thresholds),
  }));
  return {
    ...defaultDetectorSettings,
    ...definedOnly(base),
    ...(serviceOverrides && Object.keys(serviceOverrides).length > 0 ? { serviceOverrides } : {}),
    ...(byEndpoint.length > 0 ? { endpointOverrides: byEndpoint } : {}),
    ...(ignore && ignore.length > 0 ? { ignore } : {}),
  };
}

/** Reads and checks a rules file; the error names the file and each bad field. */
export function readRulesFile(path: string): DetectorFile {
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(path, "utf8"));
  } catch (error) {
    throw new Error(`rules file ${path}: ${(error as Error).message}`);
  }
  const parsed = detectorFileSchema.safeParse(value);
  if (!parsed.success) throw new Error(`rules file ${path} is invalid:\n${describeIssues(parsed.error)}`);
  return parsed.data;
}
