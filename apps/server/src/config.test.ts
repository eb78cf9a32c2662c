import { describe, expect, it } from "vitest";
import { ConfigError, parseConfig } from "./config.js";

describe("parseConfig", () => {
  it("has laptop defaults", () => {
    expect(parseConfig({})).toMatchObject({
      PORT: 3000,
      OTLP_HTTP_PORT: 4318,
      DATABASE_URL: "./data/n1radar.db",
      N1_MIN_REPEATS: 5,
    });
  });

  it("names every bad variable in one readable message", () => {
    expect(() => parseConfig({ PORT: "abc", OTLP_HTTP_PORT: "70000" })).toThrow(ConfigError);
    try {
      parseConfig({ PORT: "abc", OTLP_HTTP_PORT: "70000" });
    } catch (error) {
      expect((error as Error).message).toContain('PORT="abc"');
      expect((error as Error).message).toContain('OTLP_HTTP_PORT="70000"');
    }
  });

  it("rejects clashing ports", () => {
    expect(() => parseConfig({ PORT: "4318" })).toThrow(/must differ/);
  });
});
