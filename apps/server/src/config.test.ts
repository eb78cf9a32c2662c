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

  it("waits 30 s for request spans, and honours the old TRACE_IDLE_MS name only when TRACE_WAIT_MS is unset", () => {
    expect(parseConfig({})).toMatchObject({ TRACE_WAIT_MS: 30_000, FLUSH_INTERVAL_MS: 100 });
    expect(parseConfig({ TRACE_IDLE_MS: "8000" }).TRACE_WAIT_MS).toBe(8_000);
    expect(parseConfig({ TRACE_IDLE_MS: "8000", TRACE_WAIT_MS: "60000" }).TRACE_WAIT_MS).toBe(60_000);
    expect(() => parseConfig({ TRACE_WAIT_MS: "-1" })).toThrow(/TRACE_WAIT_MS/);
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
    expect(() => parseConfig({ OTLP_GRPC_PORT: "4318" })).toThrow(/must differ/);
  });

  it("has open, browser-friendly receiver defaults", () => {
    expect(parseConfig({})).toMatchObject({
      OTLP_GRPC_PORT: 4317,
      MAX_QUEUED_SPANS: 100_000,
      RETRY_AFTER_SECONDS: 1,
      CORS_ORIGINS: "*",
      INGEST_KEYS: [],
      INGEST_KEY_HEADER: "authorization",
    });
  });

  it("parses CORS origins, ingest keys and the key header", () => {
    const config = parseConfig({
      CORS_ORIGINS: "https://app.example.com, http://localhost:5173",
      INGEST_KEYS: "k1, k2,,",
      INGEST_KEY_HEADER: "X-N1radar-Key",
    });
    expect(config.CORS_ORIGINS).toEqual(["https://app.example.com", "http://localhost:5173"]);
    expect(config.INGEST_KEYS).toEqual(["k1", "k2"]);
    expect(config.INGEST_KEY_HEADER).toBe("x-n1radar-key");
    expect(parseConfig({ CORS_ORIGINS: "none" }).CORS_ORIGINS).toEqual([]);
  });

  it("names bad CORS origins, keys and header names", () => {
    expect(() => parseConfig({ CORS_ORIGINS: "https://app.example.com/path" })).toThrow(
      /CORS_ORIGINS=.*not an origin/,
    );
    expect(() => parseConfig({ CORS_ORIGINS: "example.com" })).toThrow(/CORS_ORIGINS/);
    expect(() => parseConfig({ INGEST_KEYS: "good,bad key" })).toThrow(/INGEST_KEYS=.*visible ASCII/);
    for (const header of ["x key", "x-key-bin", "grpc-timeout", "content-type"]) {
      expect(() => parseConfig({ INGEST_KEY_HEADER: header })).toThrow(/INGEST_KEY_HEADER/);
    }
    expect(() => parseConfig({ MAX_QUEUED_SPANS: "0" })).toThrow(/MAX_QUEUED_SPANS/);
  });
});
