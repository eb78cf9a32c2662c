import { describe, expect, it } from "vitest";
import {
  formatCount,
  formatDuration,
  formatMedian,
  formatPercent,
  formatRelative,
  oneLine,
  otlpEnvLines,
  statusLabel,
} from "./format";

describe("formatDuration", () => {
  it.each([
    [0, "0 ms"],
    [0.04, "<0.1 ms"],
    [0.42, "0.4 ms"],
    [3.44, "3.4 ms"],
    [9.96, "10 ms"],
    [340.4, "340 ms"],
    [999.6, "1 s"],
    [1234, "1.2 s"],
    [9_960, "10 s"],
    [42_300, "42 s"],
    [59_600, "1 min"],
    [125_000, "2 min 5 s"],
    [3_600_000, "1 h"],
    [11_400_000, "3 h 10 min"],
    [90_000_000, "1 d 1 h"],
    [-5, "0 ms"],
    [Number.NaN, "–"],
  ])("%s ms reads %s", (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });
});

describe("formatRelative", () => {
  const now = Date.parse("2025-06-01T12:00:00Z");
  it.each([
    ["2025-06-01T11:59:55Z", "just now"],
    ["2025-06-01T12:00:30Z", "just now"],
    ["2025-06-01T11:59:18Z", "42 s ago"],
    ["2025-06-01T11:55:00Z", "5 min ago"],
    ["2025-06-01T09:00:00Z", "3 h ago"],
    ["2025-05-30T12:00:00Z", "2 d ago"],
    ["not a date", "unknown"],
  ])("%s reads %s", (iso, text) => {
    expect(formatRelative(iso, now)).toBe(text);
  });

  it("falls back to a date after a month", () => {
    expect(formatRelative("2024-01-15T12:00:00Z", now)).toMatch(/2024/);
  });
});

describe("numbers", () => {
  it("groups counts and keeps one decimal in medians", () => {
    expect(formatCount(1234567)).toBe("1,234,567");
    expect(formatMedian(12.5)).toBe("12.5");
    expect(formatMedian(12)).toBe("12");
    expect(formatMedian(12.345)).toBe("12.3");
  });

  it("clamps percentages", () => {
    expect(formatPercent(0.856)).toBe("86%");
    expect(formatPercent(1.4)).toBe("100%");
    expect(formatPercent(-1)).toBe("0%");
  });
});

describe("text", () => {
  it("puts a statement on one line", () => {
    expect(oneLine("  SELECT *\n\tFROM t  ")).toBe("SELECT * FROM t");
  });

  it("labels statuses", () => {
    expect(statusLabel("acknowledged")).toBe("Acknowledged");
  });

  it("builds the OTLP lines for the page's host", () => {
    expect(otlpEnvLines("radar.internal")).toEqual([
      "OTEL_EXPORTER_OTLP_ENDPOINT=http://radar.internal:4318",
      "OTEL_EXPORTER_OTLP_PROTOCOL=http/protobuf",
      "OTEL_SERVICE_NAME=my-service",
    ]);
    expect(otlpEnvLines("::1")[0]).toBe("OTEL_EXPORTER_OTLP_ENDPOINT=http://[::1]:4318");
    expect(otlpEnvLines("radar", "api", 14318)[0]).toBe("OTEL_EXPORTER_OTLP_ENDPOINT=http://radar:14318");
    expect(otlpEnvLines("")[0]).toBe("OTEL_EXPORTER_OTLP_ENDPOINT=http://localhost:4318");
  });
});
