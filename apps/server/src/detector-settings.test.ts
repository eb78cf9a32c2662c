import { describe, expect, it } from "vitest";
import { ConfigError, parseConfig } from "./config.js";
import { detectorFileSchema, detectorSettings } from "./detector-settings.js";

describe("detector settings from the environment", () => {
  it("has documented defaults and reads every threshold", () => {
    expect(parseConfig({})).toMatchObject({
      N1_MIN_REPEATS: 5,
      N1_MIN_WASTED_MS: 0,
      N1_MIN_OUTER_REPEATS: 2,
      N1_PARALLEL_RATIO: 0.5,
      N1_MAX_SAMPLE_SPANS: 200,
      MAX_OPEN_SPANS: 500_000,
    });
    expect(parseConfig({ N1_PARALLEL_RATIO: "0.8" }).N1_PARALLEL_RATIO).toBe(0.8);
  });

  it("reads per-service overrides and ignore rules as JSON", () => {
    const config = parseConfig({
      N1_SERVICE_OVERRIDES: '{"batch-worker": {"minRepeats": 20, "minWastedMs": 5}}',
      N1_IGNORE:
        '[{"endpoint": "GET /admin/*"}, {"service": "legacy", "statementContains": "FROM audit_log"}]',
    });
    const settings = detectorSettings(
      { minRepeats: config.N1_MIN_REPEATS },
      config.N1_SERVICE_OVERRIDES,
      config.N1_IGNORE,
    );
    expect(settings).toMatchObject({
      minRepeats: 5,
      serviceOverrides: { "batch-worker": { minRepeats: 20, minWastedMs: 5 } },
      ignore: [{ endpoint: "GET /admin/*" }, { service: "legacy", statementContains: "FROM audit_log" }],
    });
  });

  it("names the variable and the place in the JSON when it is wrong", () => {
    const message = (env: Record<string, string>) => {
      try {
        parseConfig(env);
      } catch (error) {
        expect(error).toBeInstanceOf(ConfigError);
        return (error as Error).message;
      }
      return "";
    };
    expect(message({ N1_SERVICE_OVERRIDES: "{not json" })).toMatch(/N1_SERVICE_OVERRIDES=.*not valid JSON/);
    expect(message({ N1_SERVICE_OVERRIDES: '{"api": {"minRepeat": 3}}' })).toMatch(
      /N1_SERVICE_OVERRIDES=.*at api/,
    );
    expect(message({ N1_IGNORE: '[{"endpoint": "GET /x"}, {}]' })).toMatch(
      /N1_IGNORE=.*at 1: an ignore rule needs/,
    );
    expect(message({ N1_PARALLEL_RATIO: "2" })).toMatch(/N1_PARALLEL_RATIO/);
  });

  it("accepts the same shape in an analyze --config file", () => {
    expect(detectorFileSchema.safeParse({ minRepeats: 3, ignore: [{ service: "a" }] }).success).toBe(true);
    expect(detectorFileSchema.safeParse({ minRepeats: 1 }).success).toBe(false);
    expect(detectorFileSchema.safeParse({ typo: 1 }).success).toBe(false);
  });
});
