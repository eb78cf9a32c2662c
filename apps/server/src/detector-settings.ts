/**
 * Detector settings as people write them: the JSON in N1_SERVICE_OVERRIDES / N1_IGNORE and the file given to
 * `n1radar analyze --config`. One zod schema for both, so the server and the CLI accept and reject the same
 * things with the same messages.
 */
import {
  type DetectorSettings,
  defaultDetectorSettings,
  type IgnoreRule,
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
export const ignoreRulesSchema = z.array(ignoreRuleSchema);

/** `n1radar analyze --config file.json`: thresholds at the top level, plus overrides and ignore rules. */
export const detectorFileSchema = thresholdsSchema.extend({
  serviceOverrides: serviceOverridesSchema.optional(),
  ignore: ignoreRulesSchema.optional(),
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
): DetectorSettings {
  return {
    ...defaultDetectorSettings,
    ...definedOnly(base),
    ...(serviceOverrides && Object.keys(serviceOverrides).length > 0 ? { serviceOverrides } : {}),
    ...(ignore && ignore.length > 0 ? { ignore } : {}),
  };
}
